// Request and response schemas of /api/v1/track/{lead,sale,refund}.
import { z } from 'zod';
import { COMMISSION_STATUSES, MAX_AMOUNT, currency } from './conversions-schema';
import { email, isoTime } from './affiliates-schema';

export const METADATA_MAX_CHARS = 10_000;
export const PAYMENT_PROCESSORS = ['stripe', 'shopify', 'polar', 'paddle', 'revenuecat', 'custom'] as const;

const customerExternalId = z
  .string('customerExternalId must be a string.')
  .trim()
  .min(1, 'customerExternalId is required.')
  .max(100, 'customerExternalId must be at most 100 characters.')
  .describe('Your id for the customer (at most 100 characters). Leads and sales of the same id are the same customer.');
const clickId = z
  .string('clickId must be a string.')
  .trim()
  .min(1, 'clickId must not be empty.')
  .max(200)
  .describe('The referral value your site kept: a click id (clk_…, the `referral` parameter or refcut_ref cookie) or a partner code (`via`).');
const customerName = z.string().trim().max(100, 'customerName must be at most 100 characters.').describe('The customer’s name.');
const eventName = (fallback: string) => z.string().trim().min(1).max(100, 'eventName must be at most 100 characters.').default(fallback).describe(`A label for the event (default "${fallback}").`);
const amount = () => z.number('amount must be a number.').int('amount must be a whole number of minor units.').max(MAX_AMOUNT);

/** POST /api/v1/track/lead */
export const TrackLeadBody = z.strictObject({
  /** The click (or partner code) that brought the customer. */
  clickId,
  /** Your customer id; it is what later sales name. */
  customerExternalId,
  eventName: eventName('Sign up'),
  customerEmail: email('customerEmail').optional().describe('The customer’s email (a customer with the partner’s own email earns nothing).'),
  customerName: customerName.optional(),
});
export type TrackLeadBody = z.infer<typeof TrackLeadBody>;

export const TrackLeadResponse = z.object({
  eventName: z.string(),
  customer: z.object({
    id: z.string().describe('Refcut’s id for the customer: ext:<externalId>, as in webhook events and the conversions list.'),
    externalId: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
  }),
  affiliate: z.object({ id: z.string(), code: z.string() }).describe('The affiliate the customer is bound to (the first lead’s, on a repeat).'),
  clickId: z.string().nullable().describe('The click that bound the customer; null when bound by a partner code.'),
  boundAt: isoTime('When the customer was bound.'),
});
export type TrackLeadResponse = z.infer<typeof TrackLeadResponse>;

/** POST /api/v1/track/sale */
export const TrackSaleBody = z.strictObject({
  customerExternalId,
  /** Non-negative minor units; 0 records the sale without a commission. */
  amount: amount()
    .min(0, 'amount must be 0 or more.')
    .describe('What the customer paid, in non-negative integer minor units of currency (zero-decimal currencies such as jpy take whole units). 0 earns nothing.'),
  currency: currency.optional().describe('ISO 4217 currency, case-insensitive (answered in lower case). Default: the program currency.'),
  eventName: eventName('Purchase'),
  paymentProcessor: z.enum(PAYMENT_PROCESSORS).default('custom').describe('Who took the payment (default custom).'),
  /** One sale per invoiceId: repeating it answers the first sale. */
  invoiceId: z.string().trim().min(1).max(200).optional().describe('Your invoice or order id. One sale per invoiceId: sending it again records nothing and answers the first sale.'),
  metadata: z
    .record(z.string(), z.unknown())
    .refine((m) => JSON.stringify(m).length <= METADATA_MAX_CHARS, `metadata must be at most ${METADATA_MAX_CHARS} characters as JSON.`)
    .optional()
    .describe(`Any JSON object (at most ${METADATA_MAX_CHARS} characters serialised), stored with the sale and returned in the conversions list.`),
  /** Accepted for Dub-style integrations; attribution follows the customer's binding whichever lead made it. */
  leadEventName: z.string().trim().max(100).optional().describe('Accepted for compatibility with Dub-style integrations. Attribution follows the customer’s first lead, whatever its name.'),
  clickId: clickId.optional().describe('For a sale without a prior lead: the referral value (click id or partner code). Ignored when the customer is already bound.'),
  customerName: customerName.optional(),
  customerEmail: email('customerEmail').optional().describe('The customer’s email (a partner earns nothing on a sale to their own email). Matched against accepted deals when nothing else attributes the sale.'),
  customerAvatar: z
    .string()
    .trim()
    .max(2000)
    .refine((v) => /^https?:\/\/\S+$/i.test(v) && URL.canParse(v), 'customerAvatar must be an http(s) URL.')
    .optional()
    .describe('An http(s) URL of the customer’s picture.'),
});
export type TrackSaleBody = z.infer<typeof TrackSaleBody>;

