import type { Insertable } from 'kysely';
import type { DB } from '../../db';
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from '../../db/tables/api';

// Endpoints

export const insertEndpoint = (db: DB, row: Insertable<WebhookEndpointsTable>) => db.insertInto('webhookEndpoints').values(row).execute();

const ENDPOINT_COLUMNS = ['id', 'url', 'events', 'livemode', 'enabled', 'createdAt', 'updatedAt'] as const;

export const listEndpoints = (db: DB, merchantId: string) =>
  db.selectFrom('webhookEndpoints').select(ENDPOINT_COLUMNS).where('merchantId', '=', merchantId).orderBy('createdAt', 'desc').orderBy('id').execute();

export const findEndpoint = (db: DB, merchantId: string, id: string) =>
  db.selectFrom('webhookEndpoints').select(ENDPOINT_COLUMNS).where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();

export const setEndpointEnabled = (db: DB, merchantId: string, id: string, enabled: boolean, at: string) =>
  db.updateTable('webhookEndpoints').set({ enabled: enabled ? 1 : 0, updatedAt: at }).where('merchantId', '=', merchantId).where('id', '=', id).execute();

export const deleteEndpoint = (db: DB, merchantId: string, id: string) =>
  db.deleteFrom('webhookEndpoints').where('merchantId', '=', merchantId).where('id', '=', id).execute();

/** A disabled endpoint receives nothing: what was still waiting for it is canceled, not sent later. */
export const cancelPendingDeliveries = (db: DB, endpointId: string, at: string) =>
  db
    .updateTable('webhookDeliveries')
    .set({ status: 'canceled', nextAttemptAt: null, updatedAt: at })
    .where('endpointId', '=', endpointId)
    .where('status', '=', 'pending')
    .execute();

// Deliveries as the merchant sees them

export const listDeliveries = (db: DB, merchantId: string, endpointId: string) =>
  db
    .selectFrom('webhookDeliveries')
    .select(['id', 'eventId', 'eventType', 'status', 'attempts', 'nextAttemptAt', 'lastAttemptAt', 'responseStatus', 'lastError', 'createdAt'])
    .where('merchantId', '=', merchantId)
    .where('endpointId', '=', endpointId)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc');

export const findDelivery = (db: DB, merchantId: string, id: string) =>
  db.selectFrom('webhookDeliveries').selectAll().where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();

/** Make a delivery due now with a fresh retry window (a manual resend). */
export const requeueDelivery = (db: DB, id: string, at: string, retryUntil: string) =>
  db
    .updateTable('webhookDeliveries')
    .set({ status: 'pending', attempts: 0, nextAttemptAt: at, lockedUntil: null, retryUntil, updatedAt: at })
    .where('id', '=', id)
    .execute();

// Fan-out

export const unfannedEvents = (db: DB, limit: number) =>
  db
    .selectFrom('outboxEvents as e')
    .where('e.fanoutPending', '=', 1)
    .select(['e.id', 'e.merchantId', 'e.type', 'e.livemode', 'e.createdAt'])
    .orderBy('e.createdAt')
    .orderBy('e.id')
    .limit(limit)
    .execute();

export const enabledEndpointsOf = (db: DB, merchantIds: string[]) =>
  merchantIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('webhookEndpoints')
        .select(['id', 'merchantId', 'events', 'livemode', 'createdAt'])
        .where('merchantId', 'in', merchantIds)
        .where('enabled', '=', 1)
        .execute();

/** Unique on (endpoint, event): a second fan-out of the same event (another process) adds nothing. */
export const insertDeliveries = (db: DB, rows: Insertable<WebhookDeliveriesTable>[]) =>
  rows.length === 0
    ? Promise.resolve()
    : db
        .insertInto('webhookDeliveries')
        .values(rows)
        .onConflict((oc) => oc.columns(['endpointId', 'eventId']).doNothing())
        .execute()
        .then(() => undefined);

/** The fan-out row stays the record (and the guard against a second process); the flag keeps the lookup small. */
export async function markFannedOut(db: DB, eventId: string, deliveries: number, at: string): Promise<void> {
  await db.insertInto('outboxFanouts').values({ eventId, deliveries, createdAt: at }).onConflict((oc) => oc.column('eventId').doNothing()).execute();
  await db.updateTable('outboxEvents').set({ fanoutPending: 0 }).where('id', '=', eventId).execute();
}

// Sending

export const dueDeliveryIds = (db: DB, nowIso: string, limit: number) =>
  db
    .selectFrom('webhookDeliveries as d')
    .innerJoin('webhookEndpoints as w', 'w.id', 'd.endpointId')
    .select('d.id')
    .where('d.status', '=', 'pending')
    .where('d.nextAttemptAt', '<=', nowIso)
    .where('w.enabled', '=', 1)
    .where((eb) => eb.or([eb('d.lockedUntil', 'is', null), eb('d.lockedUntil', '<=', nowIso)]))
    .orderBy('d.nextAttemptAt')
    .limit(limit)
    .execute();

/** Claim with a lease by conditional update: of several processes, exactly one sees a row updated. */
export async function claimDelivery(db: DB, id: string, nowIso: string, lockedUntil: string): Promise<boolean> {
  const r = await db
    .updateTable('webhookDeliveries')
    .set({ lockedUntil })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('nextAttemptAt', '<=', nowIso)
    .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<=', nowIso)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** What a claimed delivery needs to be sent: the endpoint's URL and secret, and the event. */
export const deliveryToSend = (db: DB, id: string) =>
  db
    .selectFrom('webhookDeliveries as d')
    .innerJoin('webhookEndpoints as w', 'w.id', 'd.endpointId')
    .innerJoin('outboxEvents as e', 'e.id', 'd.eventId')
    .select(['d.id', 'd.attempts', 'd.retryUntil', 'd.lockedUntil', 'w.url', 'w.secret', 'e.id as eventId', 'e.type', 'e.livemode', 'e.data', 'e.createdAt as eventCreatedAt'])
    .where('d.id', '=', id)
    .executeTakeFirst();

/** Record an attempt's outcome, only while this worker still holds the claim. */
export const recordAttempt = (
  db: DB,
  id: string,
  lease: string,
  outcome: Pick<WebhookDeliveriesTable, 'status' | 'attempts' | 'nextAttemptAt' | 'lastAttemptAt' | 'responseStatus' | 'lastError' | 'updatedAt'>,
) => db.updateTable('webhookDeliveries').set({ ...outcome, lockedUntil: null }).where('id', '=', id).where('lockedUntil', '=', lease).execute();
