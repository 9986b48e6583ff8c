// The lines of a sale, for product rules. Read only when the merchant has product rules (most have
// none, and then no Stripe call is made), always before the event's transaction.
import type Stripe from 'stripe';
import type { HandlerContext } from '../../stripe/handlers/types';
import { idOf } from '../../stripe/fields';
import { listProductRules } from '../../attribution/store';
import { ruleLines, type SaleLine, type SaleLines } from '../product-rules';

/**
 * An invoice line's base: its amount net of discounts and pre-tax credits, without tax. Exclusive tax is
 * not in `amount`; inclusive tax is, so it is taken out. `pretax_credit_amounts` lists discounts and
 * credit grants together; older payloads only carry `discount_amounts`.
 */
export function invoiceLineBase(line: Stripe.InvoiceLineItem): number {
  const credits = line.pretax_credit_amounts && line.pretax_credit_amounts.length > 0 ? line.pretax_credit_amounts : (line.discount_amounts ?? []);
  const inclusiveTax = (line.taxes ?? []).filter((t) => t.tax_behavior === 'inclusive').reduce((s, t) => s + t.amount, 0);
  return line.amount - credits.reduce((s, c) => s + c.amount, 0) - inclusiveTax;
}

const fromInvoiceLine = (line: Stripe.InvoiceLineItem): SaleLine => ({
  ref: line.id,
  description: line.description,
  product: line.pricing?.price_details?.product ?? null,
  price: idOf(line.pricing?.price_details?.price),
  base: invoiceLineBase(line),
});

/** A Checkout line item's base: what the customer paid for it (after discounts) minus its tax. */
const fromSessionLine = (li: Stripe.LineItem): SaleLine => ({
  ref: li.id,
  description: li.description,
  product: idOf(li.price?.product),
  price: li.price?.id ?? null,
  base: li.amount_total - li.amount_tax,
});

/** Shipping has no product: it is a line of its own at the default rate. */
function shippingLine(cost: { amount_total: number; amount_tax: number } | null | undefined, fallback = 0): SaleLine[] {
  const base = cost ? cost.amount_total - cost.amount_tax : fallback;
  return base !== 0 ? [{ ref: 'shipping', description: 'Shipping', product: null, price: null, base }] : [];
}

/** The invoice's lines with the rules that match them, or null when the merchant has no product rules. */
export async function gatherInvoiceLines(h: HandlerContext, invoice: Stripe.Invoice, totalExcludingTax: number): Promise<SaleLines | null> {
  const rules = await listProductRules(h.db, h.merchantId);
  if (rules.length === 0) return null;
  let lines = invoice.lines?.data ?? [];
  if (!invoice.lines || invoice.lines.has_more) {
    lines = [];
    for await (const line of h.stripe.invoices.listLineItems(invoice.id, { limit: 100 }, h.requestOptions)) lines.push(line);
  }
  return ruleLines(rules, [...lines.map(fromInvoiceLine), ...shippingLine(invoice.shipping_cost)], totalExcludingTax);
}

/**
 * A paid one-off session's line items (`listLineItems`, as the connected account; a payload that already
 * carries all of them is used as is), or null when the merchant has no product rules.
 */
export async function gatherSessionLines(h: HandlerContext, session: Stripe.Checkout.Session, base: number): Promise<SaleLines | null> {
  const rules = await listProductRules(h.db, h.merchantId);
  if (rules.length === 0) return null;
  let items = session.line_items && !session.line_items.has_more ? session.line_items.data : undefined;
  if (!items) {
    items = [];
    for await (const li of h.stripe.checkout.sessions.listLineItems(session.id, { limit: 100 }, h.requestOptions)) items.push(li);
  }
  return ruleLines(rules, [...items.map(fromSessionLine), ...shippingLine(session.shipping_cost, session.total_details?.amount_shipping ?? 0)], base);
}
