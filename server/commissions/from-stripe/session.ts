// Checkout Sessions: a one-off paid purchase is a sale (keyed by its PaymentIntent, or by its invoice
// when `invoice_creation` made one, so that invoice's invoice.paid is not credited again); a
// subscription's session only binds the customer, since its money arrives as invoice.paid.
import type Stripe from 'stripe';
import type { HandlerContext } from '../../stripe/handlers/types';
import { customerIdOf, idOf } from '../../stripe/fields';
import { resolveFromStripe } from '../../attribution/gather';
import { stripeCustomerKey } from '../../attribution/bindings';
import { applySale, bindOnly, type SaleAttribution } from '../sales';
import * as store from '../store';
import { commissionableBase } from '../product-rules';
import { gatherSessionLines } from './lines';
import { checkSaleValues, commit, livemodeOf, saleEnv, unixToIso } from './env';
import { gatherSaleRate, recordSaleRate } from '../../payouts/fx-capture';

export async function applyCheckoutSession(h: HandlerContext, event: Stripe.Event, session: Stripe.Checkout.Session, paymentSucceeded: boolean): Promise<void> {
  const livemode = livemodeOf(event);
  const env = await saleEnv(h, event);
  const customerId = customerIdOf(session);
  const paymentIntentId = idOf(session.payment_intent);
  const invoiceId = idOf(session.invoice);
  const subscriptionId = idOf(session.subscription);
  const isSale = session.mode === 'payment' && (session.payment_status === 'paid' || paymentSucceeded);
  if (isSale) checkSaleValues(session.currency ?? env.program.currency, { amount_total: session.amount_total, amount_tax: session.total_details?.amount_tax });
  const at = new Date(event.created * 1000);

  const binding = customerId ? await store.findBinding(h.db, h.merchantId, livemode, stripeCustomerKey(customerId)) : undefined;
  if (binding && !isSale) return; // already bound; nothing new to learn from this session

  let attribution: SaleAttribution;
  if (binding) attribution = { kind: 'bound', binding };
  else {
    const resolution = await resolveFromStripe(h, {
      at,
      cookieDays: env.program.cookieDays,
      extraKeys: JSON.parse(env.program.extraMetadataKeys) as string[],
      sources: { sessionClientReferenceId: session.client_reference_id, sessionMetadata: session.metadata },
      fetch: { subscriptionId: session.mode === 'subscription' ? subscriptionId : null, paymentIntentId, customerId },
      promotionCodeIds: (session.discounts ?? []).map((d) => idOf(d.promotion_code)).filter((x): x is string => !!x),
      deal: isSale ? { email: session.customer_details?.email, livemode } : undefined,
    });
    attribution = resolution.kind === 'partner' ? { kind: 'resolved', resolution } : { kind: 'none', reason: resolution.reason, tried: resolution.tried };
  }

  // Payouts convert a sale in another currency at the rate Stripe settled it with: capture it now.
  const saleRate = isSale ? await gatherSaleRate(h, env.program, { currency: session.currency ?? env.program.currency, paymentIntentId, invoiceId }) : undefined;
  const lines = isSale ? await gatherSessionLines(h, session, (session.amount_total ?? 0) - (session.total_details?.amount_tax ?? 0)) : null;
  const customer = customerId
    ? { customerKey: stripeCustomerKey(customerId), stripeCustomerId: customerId, email: session.customer_details?.email ?? null, name: session.customer_details?.name ?? null }
    : undefined;

  await commit(h, event, async (trx) => {
    if (isSale) {
      const amountTotal = session.amount_total ?? 0;
      const tax = session.total_details?.amount_tax ?? 0;
      const outcome = await applySale(
        trx,
        env,
        {
          merchantId: h.merchantId,
          livemode,
          sourceKey: invoiceId ? `in:${invoiceId}` : paymentIntentId ? `pi:${paymentIntentId}` : `cs:${session.id}`,
          source: 'stripe',
          kind: 'checkout',
          stripeObjectId: session.id,
          externalId: null,
          paymentIntentId,
          invoiceId,
          subscriptionId: null,
          stripeCustomerId: customerId,
          customerEmail: session.customer_details?.email ?? null,
          amount: lines ? commissionableBase(lines, 1, 1) : amountTotal - tax,
          amountPaid: amountTotal,
          currency: session.currency ?? env.program.currency,
          total: null,
          totalExcludingTax: null,
          periodStart: null,
          occurredAt: unixToIso(event.created),
          stripeEventId: event.id,
          lines: lines ? JSON.stringify(lines) : null,
        },
        attribution,
        customer,
      );
      await recordSaleRate(trx, outcome.conversion, saleRate, h.clock.now().toISOString());
      return outcome.wakeKeys;
    }
    if (attribution.kind === 'resolved' && customer) {
      const r = attribution.resolution;
      const bound = await bindOnly(trx, env, {
        merchantId: h.merchantId,
        livemode,
        customerKey: customer.customerKey,
        stripeCustomerId: customerId,
        customerEmail: customer.email,
        customerName: customer.name,
        partnerId: r.partner.id,
        clickId: r.clickId,
        referralValue: r.value,
        foundIn: r.foundIn,
        source: 'stripe',
      });
      return bound.wakeKeys;
    }
    return [];
  });
}
