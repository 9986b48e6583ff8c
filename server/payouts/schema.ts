import { z } from 'zod';
import { isKnownCurrency } from '../lib/money';
import { normaliseRate } from './rates';

const currency = (label: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((c) => /^[a-z]{3}$/.test(c) && isKnownCurrency(c), `Enter the ${label} as a three-letter ISO code, like eur.`);

const day = (label: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `Enter the ${label} as YYYY-MM-DD.`)
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), `Enter a real ${label}.`);

/** Which ledger a page or form works on: live unless `test`. */
export const Mode = z.enum(['live', 'test']);

/** "Run payouts" on /payouts. */
export const RunForm = z.object({
  /** The ledger to pay from: live or test. */
  mode: Mode.default('live'),
});

/** Marking a processing payout paid. */
export const MarkPaidForm = z.object({
  /** The day the money was sent (YYYY-MM-DD). */
  paidOn: day('payment date'),
  /** The transfer's reference at the bank or PayPal (batch id, transaction id), for reconciliation. */
  externalReference: z.string().trim().min(1, 'Enter the reference of the transfer.').max(200, 'Keep the reference under 200 characters.'),
});
export type MarkPaidInput = z.infer<typeof MarkPaidForm>;

/** Marking a processing payout failed: its rows go back to approved. */
export const MarkFailedForm = z.object({
  /** Why the money did not arrive (bounced, wrong account), shown on the payout. */
  reason: z.string().trim().min(1, 'Say why the payout failed.').max(500, 'Keep the reason under 500 characters.'),
});

/** A rate the merchant enters on /payouts/rates. */
export const RateForm = z
  .object({
    /** The commission currency to convert from. */
    fromCurrency: currency('currency to convert from'),
    /** The payout currency to convert into. */
    toCurrency: currency('currency to convert into'),
    /** The first day the rate applies to (YYYY-MM-DD, UTC); it applies until the next entry for the pair. */
    effectiveOn: day('date'),
    /** Units of `toCurrency` per one unit of `fromCurrency`, as a decimal ("1.0834"). */
    rate: z
      .string()
      .trim()
      .transform((v, ctx) => {
        const n = normaliseRate(v);
        if (!n) {
          ctx.addIssue({ code: 'custom', message: 'Enter the rate as a positive decimal number, like 1.0834 (up to 18 decimals).' });
          return z.NEVER;
        }
        return n;
      }),
  })
  .refine((f) => f.fromCurrency !== f.toCurrency, { message: 'Choose two different currencies.', path: ['toCurrency'] });
export type RateInput = z.infer<typeof RateForm>;

export const COMMISSION_ACTIONS = ['approve', 'reject', 'hold', 'release'] as const;
export type CommissionAction = (typeof COMMISSION_ACTIONS)[number];

/** Approve early, reject, hold or release one commission or many (checkboxes post `ids` repeatedly). */
export const CommissionActionForm = z
  .object({
    action: z.enum(COMMISSION_ACTIONS, 'Choose approve, reject, hold or release.'),
    /** Credit ids (com_…); reversals follow their credit. */
    ids: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => [...new Set((Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter(Boolean))])
      .pipe(z.array(z.string().max(60)).min(1, 'Select at least one commission.').max(500, 'Select at most 500 commissions at once.')),
    /** Why: required to reject, optional otherwise (shown in the status history and the audit log). */
    reason: z
      .string()
      .trim()
      .max(500, 'Keep the reason under 500 characters.')
      .optional()
      .transform((v) => (v ? v : null)),
  })
  .refine((f) => f.action !== 'reject' || f.reason !== null, { message: 'Give a reason for rejecting.', path: ['reason'] });
export type CommissionActionInput = z.infer<typeof CommissionActionForm>;

/** YYYY-MM of a monthly statement. */
export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Use a month like 2026-11.');

/** One balance entry of the API and the partner portal. */
export const BalanceEntry = z.object({
  currency: z.string().describe('Lower-case ISO 4217 currency of the commissions summed here; amounts are its minor units.'),
  pending: z.number().int().describe('In the holding period.'),
  onHold: z.number().int().describe('Held by the merchant or by an open dispute.'),
  approved: z.number().int().describe('Payable: holding period over, not yet paid (including rows in a payout still processing). Negative when refunds after a payout exceed new earnings.'),
  paid: z.number().int().describe('Settled by payouts marked paid.'),
  earned: z.number().int().describe('Every credit minus every reversal, rejected ones excluded; equals pending + onHold + approved + paid.'),
});

/** GET /api/v1/affiliates/:id/balance */
export const BalanceResponse = z.object({
  data: z.array(BalanceEntry).describe('One entry per commission currency; empty when the affiliate has earned nothing yet.'),
});
export type BalanceResponse = z.infer<typeof BalanceResponse>;

/** POST /api/v1/exchange-rates: the same rules as the rates page. */
export const RateBody = z.strictObject({
  fromCurrency: z.string().describe('The commission currency to convert from (ISO 4217, e.g. eur).'),
  toCurrency: z.string().describe('The payout currency to convert into (ISO 4217, e.g. usd).'),
  effectiveOn: z.string().describe('First day the rate applies to, YYYY-MM-DD (UTC); it applies until the next entry for the pair.'),
  rate: z.string().describe('Units of toCurrency per one unit of fromCurrency, as a decimal string ("1.0834"), up to 18 decimals.'),
});

export const ExchangeRateResponse = z.object({
  id: z.string().describe('Rate id (fx_…).'),
  fromCurrency: z.string(),
  toCurrency: z.string(),
  effectiveOn: z.string().describe('YYYY-MM-DD (UTC).'),
  rate: z.string().describe('Decimal string, normalised (no trailing zeros).'),
  createdAt: z.string().meta({ format: 'date-time' }),
  updatedAt: z.string().meta({ format: 'date-time' }),
});
