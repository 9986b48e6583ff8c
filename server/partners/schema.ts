import { z } from 'zod';
import { parseMajor } from '../lib/money';
import { percentToBps } from '../accounts/settings-schema';
import { CODE_PATTERN, CODE_RULE } from './codes';
import { fieldErrors } from '../http/errors';

const email = (label = 'email address') =>
  z
    .string()
    .trim()
    .toLowerCase()
    .max(254, 'Email is too long.')
    .pipe(z.email(`Enter a valid ${label}.`));

const name = z.string().trim().min(1, 'Enter a name.').max(100, 'Keep the name under 100 characters.');
const code = z.string().trim().toLowerCase().regex(CODE_PATTERN, CODE_RULE);
const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `Keep the ${label} under ${max} characters.`)
    .transform((v) => (v === '' ? null : v));
const httpUrl = (label: string) =>
  z
    .string()
    .trim()
    .max(2000, `Keep the ${label} under 2000 characters.`)
    .refine((v) => v === '' || (/^https?:\/\/[^\s]+$/i.test(v) && URL.canParse(v)), `Enter a full http(s) URL for the ${label}.`)
    .transform((v) => (v === '' ? null : v));

export const PARTNER_STATUSES = ['pending', 'active', 'paused', 'banned'] as const;

/** A commission that replaces the program's for one partner. */
export const CommissionOverride = z
  .object({
    /** `percent` of each sale, or a `flat` amount per sale. */
    type: z.enum(['percent', 'flat']),
    /** Basis points for percent (2500 = 25%); minor units of the program currency for flat. */
    value: z.number().int().positive('The override must be above 0.'),
  })
  .refine((o) => o.type !== 'percent' || o.value <= 10_000, { message: 'A percentage override is at most 100%.', path: ['value'] });
export type CommissionOverride = z.infer<typeof CommissionOverride>;

/** A new partner, in canonical units: what the UI, the CSV import and the REST API all pass to createPartner. */
export const PartnerInput = z.object({
  /** Full name or company, shown to the merchant. */
  name,
  /** Unique per merchant; the same person may partner with several merchants. */
  email: email(),
  /** The `via=` code; generated from the name ("jane-smith-a1b2") when absent. */
  code: code.optional(),
  /** Only active partners earn; defaults to active for partners the merchant adds. */
  status: z.enum(PARTNER_STATUSES).default('active'),
  /** Null or absent: the program's commission applies. */
  commissionOverride: CommissionOverride.nullable().optional(),
  /** Where payouts go when it differs from the partner's email. */
  payoutEmail: email('payout email').nullable().optional(),
});
export type PartnerInput = z.input<typeof PartnerInput>;
export type ParsedPartnerInput = z.output<typeof PartnerInput>;

/** Changes to a partner; absent fields stay as they are. Status changes go through setPartnerStatus. */
export const PartnerPatch = z.object({
  name: name.optional(),
  email: email().optional(),
  /** Changing the code keeps existing links working (they use slugs) but breaks old `?via=` deep links. */
  code: code.optional(),
  commissionOverride: CommissionOverride.nullable().optional(),
  payoutEmail: email('payout email').nullable().optional(),
});
export type PartnerPatch = z.infer<typeof PartnerPatch>;

export const StatusChange = z.object({
  /** The new status: re-activate, pause or ban. */
  status: z.enum(['active', 'paused', 'banned'], 'Choose active, paused or banned.'),
  /** Why; kept with the partner and in the audit log. */
  reason: optionalText(500, 'reason').optional().default(''),
});
export type StatusChange = z.output<typeof StatusChange>;

/** Parse the override inputs of a form or CSV cell into canonical units, or explain what is wrong. */
export function parseOverride(type: string, value: string, currency: string): { ok: true; value: CommissionOverride | null } | { ok: false; message: string } {
  const v = value.trim();
  if (type === '' || (type !== 'percent' && type !== 'flat')) {
    return type === '' && v === '' ? { ok: true, value: null } : type === '' ? { ok: false, message: 'Choose percentage or flat amount for the override.' } : { ok: false, message: 'Unknown override type.' };
  }
  if (type === 'percent') {
    const bps = percentToBps(v);
    if (bps === undefined || bps <= 0 || bps > 10_000) return { ok: false, message: 'Enter a percentage above 0 and at most 100, with up to two decimals.' };
    return { ok: true, value: { type, value: bps } };
  }
  const minor = parseMajor(v, currency);
  if (minor === undefined || minor <= 0) return { ok: false, message: `Enter an amount above 0 in ${currency.toUpperCase()}.` };
  return { ok: true, value: { type, value: minor } };
}

