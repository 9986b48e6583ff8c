// Queries of the notifications: switches, the sources still to look at, the emails and their delivery.
import type { Insertable } from 'kysely';
import type { DB } from '../../db';
import type { NotificationsTable, NotificationSettingsTable } from '../../db/tables/dashboard';

export type Toggles = Pick<NotificationSettingsTable, 'partnerApplicationDecided' | 'partnerCommissionEarned' | 'partnerPayoutSent' | 'merchantApplicationReceived'>;
export const ALL_ON: Toggles = { partnerApplicationDecided: 1, partnerCommissionEarned: 1, partnerPayoutSent: 1, merchantApplicationReceived: 1 };

export async function getToggles(db: DB, merchantId: string): Promise<Toggles> {
  const row = await db
    .selectFrom('notificationSettings')
    .select(['partnerApplicationDecided', 'partnerCommissionEarned', 'partnerPayoutSent', 'merchantApplicationReceived'])
    .where('merchantId', '=', merchantId)
    .executeTakeFirst();
  return row ?? ALL_ON;
}

export const saveToggles = (db: DB, merchantId: string, t: Toggles, nowIso: string) =>
  db
    .insertInto('notificationSettings')
    .values({ merchantId, ...t, updatedAt: nowIso })
    .onConflict((oc) => oc.column('merchantId').doUpdateSet({ ...t, updatedAt: nowIso }))
    .execute();

/** Outbox events of `types` since `sinceIso` that no scan has handled yet, oldest first. */
export const unscannedEvents = (db: DB, types: string[], sinceIso: string, limit: number) =>
  db
    .selectFrom('outboxEvents as e')
    .leftJoin('notificationScans as s', 's.sourceId', 'e.id')
    .where('s.sourceId', 'is', null)
    .where('e.type', 'in', types)
    .where('e.createdAt', '>=', sinceIso)
    .select(['e.id', 'e.merchantId', 'e.type', 'e.livemode', 'e.data', 'e.createdAt'])
    .orderBy('e.createdAt')
    .orderBy('e.id')
    .limit(limit)
    .execute();

/** Applications since `sinceIso` that no scan has handled yet, oldest first. */
export const unscannedApplications = (db: DB, sinceIso: string, limit: number) =>
  db
    .selectFrom('applications as a')
    .leftJoin('notificationScans as s', 's.sourceId', 'a.id')
    .where('s.sourceId', 'is', null)
    .where('a.createdAt', '>=', sinceIso)
    .selectAll('a')
    .orderBy('a.createdAt')
    .orderBy('a.id')
    .limit(limit)
    .execute();

/** Mark a source handled; false when another process (or an earlier run) already did. */
export async function markScanned(trx: DB, sourceId: string, merchantId: string, nowIso: string): Promise<boolean> {
  const r = await trx.insertInto('notificationScans').values({ sourceId, merchantId, createdAt: nowIso }).onConflict((oc) => oc.column('sourceId').doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function insertNotifications(trx: DB, rows: Insertable<NotificationsTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('notifications')
    .values(rows)
    .onConflict((oc) => oc.columns(['kind', 'sourceId', 'recipient']).doNothing())
    .execute();
}

/** The program as emails name it. */
export const programOf = (db: DB, merchantId: string) =>
  db
    .selectFrom('merchants')
    .innerJoin('programSettings', 'programSettings.merchantId', 'merchants.id')
    .select(['merchants.name', 'merchants.publicId', 'programSettings.holdingDays'])
    .where('merchants.id', '=', merchantId)
    .executeTakeFirstOrThrow();

/** Who decides applications: the owners and admins. */
export const deciders = (db: DB, merchantId: string) =>
  db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.userId')
    .select('users.email')
    .where('memberships.merchantId', '=', merchantId)
    .where('memberships.role', 'in', ['owner', 'admin'])
    .orderBy('users.email')
    .execute();

export const defaultLinkOf = (db: DB, merchantId: string, partnerId: string) =>
  db.selectFrom('links').select('slug').where('merchantId', '=', merchantId).where('partnerId', '=', partnerId).where('isDefault', '=', 1).executeTakeFirst();

export const partnerOf = (db: DB, merchantId: string, partnerId: string) =>
  db.selectFrom('partners').select(['name', 'email']).where('merchantId', '=', merchantId).where('id', '=', partnerId).executeTakeFirst();

/** Ids of emails due for a delivery attempt (new, retry time reached, or abandoned mid-send). */
export const dueIds = (db: DB, nowIso: string, limit: number) =>
  db
    .selectFrom('notifications')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb.or([eb('nextAttemptAt', 'is', null), eb('nextAttemptAt', '<=', nowIso)])]),
        eb.and([eb('status', '=', 'sending'), eb('lockedUntil', '<', nowIso)]),
      ]),
    )
    .orderBy('createdAt')
    .orderBy('id')
    .limit(limit)
    .execute();

/** Take one email for sending (conditional update: one process wins). */
export async function claim(db: DB, id: string, nowIso: string, lockedUntil: string) {
  return db
    .updateTable('notifications')
    .set((eb) => ({ status: 'sending', lockedUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb.or([eb('nextAttemptAt', 'is', null), eb('nextAttemptAt', '<=', nowIso)])]),
        eb.and([eb('status', '=', 'sending'), eb('lockedUntil', '<', nowIso)]),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
}

export const finish = (db: DB, id: string, values: Partial<Pick<NotificationsTable, 'status' | 'sentAt' | 'lastError' | 'nextAttemptAt' | 'body'>>) =>
  db.updateTable('notifications').set({ ...values, lockedUntil: null }).where('id', '=', id).execute();

/** A page of the merchant's emails, newest first. */
export async function listNotifications(db: DB, merchantId: string, offset: number, limit: number) {
  const q = db.selectFrom('notifications').where('merchantId', '=', merchantId);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
export type NotificationRow = Awaited<ReturnType<typeof listNotifications>>['rows'][number];