export const Commission = z.object({
  id: z.string().describe('Commission id (com_…).'),
  affiliateId: z.string(),
  amount: z.number().int().describe('The commission, in minor units of currency.'),
  platformFee: z.number().int(),
  netCommission: z.number().int().describe('amount − platformFee: what the affiliate is owed.'),
  currency: z.string(),
  status: z.enum(COMMISSION_STATUSES).describe('pending until the holding period ends; rejected when outside the program’s duration or the affiliate does not earn.'),
  statusReason: z.string().nullable().describe('Why it was rejected, when it was.'),
});

export const TrackSaleResponse = z.object({
  eventName: z.string(),
  conversionId: z.string().describe('The conversion recorded (cnv_…); refunds may name it.'),
  affiliateId: z.string().nullable().describe('The affiliate the sale is attributed to, or null when unattributed.'),
  customer: z.object({
    id: z.string().describe('Refcut’s id for the customer: ext:<externalId>.'),
    name: z.string().nullable(),
    email: z.string().nullable(),
    avatar: z.string().nullable(),
    externalId: z.string(),
  }),
  sale: z.object({
    amount: z.number().int(),
    currency: z.string(),
    paymentProcessor: z.enum(PAYMENT_PROCESSORS),
    invoiceId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
  }),
  commission: Commission.nullable().describe('The commission credited, or null when the sale is unattributed or its amount is 0.'),
});
export type TrackSaleResponse = z.infer<typeof TrackSaleResponse>;

/** POST /api/v1/track/refund */
export const TrackRefundBody = z
  .strictObject({
    invoiceId: z.string().trim().min(1).max(200).optional().describe('The invoiceId of the API sale refunded. Send this or conversionId.'),
    conversionId: z.string().trim().min(1).max(200).optional().describe('The conversion refunded (an API sale or manual conversion). Send this or invoiceId.'),
    amount: amount().positive('amount must be above 0.').describe('The amount refunded, in positive integer minor units of the sale’s currency; at most what is left to refund.'),
    /** Idempotency: the same refundId again answers the first refund. */
    refundId: z.string().trim().min(1).max(200).optional().describe('Your refund id: sending it again records nothing and answers the first refund. Without it, the Idempotency-Key header names the refund.'),
  })
  .refine((b) => (b.invoiceId === undefined) !== (b.conversionId === undefined), { message: 'Send exactly one of invoiceId and conversionId.', path: ['invoiceId'] });
export type TrackRefundBody = z.infer<typeof TrackRefundBody>;

export const TrackRefundResponse = z.object({
  id: z.string().describe('The refund’s id in Refcut (arf_…).'),
  refundId: z.string().nullable(),
  conversionId: z.string(),
  invoiceId: z.string().nullable(),
  amount: z.number().int().describe('This refund, in minor units of currency.'),
  currency: z.string(),
  refunded: z.number().int().describe('Refunded so far on this sale, this refund included.'),
  remaining: z.number().int().describe('What is left to refund.'),
  reversal: z
    .object({
      id: z.string().describe('The ledger reversal (com_…).'),
      affiliateId: z.string(),
      commission: z.number().int().describe('Commission clawed back (positive).'),
      platformFee: z.number().int(),
      netCommission: z.number().int(),
      currency: z.string(),
    })
    .nullable()
    .describe('What was clawed back from the affiliate; null when the sale had no commission to reverse.'),
  createdAt: isoTime('When the refund was recorded.'),
});
export type TrackRefundResponse = z.infer<typeof TrackRefundResponse>;
