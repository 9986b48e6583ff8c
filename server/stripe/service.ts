import type Stripe from 'stripe';
import type { DB } from '../../db';
import type { StripeEventSource } from '../../db/tables/stripe';
import type { AppDeps } from '../deps';
import { AppError } from '../http/errors';
import { connectionForEvent } from '../connect/store';
import { isoFromUnix } from './fields';
import * as store from './store';

export type StripeDeps = Pick<AppDeps, 'clock' | 'stripe' | 'logger'> & { db: DB };

/** The background job that processes stored events; kick it after storing some. */
export const STRIPE_EVENTS_JOB = 'stripe-events';

/** How far back Stripe keeps events for `events.list`. */
export const EVENTS_RETENTION_DAYS = 30;

/**
 * Store a verified event exactly once (the event id is the primary key). The merchant is looked up
 * now so the event shows on their page at once; the worker re-checks when it processes it.
 * Returns false for a duplicate, which changes nothing.
 */
export async function storeEvent(deps: Pick<StripeDeps, 'db' | 'clock'>, event: Stripe.Event, payload: string, source: StripeEventSource): Promise<boolean> {
  // A delivery we already have (Stripe retries, replays) is answered from a read; the insert below stays the
  // guard against two deliveries of a new event racing.
  if (await store.eventExists(deps.db, event.id)) return false;
  const created = isoFromUnix(event.created);
  const conn = event.account ? await connectionForEvent(deps.db, event.account, created) : undefined;
  const object = event.data.object as { id?: unknown };
  return store.insertEventIfNew(deps.db, {
    id: event.id,
    accountId: event.account ?? null,
    merchantId: conn?.merchantId ?? null,
    connectionId: conn?.id ?? null,
    type: event.type,
    objectId: typeof object.id === 'string' ? object.id : null,
    livemode: event.livemode ? 1 : 0,
    apiVersion: event.api_version ?? null,
    created,
    payload,
    source,
    receivedAt: deps.clock.now().toISOString(),
    status: 'pending',
    attempts: 0,
    lastError: null,
    nextAttemptAt: null,
    lockedUntil: null,
    lockedBy: null,
    processedAt: null,
    ignoredReason: null,
  });
}

/**
 * Queue one of the merchant's events to be processed again (the events page's button; the ledger uses
 * it for parked events). Handlers are idempotent, so re-running a processed event changes nothing.
 */
export async function rerunEvent(db: DB, merchantId: string, eventId: string, now: Date): Promise<void> {
  if (await store.resetEvent(db, merchantId, eventId, now.toISOString())) return;
  const exists = await store.getMerchantEvent(db, merchantId, eventId);
  if (!exists) throw new AppError(404, 'event_not_found', 'No such event.', 'eventId');
  throw new AppError(409, 'conflict', 'This event is being processed right now. Try again in a moment.');
}

/**
 * Catch up on events the endpoint missed: list the account's events since `since` (at most 30 days
 * back) as that account, and store the new ones. Running it again stores nothing new.
 */
export async function syncAccountEvents(deps: StripeDeps, accountId: string, since: Date): Promise<{ fetched: number; stored: number; since: Date }> {
  const oldest = deps.clock.now().getTime() - EVENTS_RETENTION_DAYS * 86_400_000;
  const from = new Date(Math.max(since.getTime(), oldest));
  const gte = Math.floor(from.getTime() / 1000);
  let fetched = 0;
  let stored = 0;
  let startingAfter: string | undefined;
  for (;;) {
    const page = await deps.stripe.events.list(
      { created: { gte }, limit: 100, ...(startingAfter ? { starting_after: startingAfter } : {}) },
      { stripeAccount: accountId },
    );
    for (const listed of page.data) {
      fetched += 1;
      // Listed as the account, an event may omit `account`; it is this account's all the same.
      const event = (listed.account ? listed : { ...listed, account: accountId }) as Stripe.Event;
      if (await storeEvent(deps, event, JSON.stringify(event), 'sync')) stored += 1;
    }
    startingAfter = page.data.at(-1)?.id;
    if (!page.has_more || !startingAfter) break;
  }
  deps.logger.info({ accountId, since: from.toISOString(), fetched, stored }, 'stripe events synced');
  return { fetched, stored, since: from };
}