/** The create/edit form as posted (all strings); the override is checked by parsePartnerForm (it needs the currency). */
export const PartnerForm = z.object({
  name,
  email: email(),
  /** Empty: generate one from the name (create) or keep the current one (edit). */
  code: z.string().trim().toLowerCase().max(40, CODE_RULE).refine((v) => v === '' || CODE_PATTERN.test(v), CODE_RULE).optional().default(''),
  status: z.enum(['active', 'pending']).optional().default('active'),
  overrideType: z.string().trim().optional().default(''),
  overrideValue: z.string().trim().max(20).optional().default(''),
  payoutEmail: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .refine((v) => v === '' || z.email().safeParse(v).success, 'Enter a valid payout email.')
    .optional()
    .default(''),
});

/** Every problem of a posted partner form at once (field → message), or the input for createPartner/updatePartner. */
export function parsePartnerForm(body: unknown, currency: string) {
  const parsed = PartnerForm.safeParse(body);
  const b = (body ?? {}) as Record<string, unknown>;
  const override = parseOverride(String(b.overrideType ?? ''), String(b.overrideValue ?? ''), currency);
  const errors: Record<string, string> = parsed.success ? {} : fieldErrors(parsed.error);
  if (!override.ok) errors.overrideValue ??= override.message;
  if (!parsed.success || !override.ok) return { ok: false as const, errors };
  const f = parsed.data;
  return {
    ok: true as const,
    data: { name: f.name, email: f.email, code: f.code === '' ? undefined : f.code, status: f.status, commissionOverride: override.value, payoutEmail: f.payoutEmail === '' ? null : f.payoutEmail },
  };
}

/** Filters and page of the partners list. */
export const PartnerListQuery = z.object({
  /** Part of the name, email or code. */
  search: z.string().trim().max(100).optional().default(''),
  status: z.enum(PARTNER_STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  limit: z.coerce.number().int().min(1).max(100).catch(25).default(25),
});
export type PartnerListQuery = z.input<typeof PartnerListQuery>;

/** A referral link for a partner. */
export const LinkInput = z.object({
  /** Must be on the program's destination site; empty means the program's destination URL itself. */
  destinationUrl: httpUrl('destination URL').optional().default(''),
  /** A free label for the merchant's reports ("newsletter", "youtube"). */
  campaign: optionalText(100, 'campaign').optional().default(''),
  /** The public `/r/<slug>`; generated from the partner's code when empty. */
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v === '' || CODE_PATTERN.test(v), CODE_RULE)
    .transform((v) => (v === '' ? null : v))
    .optional()
    .default(''),
});
export type LinkInput = z.input<typeof LinkInput>;

/** An application from the public page or the REST API. */
export const ApplicationInput = z.object({
  email: email(),
  name,
  /** The applicant's company, if any. */
  company: optionalText(100, 'company').optional().default(''),
  /** Where the applicant would promote the program. */
  website: httpUrl('website').optional().default(''),
  /** Why they want to join. */
  reason: optionalText(2000, 'reason').optional().default(''),
});
export type ApplicationInput = z.input<typeof ApplicationInput>;

export const ApplicationDecision = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('approve'),
    /** The new partner's code; generated from the applicant's name when empty. */
    code: z
      .string()
      .trim()
      .toLowerCase()
      .refine((v) => v === '' || CODE_PATTERN.test(v), CODE_RULE)
      .transform((v) => (v === '' ? undefined : v))
      .optional(),
  }),
  z.object({
    action: z.literal('reject'),
    /** Kept with the application and returned by the status lookup. */
    reason: z.string().trim().min(1, 'Give a reason for the rejection.').max(500, 'Keep the reason under 500 characters.'),
  }),
]);
export type ApplicationDecision = z.input<typeof ApplicationDecision>;

export const ApplicationListQuery = z.object({
  status: z.enum(['pending', 'approved', 'rejected']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  limit: z.coerce.number().int().min(1).max(100).catch(25).default(25),
});
export type ApplicationListQuery = z.input<typeof ApplicationListQuery>;
