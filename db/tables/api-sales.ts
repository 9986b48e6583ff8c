// Refunds reported through the REST API (POST /api/v1/track/refund). Columns camelCase here, snake_case in SQL.

/**
 * One refund of an API sale or manual conversion. Kept whether or not the sale earned a commission,
 * so "what is left to refund" and the cumulative clawback formula (P = the sale amount, R = the running
 * total of these rows) are exact. The reversal it caused, if any, is `reversalId`.
 */
export interface ApiRefundsTable {
  id: string; // arf_…
  merchantId: string;
  livemode: number;
  /** Natural idempotency key, unique per merchant and mode: the caller's refundId, or one derived from the request (see docs/api.md). */
  refundKey: string;
  refundId: string | null;
  conversionId: string;
  amount: number;
  /** Refunded on this conversion before this refund; unique per conversion, so concurrent refunds queue up. */
  refundedBefore: number;
  currency: string;
  reversalId: string | null;
  createdAt: string;
}

export interface ApiSalesTables {
  apiRefunds: ApiRefundsTable;
}
