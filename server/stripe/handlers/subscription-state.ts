import Stripe from 'stripe';
import { customerIdOf, isoFromUnix, subscriptionCurrentPeriodEnd } from '../fields';
import { upsertSubscription } from '../store';
import type { EventOf, HandlerContext } from './types';

type SubscriptionEvent = EventOf<'customer.subscription.created' | 'customer.subscription.updated' | 'customer.subscription.deleted'>;

/** Errors after which the payload is the best state we will get: access revoked, or the object gone. */
const unreadable = (err: unknown) =>
  err instanceof Stripe.errors.StripePermissionError ||
  err instanceof Stripe.errors.StripeAuthenticationError ||
  (err instanceof Stripe.errors.StripeInvalidRequestError && (err.code === 'resource_missing' || err.code === 'account_invalid'));

/**
 * Keep the subscription's latest state. The current object is read from Stripe (events arrive out of
 * order, so the payload may be stale); the write is guarded by the event's `created`, so an older event
 * processed late never overwrites what a newer one wrote.
 */
export async function applySubscriptionEvent(h: HandlerContext, event: SubscriptionEvent): Promise<void> {
  const fromEvent = event.data.object;
  let sub: Stripe.Subscription = fromEvent;
  try {
    sub = await h.stripe.subscriptions.retrieve(fromEvent.id, {}, h.requestOptions);
  } catch (err) {
    if (!unreadable(err)) throw err;
    h.logger.warn({ eventId: event.id, accountId: h.accountId, subscriptionId: fromEvent.id, err: (err as Error).message }, 'subscription not readable from Stripe: using the event payload');
  }
  const periodEnd = subscriptionCurrentPeriodEnd(sub);
  const row = {
    merchantId: h.merchantId,
    subscriptionId: sub.id,
    accountId: h.accountId,
    customerId: customerIdOf(sub),
    status: sub.status,
    livemode: sub.livemode ? 1 : 0,
    currentPeriodEnd: periodEnd === null ? null : isoFromUnix(periodEnd),
    cancelAtPeriodEnd: sub.cancel_at_period_end ? 1 : 0,
    canceledAt: sub.canceled_at ? isoFromUnix(sub.canceled_at) : null,
    metadata: JSON.stringify(sub.metadata ?? {}),
    updatedFromEventId: event.id,
    updatedFromEventCreated: isoFromUnix(event.created),
    syncedAt: h.clock.now().toISOString(),
  };
  await h.db.transaction().execute((trx) => upsertSubscription(trx, row));
}
