import type { Selectable } from 'kysely';
import type { DB } from '../../db';
import type { StripeConnectionsTable, StripeOauthStatesTable } from '../../db/tables/stripe';

export type StripeConnection = Selectable<StripeConnectionsTable>;

/** The merchant's connected Stripe account, if any. */
export const findActiveConnection = (db: DB, merchantId: string) =>
  db.selectFrom('stripeConnections').selectAll().where('activeMerchantId', '=', merchantId).executeTakeFirst();

export const findActiveConnectionByAccount = (db: DB, accountId: string) =>
  db.selectFrom('stripeConnections').selectAll().where('activeAccountId', '=', accountId).executeTakeFirst();

/** Every connection the merchant ever had, newest first (the history on the Stripe page). */
export const listConnections = (db: DB, merchantId: string) =>
  db.selectFrom('stripeConnections').selectAll().where('merchantId', '=', merchantId).orderBy('connectedAt', 'desc').orderBy('id').execute();

/**
 * The connection an event belongs to: the latest one made at or before the event's creation, so
 * retried events from before a disconnect still reach the merchant they happened under. An event older
 * than every connection (a catch-up reaching back) belongs to the first one.
 */
export async function connectionForEvent(db: DB, accountId: string, createdIso: string): Promise<StripeConnection | undefined> {
  const atTheTime = await db
    .selectFrom('stripeConnections')
    .selectAll()
    .where('accountId', '=', accountId)
    .where('connectedAt', '<=', createdIso)
    .orderBy('connectedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (atTheTime) return atTheTime;
  return db.selectFrom('stripeConnections').selectAll().where('accountId', '=', accountId).orderBy('connectedAt', 'asc').limit(1).executeTakeFirst();
}

export const insertConnection = (db: DB, row: StripeConnection) => db.insertInto('stripeConnections').values(row).execute();

/** Mark one connection disconnected; a no-op (returns false) when it already is. */
export async function markDisconnected(
  db: DB,
  connectionId: string,
  change: { at: string; by: string; reason: 'merchant' | 'deauthorized' },
): Promise<boolean> {
  const r = await db
    .updateTable('stripeConnections')
    .set({ activeAccountId: null, activeMerchantId: null, disconnectedAt: change.at, disconnectedBy: change.by, disconnectReason: change.reason })
    .where('id', '=', connectionId)
    .where('disconnectedAt', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const insertOauthState = (db: DB, row: Selectable<StripeOauthStatesTable>) => db.insertInto('stripeOauthStates').values(row).execute();

export const findOauthState = (db: DB, stateHash: string) =>
  db.selectFrom('stripeOauthStates').selectAll().where('stateHash', '=', stateHash).executeTakeFirst();

/** Use a state exactly once: the conditional update lets only one of two racing callbacks through. */
export async function consumeOauthState(db: DB, stateHash: string, nowIso: string): Promise<boolean> {
  const r = await db
    .updateTable('stripeOauthStates')
    .set({ usedAt: nowIso })
    .where('stateHash', '=', stateHash)
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', nowIso)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const deleteOauthStatesBefore = (db: DB, iso: string) => db.deleteFrom('stripeOauthStates').where('expiresAt', '<', iso).execute();
