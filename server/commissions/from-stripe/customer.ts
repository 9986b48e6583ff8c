// customer.updated: a referral added to an unbound customer's metadata binds that customer for
// future payments (earlier payments stay as they were).
import type Stripe from 'stripe';
import type { HandlerContext } from '../../stripe/handlers/types';
import { referralCandidates } from '../../attribution/candidates';
import { resolveReferral } from '../../attribution/resolve';
import { stripeCustomerKey } from '../../attribution/bindings';
import { bindOnly } from '../sales';
import * as store from '../store';
import { commit, livemodeOf, saleEnv } from './env';

export async function applyCustomerUpdate(h: HandlerContext, event: Stripe.Event, customer: Stripe.Customer): Promise<void> {
  const livemode = livemodeOf(event);
  const key = stripeCustomerKey(customer.id);
  if (await store.findBinding(h.db, h.merchantId, livemode, key)) return;
  const env = await saleEnv(h, event);
  const candidates = referralCandidates({ customerMetadata: customer.metadata }, JSON.parse(env.program.extraMetadataKeys) as string[]);
  if (candidates.length === 0) return;
  const r = await resolveReferral(h.db, h.merchantId, candidates, { at: new Date(event.created * 1000), cookieDays: env.program.cookieDays });
  if (r.kind !== 'partner') return;
  await commit(h, event, async (trx) => {
    const bound = await bindOnly(
      trx,
      env,
      { merchantId: h.merchantId, livemode, customerKey: key, stripeCustomerId: customer.id, customerEmail: customer.email, customerName: customer.name ?? null, partnerId: r.partner.id, clickId: r.clickId, referralValue: r.value, foundIn: r.foundIn, source: 'stripe' },
      false,
    );
    return bound.wakeKeys;
  });
}
