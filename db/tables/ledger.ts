// Tables for attribution and the commission ledger. Columns camelCase here, snake_case in SQL.
// Money is integer minor units of `currency`; livemode is 0/1 and separates the live and test ledgers.
import type { ColumnType } from 'kysely';

/** `api`: bound by a REST API sale that named a click (a direct sale without a lead). */
export type BindingSource = 'stripe' | 'lead' | 'manual' | 'import' | 'backfill' | 'deal' | 'api';

/** Who referred a customer: set once on first attribution; later payments follow the binding alone. */
export interface ReferralBindingsTable {
  id: string; // bnd_…
  merchantId: string;
  livemode: number;
  /** 'stripe:cus_…' or 'ext:<external customer id>' — unique per merchant and mode. */
  customerKey: string;
  stripeCustomerId: string | null;
  externalCustomerId: string | null;
  customerEmail: string | null;
  customerName: string | null;
  partnerId: string;
  clickId: string | null;
  /** The referral value that decided it and where it was found, for "explain this commission". */
  referralValue: string | null;
  foundIn: string | null;
  source: BindingSource;
  createdAt: string;
  updatedAt: string;
}

export type ConversionSource = 'stripe' | 'api' | 'manual';
export type UnattributedReason =
  | 'no_referral_value'
  | 'unknown_code'
  | 'expired_click'
  | 'other_merchant_code'
  | 'partner_not_active';

/** A sale (paid Checkout Session, paid invoice, API sale, manual conversion), attributed or not. */
export interface ConversionsTable {
  id: string; // cnv_…
  merchantId: string;
  livemode: number;
  /** Natural idempotency key: 'pi:pi_…', 'in:in_…', 'sale:<invoiceId>', 'ext:<externalId>'. Unique per merchant and mode. */
  sourceKey: string;
  source: ConversionSource;
  kind: 'checkout' | 'invoice' | 'api_sale' | 'manual';
  partnerId: string | null;
  bindingId: string | null;
  unattributedReason: UnattributedReason | null;
  /** What the referral resolution saw, as JSON (value, where, outcome) for explanations and the unattributed list. */
  attribution: string;
  stripeObjectId: string | null; // cs_… / in_…
  externalId: string | null;
  paymentIntentId: string | null;
  invoiceId: string | null;
  subscriptionId: string | null;
  stripeCustomerId: string | null;
  customerKey: string | null;
  customerEmail: string | null;
  /** Commission base (tax excluded) and what the customer paid (tax included: P in refund maths). */
  amount: number;
  amountPaid: number;
  currency: string;
  /** Invoice maths inputs, kept so an unattributed invoice can be credited later without Stripe. */
  total: number | null;
  totalExcludingTax: number | null;
  periodStart: string | null;
  /** When Stripe says the payment happened (holding periods run from here). */
  occurredAt: string;
  /** When an unattributed sale got its partner later (a binding arrived, or the merchant assigned it): the dashboard's rollups recompute that day. */
  attributedAt: ColumnType<string | null, string | null | undefined, string | null>;
  stripeEventId: string | null;
  /** REST API sales only: the caller's metadata (JSON object), event name, payment processor and customer details. */
  metadata: string | null;
  eventName: string | null;
  paymentProcessor: string | null;
  customerName: string | null;
  customerAvatar: string | null;
  /** Product rules only: the sale's lines with their bases and the rule each matched (JSON, see server/commissions/product-rules.ts). */
  lines: string | null;
  createdAt: string;
}

export type CommissionStatus = 'pending' | 'approved' | 'paid' | 'rejected' | 'on_hold';

/**
 * The ledger: append-only. A credit is written once per conversion; refunds, disputes and API refunds
 * add reversal rows (negative amounts) pointing at the credit. Amounts never change; status does.
 */
export interface CommissionsTable {
  id: string; // com_…
  merchantId: string;
  livemode: number;
  partnerId: string;
  conversionId: string;
  kind: 'credit' | 'reversal';
  /** The credit a reversal reverses (null for credits). */
  reversesId: string | null;
  /** Natural idempotency key: 'credit:<conversion>', 'refund:re_…', 'refund-undo:re_…', 'dispute:dp_…', 'api-refund:<id>'. */
  ledgerKey: string;
  amount: number; // commission (negative for reversals)
  fee: number;
  net: number;
  currency: string;
  /** The rule used (JSON CommissionRule) and the explanation of the computation. */
  rule: string;
  explanation: string;
  status: CommissionStatus;
  statusReason: string | null;
  /** Pending until this instant (payment time + holding period). */
  holdUntil: string;
  /** What caused the row: a Stripe event id, an API request, a user. */
  causeType: 'stripe_event' | 'api' | 'manual';
  causeId: string;
  /** The Stripe object behind a reversal (re_…, dp_…). */
  stripeObjectId: string | null;
  payoutId: string | null;
  occurredAt: string;
  createdAt: string;
}

/**
 * Per partner, mode and currency: the sum of `net` of the partner's ledger rows by stored status
 * (rejected rows count nowhere). Recomputed from the rows by every ledger write (commissions/totals.ts),
 * never incremented. A row exists exactly when the partner has a non-rejected row in that currency.
 */
export interface PartnerTotalsTable {
  merchantId: string;
  livemode: number;
  partnerId: string;
  currency: string;
  pending: number;
  onHold: number;
  approved: number;
  paid: number;
}

/** Every status change of a commission: who, when, from, to and why (holds restore the status before them). */
export interface CommissionStatusChangesTable {
  id: string;
  commissionId: string;
  merchantId: string;
  fromStatus: CommissionStatus;
  toStatus: CommissionStatus;
  reason: string | null;
  actor: string;
  createdAt: string;
}

/** Stripe events waiting for something that has not arrived yet (a refund before its sale). Re-run when it appears. */
export interface ParkedEventsTable {
  merchantId: string;
  livemode: number;
  /** What the event waits for: 'pi:pi_…', 'in:in_…', 'ch:ch_…'. */
  waitKey: string;
  eventId: string;
  createdAt: string;
}

/** Promotion codes a merchant mapped to partners (a sale using the code is attributed to the partner). */
export interface PromotionCodesTable {
  merchantId: string;
  /** The Stripe promotion code id (promo_…). */
  promotionCodeId: string;
  code: string | null;
  partnerId: string;
  createdAt: string;
}

/** Per-product or per-price exclusions and rates. */
export interface ProductRulesTable {
  id: string;
  merchantId: string;
  matchType: 'product' | 'price';
  matchId: string;
  action: 'exclude' | 'rate';
  rateBps: number | null;
  createdAt: string;
}

export interface LedgerTables {
  referralBindings: ReferralBindingsTable;
  conversions: ConversionsTable;
  commissions: CommissionsTable;
  commissionStatusChanges: CommissionStatusChangesTable;
  parkedEvents: ParkedEventsTable;
  promotionCodes: PromotionCodesTable;
  productRules: ProductRulesTable;
  partnerTotals: PartnerTotalsTable;
}
