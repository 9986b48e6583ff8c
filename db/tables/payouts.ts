// Tables for payouts: runs, payouts, the commission rows each payout settles, exchange rates.
// Columns camelCase here, snake_case in SQL. Money is integer minor units; rates are decimal strings.

export type PayoutStatus = 'processing' | 'paid' | 'failed';
/** How the money reaches the partner. Only `manual_csv` exists; Stripe Connect transfers are a future method. */
export type PayoutMethodId = 'manual_csv';
/** Where a conversion rate came from: no conversion needed, Stripe's balance transaction, or the merchant's rates page. */
export type RateSource = 'same_currency' | 'stripe_balance_transaction' | 'merchant';

/** One press of "Run payouts": the payouts it created, in the program's payout currency at that time. */
export interface PayoutRunsTable {
  id: string; // prun_…
  merchantId: string;
  livemode: number;
  currency: string;
  minPayout: number;
  payoutCount: number;
  total: number;
  createdBy: string;
  createdAt: string;
}

export interface PayoutsTable {
  id: string; // po_…
  merchantId: string;
  livemode: number;
  runId: string;
  partnerId: string;
  /** Sum of the items' converted amounts: what the partner receives. */
  amount: number;
  currency: string;
  status: PayoutStatus;
  method: PayoutMethodId;
  /** Where the money went (the partner's payout email at run time). */
  recipient: string;
  /** The reference of the transfer in the merchant's bank or PayPal, given when marked paid. */
  externalReference: string | null;
  /** The day the merchant says the money was sent (YYYY-MM-DD). */
  paidOn: string | null;
  failureReason: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * A commission row (credit or reversal) settled by a payout, with its conversion into the payout
 * currency. `active` is 1 while the payout is processing or paid and 0 once it failed; a partial unique
 * index on (commission_id) where active = 1 makes the database refuse to put one row in two live payouts.
 */
export interface PayoutItemsTable {
  id: string; // poi_…
  payoutId: string;
  merchantId: string;
  commissionId: string;
  partnerId: string;
  kind: 'credit' | 'reversal';
  /** The row's net in its own currency. */
  originalAmount: number;
  originalCurrency: string;
  /** Converted into the payout currency, rounded once. */
  amount: number;
  currency: string;
  /** Payout-currency units per one unit of the original currency ("1" when the currencies match). */
  rate: string;
  rateSource: RateSource;
  /** The date the rate is for (YYYY-MM-DD). */
  rateDate: string;
  active: number;
  createdAt: string;
}

/** A rate the merchant entered: `rate` units of `toCurrency` per one unit of `fromCurrency`, from `effectiveOn`. */
export interface ExchangeRatesTable {
  id: string; // fx_…
  merchantId: string;
  fromCurrency: string;
  toCurrency: string;
  /** The first day (YYYY-MM-DD, UTC) the rate applies to; it applies until the next entry for the pair. */
  effectiveOn: string;
  rate: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * The rate Stripe applied when it settled a sale in another currency, captured when the sale was
 * processed (the API refuses after a disconnect). One row per conversion.
 */
export interface SaleExchangeRatesTable {
  conversionId: string;
  merchantId: string;
  fromCurrency: string;
  toCurrency: string;
  rate: string;
  balanceTransactionId: string;
  /** The day of the balance transaction (YYYY-MM-DD). */
  rateDate: string;
  createdAt: string;
}

/** One row per merchant and mode; a payout run upserts it first, so concurrent runs take turns. */
export interface PayoutLocksTable {
  merchantId: string;
  livemode: number;
  lockedAt: string;
}

export interface PayoutsTables {
  payoutRuns: PayoutRunsTable;
  payouts: PayoutsTable;
  payoutItems: PayoutItemsTable;
  exchangeRates: ExchangeRatesTable;
  saleExchangeRates: SaleExchangeRatesTable;
  payoutLocks: PayoutLocksTable;
}
