// Helpers for the attribution tools: invoice lines with a product and price, product rules and promotion
// codes set through the settings pages, and CSV uploads of referred customers through the real form.
import type Stripe from 'stripe';
import { build } from '../fake-stripe';
import type { SignedUpMerchant } from './app';

/** An invoice line for `product`/`price` of `amount`, with its discount and an inclusive or exclusive tax. */
export function pricedLine(o: { product: string; price: string; amount: number; discount?: number; tax?: { amount: number; inclusive: boolean } }): Stripe.InvoiceLineItem {
  return build.invoiceLine({
    amount: o.amount,
    subtotal: o.amount,
    description: `${o.product} / ${o.price}`,
    pricing: { type: 'price_details', price_details: { price: o.price, product: o.product }, unit_amount_decimal: null },
    discount_amounts: o.discount ? [{ amount: o.discount, discount: 'di_line' }] : [],
    taxes: o.tax
      ? [{ amount: o.tax.amount, tax_behavior: o.tax.inclusive ? 'inclusive' : 'exclusive', tax_rate_details: null, taxability_reason: 'standard_rated', taxable_amount: o.amount - o.tax.amount, type: 'tax_rate_details' }]
      : [],
  });
}

/** An invoice whose lines are `lines` (a one-page list, as Stripe sends it in the event). */
export function invoiceWith(lines: Stripe.InvoiceLineItem[], o: Parameters<typeof build.invoice>[0] = {}): Stripe.Invoice {
  const inv = build.invoice(o);
  return { ...inv, lines: { ...inv.lines, data: lines.map((l) => ({ ...l, invoice: inv.id })) } };
}

export async function addProductRule(m: SignedUpMerchant, rule: { matchType: 'product' | 'price'; matchId: string; action: 'exclude' | 'rate'; rate?: string }) {
  const res = await m.browser.submit('/settings/product-rules', { ...rule, rate: rule.rate ?? '' }, '/settings/product-rules');
  if (res.status !== 303) throw new Error(`adding a product rule answered ${res.status}: ${res.text.slice(0, 300)}`);
  return res;
}

export async function mapPromotionCode(m: SignedUpMerchant, fields: { promotionCodeId: string; code?: string; partner: string }) {
  return m.browser.submit('/settings/promotion-codes', { code: '', ...fields }, '/settings/promotion-codes');
}

/** Upload a CSV through the import form: the CSRF token rides in the form's action URL. */
export async function uploadReferrals(m: SignedUpMerchant, csv: string, mode: 'live' | 'test' = 'live') {
  const page = await m.browser.agent.get('/settings/import-referrals');
  const action = /action="(\/settings\/import-referrals\?_csrf=[^"]+)"/.exec(page.text)?.[1];
  if (!action) throw new Error(`no import form: ${page.status} ${page.text.slice(0, 300)}`);
  return m.browser.agent.post(action.replace(/&amp;/g, '&')).field('mode', mode).attach('file', Buffer.from(csv), 'referrals.csv');
}

/** The "N customers bound · N already bound · N partners created · N failed" line of an import result. */
export function importSummary(html: string): { bound: number; alreadyBound: number; partnersCreated: number; failed: number } {
  const m = /<strong>(\d+)<\/strong> customers bound · <strong>(\d+)<\/strong> already bound \(left unchanged\) · <strong>(\d+)<\/strong> partners created · <strong>(\d+)<\/strong> failed/.exec(html);
  if (!m) throw new Error(`no import summary in: ${html.slice(0, 500)}`);
  return { bound: Number(m[1]), alreadyBound: Number(m[2]), partnersCreated: Number(m[3]), failed: Number(m[4]) };
}

/** Rows of the result's tables as [line, label, text] (failures first, then notes). */
export function importRows(html: string): [number, string, string][] {
  const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  return [...html.matchAll(/<tr><td class="num">(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((r) => [Number(r[1]), unescape(r[2]!), unescape(r[3]!)]);
}
