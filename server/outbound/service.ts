import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { newId } from '../lib/ids';
import { AppError } from '../http/errors';
import { audit } from '../audit';
import { RETRY_WINDOW_MS } from './backoff';
import { newSigningSecret } from './signature';
import type { EndpointForm } from './schema';
import * as store from './store';

/** Register an endpoint; returns its signing secret, which the page shows once. */
export async function createEndpoint(db: DB, clock: Clock, merchantId: string, actor: string, input: EndpointForm): Promise<{ id: string; secret: string }> {
  const id = newId('we');
  const secret = newSigningSecret();
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    await store.insertEndpoint(trx, {
      id,
      merchantId,
      url: input.url,
      events: JSON.stringify(input.events),
      livemode: input.mode === 'live' ? 1 : 0,
      secret,
      enabled: 1,
      createdBy: actor,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    await audit(trx, { merchantId, actor, action: 'webhook_endpoint.created', subjectType: 'webhook_endpoint', subjectId: id, after: { url: input.url, events: input.events, mode: input.mode }, at: now });
  });
  return { id, secret };
}

async function mustFind(db: DB, merchantId: string, id: string) {
  const endpoint = await store.findEndpoint(db, merchantId, id);
  if (!endpoint) throw new AppError(404, 'not_found', 'No such webhook endpoint.');
  return endpoint;
}

export async function setEnabled(db: DB, clock: Clock, merchantId: string, actor: string, id: string, enabled: boolean): Promise<void> {
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    const endpoint = await mustFind(trx, merchantId, id);
    if ((endpoint.enabled === 1) === enabled) return;
    await store.setEndpointEnabled(trx, merchantId, id, enabled, now.toISOString());
    if (!enabled) await store.cancelPendingDeliveries(trx, id, now.toISOString());
    await audit(trx, { merchantId, actor, action: enabled ? 'webhook_endpoint.enabled' : 'webhook_endpoint.disabled', subjectType: 'webhook_endpoint', subjectId: id, at: now });
  });
}

export async function deleteEndpoint(db: DB, clock: Clock, merchantId: string, actor: string, id: string): Promise<void> {
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    const endpoint = await mustFind(trx, merchantId, id);
    await store.deleteEndpoint(trx, merchantId, id);
    await audit(trx, { merchantId, actor, action: 'webhook_endpoint.deleted', subjectType: 'webhook_endpoint', subjectId: id, before: { url: endpoint.url, events: JSON.parse(endpoint.events) as unknown }, at: now });
  });
}

/** Send a delivery again now, with a fresh day of retries; the receiver dedupes by Refcut-Event-Id. */
export async function resendDelivery(db: DB, clock: Clock, merchantId: string, actor: string, deliveryId: string): Promise<{ endpointId: string }> {
  const now = clock.now();
  return db.transaction().execute(async (trx) => {
    const delivery = await store.findDelivery(trx, merchantId, deliveryId);
    if (!delivery) throw new AppError(404, 'not_found', 'No such delivery.');
    const endpoint = await mustFind(trx, merchantId, delivery.endpointId);
    if (endpoint.enabled !== 1) throw new AppError(422, 'unprocessable', 'Enable the endpoint before resending to it.');
    await store.requeueDelivery(trx, deliveryId, now.toISOString(), new Date(now.getTime() + RETRY_WINDOW_MS).toISOString());
    await audit(trx, { merchantId, actor, action: 'webhook_delivery.resent', subjectType: 'webhook_delivery', subjectId: deliveryId, before: { status: delivery.status, attempts: delivery.attempts }, at: now });
    return { endpointId: delivery.endpointId };
  });
}
