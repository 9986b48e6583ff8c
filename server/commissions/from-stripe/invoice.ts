// invoice.paid: the only source of subscription (and Stripe Invoicing) commissions, one per invoice.
// A bound customer needs no Stripe call; an unbound one is resolved from the invoice's subscription
// metadata snapshot, then the subscription's Checkout Session, then the customer. Still unknown: the
// sale is kept as unattributed and credited when a binding arrives.
import type Stripe from 'stripe';
import type { HandlerContext } from '../../stripe/handlers/types';
import { customerIdOf, invoicePaymentIntentId, invoiceSubscriptionId, invoiceSubscriptionMetadata } from '../../stripe/fields';
import { resolveFromStripe } from '../../attribution/gather';
import { stripeCustomerKey } from '../../attribution/bindings';
import { invoiceCommission } from '../math';
import { commissionableBase } from '../product-rules';
import { gatherInvoiceLines } from './lines';
import { invoicePromotionCodeIds } from '../../attribution/promotion-codes';
import { applySale, type SaleAttribution } from '../sales';
import * as store from '../store';
import { checkSaleValues, commit, livemodeOf, saleEnv, unixToIso } from './env';
import { gatherSaleRate, recordSaleRate } from '../../payouts/fx-capture';

/** The subscription line's period start (what N-month durations count from), else the invoice's. */
function periodStartOf(invoice: Stripe.Invoice): number {
  const line = invoice.lines?.data?.find((l) => l.parent?.subscription_item_details && !l.parent.subscription_item_details.proration) ?? invoice.lines?.data?.[0];
  return line?.period?.start ?? invoice.period_start;
}

export async function applyPaidInvoice(h: HandlerContext, event: Stripe.Event, invoice: Stripe.Invoice): Promise<void> {
  checkSaleValues(invoice.currency, { amount_paid: invoice.amount_paid, amount_paid_off_stripe: invoice.amount_paid_off_stripe }, { total: invoice.total, total_excluding_tax: invoice.total_excluding_tax });
  // Payments recorded outside Stripe (paid out of band) earn nothing here.
  const paid = invoice.amount_paid - (invoice.amount_paid_off_stripe ?? 0);
  if (invoice.total <= 0 || paid <= 0) return;
  const livemode = livemodeOf(event);
  const env = await saleEnv(h, event);
  const customerId = customerIdOf(invoice);
  const subscriptionId = invoiceSubscriptionId(invoice);
  const binding = customerId ? await store.findBinding(h.db, h.merchantId, livemode, stripeCustomerKey(customerId)) : undefined;

  let attribution: SaleAttribution;
  if (binding) attribution = { kind: 'bound', binding };
  else {
    const resolution = await resolveFromStripe(h, {
      at: new Date(event.created * 1000),
      cookieDays: env.program.cookieDays,
      extraKeys: JSON.parse(env.program.extraMetadataKeys) as string[],
      sources: { subscriptionMetadata: invoiceSubscriptionMetadata(invoice) ?? undefined },
      fetch: { sessionBySubscription: subscriptionId, customerId, promotionCodes: () => invoicePromotionCodeIds(h, invoice) },
      deal: { email: invoice.customer_email, livemode },
    });
    attribution = resolution.kind === 'partner' ? { kind: 'resolved', resolution } : { kind: 'none', reason: resolution.reason, tried: resolution.tried };
  }

  const totalExcludingTax = invoice.total_excluding_tax ?? invoice.total - (invoice.total_taxes ?? []).reduce((s, t) => s + t.amount, 0);
  const { base } = invoiceCommission({ total: invoice.total, totalExcludingTax, amountPaid: paid }, { type: 'percent', bps: 0 });
  const lines = await gatherInvoiceLines(h, invoice, totalExcludingTax);
  // Payouts convert a sale in another currency at the rate Stripe settled it with: capture it now.
  const saleRate = await gatherSaleRate(h, env.program, { currency: invoice.currency, paymentIntentId: invoicePaymentIntentId(invoice), invoiceId: invoice.id });
  const paidAt = invoice.status_transitions?.paid_at ?? event.created;
  await commit(h, event, async (trx) => {
    const outcome = await applySale(
      trx,
      env,
      {
        merchantId: h.merchantId,
        livemode,
        sourceKey: `in:${invoice.id}`,
        source: 'stripe',
        kind: 'invoice',
        stripeObjectId: invoice.id,
        externalId: null,
        paymentIntentId: invoicePaymentIntentId(invoice),
        invoiceId: invoice.id,
        subscriptionId,
        stripeCustomerId: customerId,
        customerEmail: invoice.customer_email ?? null,
        amount: lines ? commissionableBase(lines, Math.min(paid, invoice.total), invoice.total) : base,
        amountPaid: Math.min(paid, invoice.total),
        currency: invoice.currency,
        total: invoice.total,
        totalExcludingTax,
        periodStart: unixToIso(periodStartOf(invoice)),
        occurredAt: unixToIso(paidAt),
        stripeEventId: event.id,
        lines: lines ? JSON.stringify(lines) : null,
      },
      attribution,
      customerId ? { customerKey: stripeCustomerKey(customerId), stripeCustomerId: customerId, email: invoice.customer_email ?? null, name: invoice.customer_name ?? null } : undefined,
    );
    await recordSaleRate(trx, outcome.conversion, saleRate, h.clock.now().toISOString());
    return outcome.wakeKeys;
  });
}
