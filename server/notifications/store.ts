// Queries of the notifications: switches, the sources still to look at, the emails and their delivery.
import { PostgresAdapter, sql, type ExpressionBuilder, type Insertable, type SqlBool } from 'kysely';
import type { Database } from '../../db/schema';
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

/**
 * Outbox events the scan has not looked at yet, oldest first, of every type (the scan sorts out which
 * it mails about). Reads only the flagged rows through their partial index, however large the outbox.
 */
export const pendingEvents = (db: DB, limit: number) =>
  db
    .selectFrom('outboxEvents as e')
    .where('e.notifyPending', '=', 1)
    .select(['e.id', 'e.merchantId', 'e.type', 'e.livemode', 'e.data', 'e.createdAt'])
    .orderBy('e.createdAt')
    .orderBy('e.id')
    .limit(limit)
    .execute();

/** The scan has looked at this event: it leaves the pending index. */
export async function clearNotifyPending(trx: DB, eventId: string): Promise<void> {
  await trx.updateTable('outboxEvents').set({ notifyPending: 0 }).where('id', '=', eventId).execute();
}

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

/** Emails due for a delivery attempt: new, retry time reached, or abandoned mid-send. */
const isDue = (nowIso: string) => (eb: ExpressionBuilder<Database, 'notifications'>) =>
  eb.or([
    eb.and([eb('status', '=', 'pending'), eb.or([eb('nextAttemptAt', 'is', null), eb('nextAttemptAt', '<=', nowIso)])]),
    eb.and([eb('status', '=', 'sending'), eb('lockedUntil', '<', nowIso)]),
  ]);

/** Implied by isDue, and the WHERE of the partial index notifications_open_idx word for word (see OPEN_EVENT in server/stripe/store.ts). */
const OPEN_EMAIL = sql<SqlBool>`(status = 'pending' or status = 'sending')`;

/**
 * Take up to `limit` due emails for sending in one statement (oldest first). The outer WHERE re-checks
 * "still due", so when processes race only one takes each email; on PostgreSQL the inner select skips rows
 * another process is taking right now.
 */
export async function claimDue(db: DB, nowIso: string, lockedUntil: string, limit: number) {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const rows = await db
    .updateTable('notifications')
    .set((eb) => ({ status: 'sending', lockedUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('notifications')
        .select('id')
        .where(OPEN_EMAIL)
        .where(isDue(nowIso))
        .orderBy('createdAt')
        .orderBy('id')
        .limit(limit)
        .$if(postgres, (q) => q.forUpdate().skipLocked()),
    )
    .where(isDue(nowIso))
    .returningAll()
    .execute();
  // RETURNING gives no order: send them in the order they were queued.
  return rows.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Hand back claimed emails that were never tried (the batch's claim ran out first): pending again, the claim's
 * attempt not counted. Only rows still under this claim (same status and lease) are touched.
 */
export const releaseUntried = (db: DB, ids: string[], lockedUntil: string) =>
  ids.length === 0
    ? Promise.resolve()
    : db
        .updateTable('notifications')
        .set((eb) => ({ status: 'pending', lockedUntil: null, attempts: eb('attempts', '-', 1) }))
        .where('id', 'in', ids)
        .where('status', '=', 'sending')
        .where('lockedUntil', '=', lockedUntil)
        .execute()
        .then(() => undefined);

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
