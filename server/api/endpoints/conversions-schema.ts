// Request and response schemas of /api/v1/conversions.
import { z } from 'zod';
import { isKnownCurrency } from '../../lib/money';
import { listQuery, pageOf } from '../pagination';
import { isoTime } from './affiliates-schema';

export const COMMISSION_STATUSES = ['pending', 'approved', 'paid', 'rejected', 'on_hold'] as const;

/** Amounts in minor units: positive for sales, capped far above any real payment so sums stay exact. */
export const MAX_AMOUNT = 1_000_000_000_000;

export const currency = z
  .string('currency must be a string.')
  .trim()
  .toLowerCase()
  .refine((c) => /^[a-z]{3}$/.test(c) && isKnownCurrency(c), 'currency must be an ISO 4217 code such as usd or jpy.');

/** `2026-11-25` or `2026-11-25T12:00:00Z` → the ISO UTC instant the ledger stores, for text comparison. */
const instant = () =>
  z
    .union([z.iso.datetime({ offset: true }), z.iso.date()], 'Use an ISO 8601 date or date-time, e.g. 2026-11-25 or 2026-11-25T12:00:00Z.')
    .transform((v) => new Date(v).toISOString());

/** GET /api/v1/conversions */
export const ConversionListQuery = listQuery({
  /** Only this affiliate's conversions. */
  affiliateId: z.string().min(1).max(200).optional().describe('Only conversions credited to this affiliate.'),
  /** The status of the conversion's commission. */
  status: z.enum(COMMISSION_STATUSES).optional().describe('Only conversions whose commission is in this status.'),
  /** A Stripe customer id, your external customer id, or the customerId of an item. */
  customerId: z.string().min(1).max(200).optional().describe('Only this customer’s conversions: a Stripe customer id (cus_…), your external customer id, or an item’s customerId.'),
  /** Inclusive lower bound on createdAt. */
  createdFrom: instant().optional().describe('Only conversions recorded at or after this instant (a date means its midnight UTC).'),
  /** Exclusive upper bound on createdAt. */
  createdTo: instant().optional().describe('Only conversions recorded before this instant (a date means its midnight UTC).'),
});

export const Conversion = z.object({
  id: z.string().describe('Conversion id (cnv_…).'),
  affiliateId: z.string().describe('The affiliate credited.'),
  customerId: z
    .string()
    .nullable()
    .describe('The Stripe customer id (cus_…), or ext:<your external customer id> for API sales (as in webhook events); null for manual conversions.'),
  source: z.enum(['stripe', 'api', 'manual']).describe('stripe: a Stripe payment; api: POST /track/sale; manual: POST /conversions.'),
  stripeObjectId: z.string().nullable().describe('The Checkout Session or invoice behind a Stripe conversion.'),
  externalId: z.string().nullable().describe('Your invoiceId (API sales) or externalId (manual conversions).'),
  amount: z.number().int().describe('The sale’s commission base, in minor units of currency.'),
  currency: z.string(),
  commission: z.number().int().describe('The commission as credited (before reversals), in minor units of commissionCurrency; 0 when the sale earned nothing.'),
  platformFee: z.number().int().describe('The platform fee taken from the commission.'),
  netCommission: z.number().int().describe('commission − platformFee: what the affiliate is owed.'),
  commissionCurrency: z.string().describe('Currency of the commission amounts: the sale’s, or the program’s for a flat commission.'),
  reversed: z.number().int().describe('The positive total clawed back so far (refunds, lost disputes).'),
  status: z.enum(COMMISSION_STATUSES).nullable().describe('The commission’s status; null for a zero-amount sale, which has no commission.'),
  statusReason: z.string().nullable().describe('Why the commission was rejected or held, when it was.'),
  metadata: z.record(z.string(), z.unknown()).nullable().describe('The metadata sent with an API sale.'),
  occurredAt: isoTime('When the payment happened.'),
  createdAt: isoTime('When Refcut recorded the conversion.'),
});
export type Conversion = z.infer<typeof Conversion>;
export const ConversionPage = pageOf(Conversion);

/** POST /api/v1/conversions */
export const ManualConversionBody = z.strictObject({
  /** The affiliate to credit. */
  affiliateId: z.string().min(1).max(200).describe('The affiliate to credit (aff_…).'),
  /** Positive integer minor units. */
  amount: z.number('amount must be a number.').int('amount must be a whole number of minor units.').positive('amount must be above 0.').max(MAX_AMOUNT).describe('The revenue, in positive integer minor units of currency.'),
  currency: currency.optional().describe('ISO 4217 currency, case-insensitive (answered in lower case). Default: the program currency.'),
  /** Your id for this revenue: a second conversion with it is refused (409). */
  externalId: z.string().trim().min(1).max(200).optional().describe('Your id for this revenue; the same externalId twice answers 409 duplicate_external_id.'),
});
export type ManualConversionBody = z.infer<typeof ManualConversionBody>;

export const ManualConversionResponse = z.object({
  id: z.string().describe('The conversion id (cnv_…).'),
  affiliateId: z.string(),
  commission: z.number().int().describe('The commission credited, in minor units of currency.'),
  platformFee: z.number().int(),
  netCommission: z.number().int(),
  currency: z.string().describe('Currency of the commission amounts.'),
  status: z.enum(COMMISSION_STATUSES).describe('pending, or rejected when the affiliate does not earn (statusReason says why).'),
  statusReason: z.string().nullable(),
});
export type ManualConversionResponse = z.infer<typeof ManualConversionResponse>;
