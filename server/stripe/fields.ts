// Where a fact lives in a Stripe payload depends on the API version the endpoint is pinned to. These
// accessors read the current location (2026-10-28.endive) first, then the one older versions used
// (before 2025-03-31.basil), so a merchant whose endpoint is pinned older still works. Pure: no I/O.
import type Stripe from 'stripe';

type Ref = string | { id: string } | null | undefined;

/** The id of an expandable field, whether Stripe sent the id or the expanded object. */
export function idOf(ref: Ref | unknown): string | null {
  if (typeof ref === 'string') return ref;
  if (ref && typeof ref === 'object' && typeof (ref as { id?: unknown }).id === 'string') return (ref as { id: string }).id;
  return null;
}

/** Fields older API versions put on the invoice itself. */
interface LegacyInvoiceFields {
  subscription?: Ref;
  subscription_details?: { metadata?: Stripe.Metadata | null } | null;
  payment_intent?: Ref;
  charge?: Ref;
}

const legacy = (invoice: Stripe.Invoice) => invoice as unknown as LegacyInvoiceFields;

/** The subscription an invoice bills: `parent.subscription_details.subscription`, then the line items, then the old `invoice.subscription`. */
export function invoiceSubscriptionId(invoice: Stripe.Invoice): string | null {
  const fromParent = idOf(invoice.parent?.subscription_details?.subscription);
  if (fromParent) return fromParent;
  for (const line of invoice.lines?.data ?? []) {
    const fromLine = idOf(line.parent?.subscription_item_details?.subscription);
    if (fromLine) return fromLine;
  }
  return idOf(legacy(invoice).subscription);
}

/** The subscription's metadata as snapshotted when the invoice was finalized (where renewals carry the referral). */
export function invoiceSubscriptionMetadata(invoice: Stripe.Invoice): Stripe.Metadata | null {
  return invoice.parent?.subscription_details?.metadata ?? legacy(invoice).subscription_details?.metadata ?? null;
}

/** Paid entries of `invoice.payments` (present only when retrieved with `expand: ['payments']`), default first. */
function paidPayments(invoice: Stripe.Invoice): Stripe.InvoicePayment[] {
  const all = invoice.payments?.data ?? [];
  return [...all.filter((p) => p.status === 'paid' && p.is_default), ...all.filter((p) => p.status === 'paid' && !p.is_default), ...all.filter((p) => p.status !== 'paid')];
}

/** The PaymentIntent that paid the invoice: from `payments` (expand it), then the old `invoice.payment_intent`. */
export function invoicePaymentIntentId(invoice: Stripe.Invoice): string | null {
  for (const p of paidPayments(invoice)) {
    const id = idOf(p.payment.payment_intent);
    if (id) return id;
  }
  return idOf(legacy(invoice).payment_intent);
}

/** The charge that paid the invoice, when Stripe recorded one directly: `payments`, then the old `invoice.charge`. */
export function invoiceChargeId(invoice: Stripe.Invoice): string | null {
  for (const p of paidPayments(invoice)) {
    const id = idOf(p.payment.charge);
    if (id) return id;
  }
  return idOf(legacy(invoice).charge);
}

/**
 * The invoice a charge paid, as older API versions sent it (`charge.invoice`). Current versions
 * dropped the field: when this returns null, ask `invoicePayments.list({ payment: { type: 'payment_intent', payment_intent } })`.
 */
export function chargeInvoiceId(charge: Stripe.Charge): string | null {
  return idOf((charge as unknown as { invoice?: Ref }).invoice);
}

/** The customer id of anything with an expandable `customer`. */
export function customerIdOf(obj: { customer?: Ref | Stripe.Customer | Stripe.DeletedCustomer }): string | null {
  return idOf(obj.customer);
}

/** End of the current period: the latest of the items' periods (basil moved it there), then the old top-level field. */
export function subscriptionCurrentPeriodEnd(sub: Stripe.Subscription): number | null {
  const ends = (sub.items?.data ?? []).map((i) => i.current_period_end).filter((n): n is number => typeof n === 'number');
  if (ends.length > 0) return Math.max(...ends);
  const old = (sub as unknown as { current_period_end?: number | null }).current_period_end;
  return typeof old === 'number' ? old : null;
}

/** Stripe's seconds-since-epoch as our ISO time strings. */
export const isoFromUnix = (seconds: number): string => new Date(seconds * 1000).toISOString();
