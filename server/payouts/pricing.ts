// What a ledger row is worth in the payout currency, and by which recorded rate. Pure: the caller
// loads the rows and the merchant's rates. Nothing is guessed: without a known rate a row is not payable.
import type { RateSource } from '../../db/tables/payouts';
import { convertMinor } from './rates';

export interface PricingInput {
  net: number;
  currency: string;
  /** When the sale happened (ISO); credits and their reversals share it, so they convert at one rate. */
  saleAt: string;
  /** The rate Stripe applied when it settled the sale, if it was captured. */
  stripeRate: string | null;
  stripeRateFrom: string | null;
  stripeRateTo: string | null;
  stripeRateDate: string | null;
}

/** A merchant-entered rate: from `effectiveOn` until the next entry for the same pair. */
export interface MerchantRate {
  fromCurrency: string;
  toCurrency: string;
  effectiveOn: string;
  rate: string;
}

export type Pricing =
  | { kind: 'priced'; amount: number; rate: string; source: RateSource; rateDate: string }
  | { kind: 'needs_rate'; from: string; to: string; date: string };

export const dayOf = (iso: string) => iso.slice(0, 10);

/** The merchant rate in effect on `day` for a pair: the newest entry dated on or before it. */
export function merchantRateOn(rates: MerchantRate[], from: string, to: string, day: string): MerchantRate | undefined {
  let best: MerchantRate | undefined;
  for (const r of rates) {
    if (r.fromCurrency !== from || r.toCurrency !== to || r.effectiveOn > day) continue;
    if (!best || r.effectiveOn > best.effectiveOn) best = r;
  }
  return best;
}

/**
 * Price one row in `payoutCurrency`: no conversion when the currencies match; else Stripe's
 * balance-transaction rate when the account settled the sale in the payout currency; else the rate the
 * merchant entered for the pair on the sale's day (UTC); else it needs a rate.
 */
export function priceRow(row: PricingInput, payoutCurrency: string, rates: MerchantRate[]): Pricing {
  const day = dayOf(row.saleAt);
  if (row.currency === payoutCurrency) return { kind: 'priced', amount: row.net, rate: '1', source: 'same_currency', rateDate: day };
  if (row.stripeRate && row.stripeRateFrom === row.currency && row.stripeRateTo === payoutCurrency) {
    return { kind: 'priced', amount: convertMinor(row.net, row.currency, payoutCurrency, row.stripeRate), rate: row.stripeRate, source: 'stripe_balance_transaction', rateDate: row.stripeRateDate ?? day };
  }
  const entered = merchantRateOn(rates, row.currency, payoutCurrency, day);
  if (entered) return { kind: 'priced', amount: convertMinor(row.net, row.currency, payoutCurrency, entered.rate), rate: entered.rate, source: 'merchant', rateDate: entered.effectiveOn };
  return { kind: 'needs_rate', from: row.currency, to: payoutCurrency, date: day };
}
