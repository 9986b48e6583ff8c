import { PostgresAdapter, sql, type ExpressionBuilder, type Selectable, type SqlBool } from 'kysely';
import type { DB } from '../../db';
import { hotFor } from '../../db/hot';
import type { Database } from '../../db/schema';
import type { StripeEventsTable, StripeEventStatus, StripeSubscriptionsTable } from '../../db/tables/stripe';

export type StoredEvent = Selectable<StripeEventsTable>;
export type StoredSubscription = Selectable<StripeSubscriptionsTable>;

/** Store an event unless its id is already there. Returns whether this call stored it. */
export async function insertEventIfNew(db: DB, row: StoredEvent): Promise<boolean> {
  const hot = hotFor(db);
  if (hot) return hot.insertEventIfNew(row);
  const r = await db.insertInto('stripeEvents').values(row).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Whether the event is already stored: Stripe's retries answer from a read, taking no write lock. */
export async function eventExists(db: DB, id: string): Promise<boolean> {
  const hot = hotFor(db);
  if (hot) return hot.eventExists(id);
  return (await db.selectFrom('stripeEvents').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export const getEvent = (db: DB, id: string) => db.selectFrom('stripeEvents').selectAll().where('id', '=', id).executeTakeFirst();

export const getMerchantEvent = (db: DB, merchantId: string, id: string) =>
  db.selectFrom('stripeEvents').selectAll().where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();

/** Due work: new events, failed ones whose retry time has come, and ones whose worker's lease ran out. */
const isDue = (nowIso: string) => (eb: ExpressionBuilder<Database, 'stripeEvents'>) =>
  eb.or([
    eb('status', '=', 'pending'),
    eb.and([eb('status', '=', 'failed'), eb('nextAttemptAt', '<=', nowIso)]),
    eb.and([eb('status', '=', 'processing'), eb('lockedUntil', '<=', nowIso)]),
  ]);

/**
 * Implied by isDue, and the WHERE of the partial index stripe_events_open_idx (migration 2026112520) word for
 * word, which SQLite needs to read the oldest open events from it instead of sorting every pending one.
 */
const OPEN_EVENT = sql<SqlBool>`(status = 'pending' or status = 'processing' or (status = 'failed' and next_attempt_at is not null))`;

/**
 * Take one event for processing. The UPDATE re-checks "still due" in its WHERE clause, so when two
 * processes race for the same row only one changes it (PostgreSQL re-evaluates the condition after the
 * row lock; SQLite has a single writer), and the winner's token guards its later status writes.
 */
export async function claimEvent(db: DB, id: string, nowIso: string, leaseUntilIso: string, token: string): Promise<boolean> {
  const r = await db
    .updateTable('stripeEvents')
    .set((eb) => ({ status: 'processing', lockedUntil: leaseUntilIso, lockedBy: token, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where(isDue(nowIso))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Take a batch of due events (oldest first) in one statement and return them whole, so the worker
 * neither claims them one by one nor reads each one back. The outer WHERE re-checks "still due" like
 * claimEvent; on PostgreSQL the inner select skips rows another process is claiming right now, so two
 * processes take disjoint batches instead of queueing on each other's row locks.
 */
export async function claimDueEvents(db: DB, nowIso: string, leaseUntilIso: string, token: string, limit: number): Promise<StoredEvent[]> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const rows = await db
    .updateTable('stripeEvents')
    .set((eb) => ({ status: 'processing', lockedUntil: leaseUntilIso, lockedBy: token, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('stripeEvents')
        .select('id')
        .where(OPEN_EVENT)
        .where(isDue(nowIso))
        .orderBy('created')
        .orderBy('id')
        .limit(limit)
        .$if(postgres, (q) => q.forUpdate().skipLocked()),
    )
    .where(isDue(nowIso))
    .returningAll()
    .execute();
  // RETURNING gives no order: process them in the order they happened.
  return rows.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export const setEventRouting = (db: DB, id: string, merchantId: string, connectionId: string) =>
  db.updateTable('stripeEvents').set({ merchantId, connectionId }).where('id', '=', id).execute();

type Outcome =
  | { status: 'processed'; at: string }
  | { status: 'ignored'; at: string; reason: string }
  | { status: 'failed'; error: string; nextAttemptAt: string | null };

/** Record how processing ended, only if this worker still holds the claim. */
export async function finishEvent(db: DB, id: string, token: string, outcome: Outcome): Promise<boolean> {
  const base = { lockedUntil: null, lockedBy: null };
  const set =
    outcome.status === 'processed'
      ? { ...base, status: 'processed' as const, processedAt: outcome.at, nextAttemptAt: null, ignoredReason: null }
      : outcome.status === 'ignored'
        ? { ...base, status: 'ignored' as const, processedAt: outcome.at, nextAttemptAt: null, ignoredReason: outcome.reason }
        : { ...base, status: 'failed' as const, lastError: outcome.error, nextAttemptAt: outcome.nextAttemptAt };
  const r = await db.updateTable('stripeEvents').set(set).where('id', '=', id).where('lockedBy', '=', token).where('status', '=', 'processing').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Put a finished event back in the queue. Not while a worker holds it (unless its lease ran out). */
export async function resetEvent(db: DB, merchantId: string, id: string, nowIso: string): Promise<boolean> {
  const r = await db
    .updateTable('stripeEvents')
    .set({ status: 'pending', nextAttemptAt: null, lockedUntil: null, lockedBy: null, ignoredReason: null })
    .where('merchantId', '=', merchantId)
    .where('id', '=', id)
    .where((eb) => eb.or([eb('status', '!=', 'processing'), eb('lockedUntil', '<=', nowIso)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface EventFilter {
  status?: StripeEventStatus;
  type?: string;
}

/** A page of the merchant's events, newest first, without payloads. One extra row tells if there is a next page. */
export async function listEvents(db: DB, merchantId: string, filter: EventFilter, page: { limit: number; offset: number }) {
  let q = db
    .selectFrom('stripeEvents')
    .select(['id', 'type', 'objectId', 'accountId', 'livemode', 'created', 'receivedAt', 'source', 'status', 'attempts', 'lastError', 'nextAttemptAt', 'ignoredReason', 'processedAt'])
    .where('merchantId', '=', merchantId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.type) q = q.where('type', '=', filter.type);
  const rows = await q.orderBy('created', 'desc').orderBy('id', 'desc').limit(page.limit + 1).offset(page.offset).execute();
  return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}
export type EventListRow = Awaited<ReturnType<typeof listEvents>>['rows'][number];

/**
 * Write a subscription's state unless what is stored came from a newer event. Between two events of
 * the same second the one processed last wins (it read Stripe later); the same event again changes nothing.
 * Returns whether a row was written.
 */
export async function upsertSubscription(db: DB, row: StoredSubscription): Promise<boolean> {
  const { merchantId: _m, subscriptionId: _s, ...changes } = row;
  const r = await db
    .insertInto('stripeSubscriptions')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['merchantId', 'subscriptionId'])
        .doUpdateSet(changes)
        .where((eb) =>
          eb.or([
            eb('stripeSubscriptions.updatedFromEventCreated', '<', row.updatedFromEventCreated),
            eb.and([eb('stripeSubscriptions.updatedFromEventCreated', '=', row.updatedFromEventCreated), eb('stripeSubscriptions.updatedFromEventId', '!=', row.updatedFromEventId)]),
          ]),
        ),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export const getSubscription = (db: DB, merchantId: string, subscriptionId: string) =>
  db.selectFrom('stripeSubscriptions').selectAll().where('merchantId', '=', merchantId).where('subscriptionId', '=', subscriptionId).executeTakeFirst();
