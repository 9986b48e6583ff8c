import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { newId } from '../lib/ids';
import { RETRY_WINDOW_MS } from './backoff';
import * as store from './store';

/**
 * Events one pass fans out. A pass is one transaction, and on SQLite it holds the event loop until it
 * commits, about 0.5 ms an event: passes of 100 held webhook acknowledgements for up to 85 ms in the
 * webhook benchmark, passes of 25 for 14-25 ms.
 */
export const FANOUT_BATCH = 8;

/**
 * Turn new outbox events into one pending delivery per matching endpoint: same merchant, same mode,
 * subscribed to the type, enabled, and existing when the event happened. Safe to run in several processes
 * at once: deliveries are unique on (endpoint, event) and the fan-out marker on the event id.
 * One transaction per pass (not per event), events in (created, id) order: outbox rows are locked in the
 * same order as the notifications scan locks them, so on PostgreSQL the two never deadlock.
 * Returns how many events it handled and how many deliveries it created.
 */
export async function fanOut(db: DB, clock: Clock, batch = FANOUT_BATCH): Promise<{ events: number; deliveries: number }> {
  const events = await store.unfannedEvents(db, batch);
  if (events.length === 0) return { events: 0, deliveries: 0 };
  const endpoints = await store.enabledEndpointsOf(db, [...new Set(events.map((e) => e.merchantId))]);
  const subscribed = endpoints.map((w) => ({ ...w, events: new Set(JSON.parse(w.events) as string[]) }));
  const now = clock.now();
  const at = now.toISOString();
  let created = 0;
  await db.transaction().execute(async (trx) => {
    for (const event of events) {
      const matching = subscribed.filter(
        (w) => w.merchantId === event.merchantId && w.livemode === event.livemode && w.events.has(event.type) && w.createdAt <= event.createdAt,
      );
      await store.insertDeliveries(
        trx,
        matching.map((w) => ({
          id: newId('whd'),
          merchantId: event.merchantId,
          endpointId: w.id,
          eventId: event.id,
          eventType: event.type,
          status: 'pending' as const,
          attempts: 0,
          nextAttemptAt: at,
          lockedUntil: null,
          retryUntil: new Date(now.getTime() + RETRY_WINDOW_MS).toISOString(),
          lastAttemptAt: null,
          responseStatus: null,
          lastError: null,
          createdAt: at,
          updatedAt: at,
        })),
      );
      await store.markFannedOut(trx, event.id, matching.length, at);
      created += matching.length;
    }
  });
  return { events: events.length, deliveries: created };
}
