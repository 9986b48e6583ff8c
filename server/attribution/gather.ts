// Gathering referral values from Stripe, lazily: what the payload carries is tried first, and each
// extra source (subscription, PaymentIntent, customer, the subscription's Checkout Session) is fetched
// as the connected account only while nothing has matched, so the common path makes no SDK call.
import type Stripe from 'stripe';
import type { HandlerContext } from '../stripe/handlers/types';
import { referralCandidates, type Sources } from './candidates';
import { resolveReferral, type Resolution } from './resolve';
import { dealResolution } from '../portal/deals';

export interface Fetchable {
  subscriptionId?: string | null;
  paymentIntentId?: string | null;
  customerId?: string | null;
  /** For an invoice that arrives before its Checkout Session: find the session by subscription. */
  sessionBySubscription?: string | null;
  /** Promotion codes only a Stripe call reveals (an invoice's Discount objects): tried last, and only if nothing else matched. */
  promotionCodes?: () => Promise<string[]>;
}

export async function resolveFromStripe(
  h: HandlerContext,
  opts: { at: Date; cookieDays: number; extraKeys: string[]; sources: Sources; fetch: Fetchable; promotionCodeIds?: string[]; /** A paying customer's email: an accepted deal for it is the last resort. */ deal?: { email: string | null | undefined; livemode: number } },
): Promise<Resolution> {
  const sources: Sources = { ...opts.sources };
  let promotionCodeIds = opts.promotionCodeIds ?? [];
  const attempt = () => resolveReferral(h.db, h.merchantId, referralCandidates(sources, opts.extraKeys), { at: opts.at, cookieDays: opts.cookieDays, promotionCodeIds });
  let result = await attempt();
  const steps: (() => Promise<boolean>)[] = [];
  const f = opts.fetch;
  if (f.sessionBySubscription) {
    steps.push(async () => {
      const list = await h.stripe.checkout.sessions.list({ subscription: f.sessionBySubscription!, limit: 1 }, h.requestOptions);
      const s = list.data[0];
      if (!s) return false;
      sources.sessionClientReferenceId = s.client_reference_id;
      sources.sessionMetadata = s.metadata;
      return true;
    });
  }
  if (f.subscriptionId && !sources.subscriptionMetadata) {
    steps.push(async () => {
      const sub = await h.stripe.subscriptions.retrieve(f.subscriptionId!, {}, h.requestOptions);
      sources.subscriptionMetadata = sub.metadata;
      return true;
    });
  }
  if (f.paymentIntentId && !sources.paymentIntentMetadata) {
    steps.push(async () => {
      const pi = await h.stripe.paymentIntents.retrieve(f.paymentIntentId!, {}, h.requestOptions);
      sources.paymentIntentMetadata = pi.metadata;
      return true;
    });
  }
  if (f.customerId && !sources.customerMetadata) {
    steps.push(async () => {
      let c: Stripe.Customer | Stripe.DeletedCustomer;
      try {
        c = await h.stripe.customers.retrieve(f.customerId!, {}, h.requestOptions);
      } catch (err) {
        // A customer deleted in Stripe has no metadata left to read: the sale stays unattributed (the
        // merchant can assign it). Any other failure is retried with the event.
        if ((err as { code?: string }).code === 'resource_missing') return false;
        throw err;
      }
      if ('deleted' in c && c.deleted) return false;
      sources.customerMetadata = (c as Stripe.Customer).metadata;
      return true;
    });
  }
  if (f.promotionCodes) {
    steps.push(async () => {
      const more = await f.promotionCodes!();
      if (more.length === 0) return false;
      promotionCodeIds = [...promotionCodeIds, ...more];
      return true;
    });
  }
  for (const step of steps) {
    if (result.kind === 'partner') break;
    if (await step()) result = await attempt();
  }
  if (result.kind === 'none' && opts.deal) result = (await dealResolution(h.db, h.merchantId, opts.deal.livemode, opts.deal.email, opts.at, result.tried)) ?? result;
  return result;
}
