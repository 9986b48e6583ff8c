// Monthly recurring revenue of one subscription (pure), in integer minor units.
//
// From the subscription's prices when the stored subscription has them (per-unit prices: unit amount ×
// quantity, normalised to a month: a year is 12 months, a week 52/12 of a month, a day 365/12). When a
// price has no unit amount (tiered or metered), from the last paid invoice of the subscription instead,
// normalised by the subscription's interval when known, else taken as one month. Discounts and tax are
// not subtracted from prices; invoice amounts exclude tax. Each item is rounded once, half away from zero.
import { roundDiv } from '../commissions/math';

export type Interval = 'day' | 'week' | 'month' | 'year';

export interface PriceItem {
  unitAmount: number | null;
  quantity: number;
  interval: Interval;
  intervalCount: number;
  currency: string;
  metered: boolean;
}

/** Months-per-interval as a fraction: amount × num ÷ den is the monthly amount. */
const PER_MONTH: Record<Interval, [bigint, bigint]> = { month: [1n, 1n], year: [1n, 12n], week: [52n, 12n], day: [365n, 12n] };

export function monthly(amount: number, interval: Interval, intervalCount: number): number {
  const [num, den] = PER_MONTH[interval];
  return Number(roundDiv(BigInt(amount) * num, den * BigInt(Math.max(1, intervalCount))));
}

interface SubscriptionLike {
  currency?: string;
  items?: { data?: { quantity?: number | null; price?: { unit_amount?: number | null; currency?: string; recurring?: { interval?: string; interval_count?: number; usage_type?: string } | null } | null }[] };
}

/** The recurring price items of a subscription object as Stripe sends it (unknown shapes give none). */
export function priceItems(subscription: unknown): PriceItem[] {
  const s = subscription as SubscriptionLike;
  const out: PriceItem[] = [];
  for (const it of s?.items?.data ?? []) {
    const r = it.price?.recurring;
    if (!r || !r.interval || !['day', 'week', 'month', 'year'].includes(r.interval)) continue;
    out.push({
      unitAmount: typeof it.price?.unit_amount === 'number' ? it.price.unit_amount : null,
      quantity: it.quantity ?? 1,
      interval: r.interval as Interval,
      intervalCount: r.interval_count ?? 1,
      currency: (it.price?.currency ?? s.currency ?? '').toLowerCase(),
      metered: r.usage_type === 'metered',
    });
  }
  return out;
}

export interface Mrr {
  amount: number;
  currency: string;
  source: 'prices' | 'last_invoice';
}

/** The subscription's MRR, or null when neither its prices nor a paid invoice tell. */
export function subscriptionMrr(subscription: unknown, lastInvoice?: { amount: number; currency: string }): Mrr | null {
  const items = priceItems(subscription);
  const priced = items.length > 0 && items.every((i) => i.unitAmount !== null && !i.metered) && new Set(items.map((i) => i.currency)).size === 1;
  if (priced) {
    return { amount: items.reduce((s, i) => s + monthly(i.unitAmount! * i.quantity, i.interval, i.intervalCount), 0), currency: items[0]!.currency, source: 'prices' };
  }
  if (!lastInvoice) return null;
  const first = items[0];
  return { amount: first ? monthly(lastInvoice.amount, first.interval, first.intervalCount) : lastInvoice.amount, currency: lastInvoice.currency, source: 'last_invoice' };
}
