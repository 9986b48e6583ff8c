// Request and response schemas of /api/v1/affiliates. They validate requests and generate the OpenAPI document.
import { z } from 'zod';
import { CODE_PATTERN, CODE_RULE } from '../../partners/codes';
import { PARTNER_STATUSES } from '../../partners/schema';
import { listQuery, pageOf } from '../pagination';

export const isoTime = (description: string) => z.string().meta({ format: 'date-time', description });
export const email = (field: string) =>
  z
    .string(`${field} must be a string.`)
    .trim()
    .toLowerCase()
    .max(254, `${field} is too long.`)
    .pipe(z.email(`${field} must be a valid email address.`));

/** A commission that replaces the program's for one partner. */
export const CommissionOverride = z
  .strictObject({
    /** percent of each sale, or a flat amount per sale. */
    type: z.enum(['percent', 'flat']).describe('percent: a share of each sale; flat: a fixed amount per sale in the program currency.'),
    /** Basis points (2500 = 25%) or minor units of the program currency. */
    value: z.number().int().positive().max(1_000_000_000_000).describe('Basis points for percent (2500 = 25%, at most 10000); minor units of the program currency for flat.'),
  })
  .refine((o) => o.type !== 'percent' || o.value <= 10_000, { message: 'A percent override is at most 10000 basis points (100%).', path: ['value'] });

const code = z.string().trim().toLowerCase().regex(CODE_PATTERN, `code: ${CODE_RULE}`);

/** GET /api/v1/affiliates */
export const AffiliateListQuery = listQuery({
  /** Only partners in this status. */
  status: z.enum(PARTNER_STATUSES).optional().describe('Only affiliates in this status.'),
  /** Exact email (case-insensitive). */
  email: z.string().trim().toLowerCase().max(254).optional().describe('Only the affiliate with this email (case-insensitive, exact).'),
});

/** POST /api/v1/affiliates */
export const AffiliateCreate = z.strictObject({
  /** Full name or company. */
  name: z.string().trim().min(1, 'name is required.').max(100, 'name must be at most 100 characters.').describe('Full name or company, shown to you.'),
  /** Unique within the program. */
  email: email('email').describe('The affiliate’s email, unique within your program.'),
  /** The `?via=` code; generated from the name when absent. */
  code: code.optional().describe('The ?via= code: 3–40 lower-case letters, digits or hyphens. Generated from the name when absent.'),
  /** Replaces the program's commission for this affiliate. */
  commissionOverride: CommissionOverride.nullable().optional().describe('Replaces the program’s commission for this affiliate; null or absent for the program’s.'),
  /** Where payouts go when it differs from the email. */
  payoutEmail: email('payoutEmail').nullable().optional().describe('Where payouts go, when not the affiliate’s email.'),
});
export type AffiliateCreate = z.infer<typeof AffiliateCreate>;

/** PATCH /api/v1/affiliates/:id — absent fields stay as they are. */
export const AffiliatePatch = z
  .strictObject({
    /** active earns; paused and banned keep their links working without earning. */
    status: z.enum(['active', 'paused', 'banned']).optional().describe('active earns; paused and banned affiliates’ links keep working but nothing they refer earns.'),
    /** Why the affiliate was paused or banned; kept with it. */
    statusReason: z.string().trim().max(500, 'statusReason must be at most 500 characters.').optional().describe('Why, when pausing or banning (kept with the affiliate and in the audit log).'),
    /** null removes the override. */
    commissionOverride: CommissionOverride.nullable().optional().describe('A new override, or null to use the program’s commission again.'),
    /** null: payouts go to the affiliate's email. */
    payoutEmail: email('payoutEmail').nullable().optional().describe('A payout email, or null to pay to the affiliate’s email.'),
  })
  .refine((b) => b.statusReason === undefined || b.status !== undefined, { message: 'statusReason goes with a status change: send status too.', path: ['statusReason'] });
export type AffiliatePatch = z.infer<typeof AffiliatePatch>;

export const AffiliateLink = z.object({
  id: z.string().describe('Link id (lnk_…).'),
  slug: z.string().describe('The link’s slug, unique across the server.'),
  url: z.string().describe('The absolute referral URL, …/r/<slug>.'),
  destination: z.string().nullable().describe('Where the link sends visitors: its own destination, else the program’s destination URL; null when neither is set.'),
  campaign: z.string().nullable().describe('A free label for reports.'),
  isDefault: z.boolean().describe('Whether this is the link created with the affiliate.'),
  disabledAt: isoTime('When the link was disabled (it then answers 404), or null.').nullable(),
});

export const Affiliate = z.object({
  id: z.string().describe('Affiliate id (aff_…).'),
  name: z.string(),
  email: z.string(),
  code: z.string().describe('The ?via= code.'),
  status: z.enum(PARTNER_STATUSES).describe('Only active affiliates earn.'),
  statusReason: z.string().nullable().describe('Why the affiliate was paused or banned.'),
  commissionOverride: z
    .object({ type: z.enum(['percent', 'flat']), value: z.number().int() })
    .nullable()
    .describe('The override of the program’s commission: basis points (percent) or minor units of the program currency (flat); null when none.'),
  payoutEmail: z.string().nullable(),
  links: z.array(AffiliateLink).describe('Referral links, the default one first.'),
  createdAt: isoTime('When the affiliate was created.'),
  updatedAt: isoTime('When the affiliate last changed.'),
});
export type Affiliate = z.infer<typeof Affiliate>;
export const AffiliatePage = pageOf(Affiliate);

export const Money = z.object({
  amount: z.number().int().describe('Integer minor units of currency.'),
  currency: z.string().describe('Lower-case ISO 4217 currency.'),
});

/** `:id` of /api/v1/affiliates/:id and /api/v1/applications/:id/review. */
export const IdParams = z.strictObject({ id: z.string().min(1).max(200).describe('The object’s id.') });

/** GET /api/v1/affiliates/by-customer/:customerId */
export const ByCustomerParams = z.strictObject({
  customerId: z.string().min(1).max(200).describe('A Stripe customer id (cus_…) or your own external customer id (as sent to /track/lead and /track/sale).'),
});
export const ByCustomerResponse = z.union([
  z.object({
    enrolled: z.literal(true).describe('The customer was referred by an affiliate.'),
    id: z.string().describe('The referring affiliate’s id.'),
    code: z.string(),
    status: z.enum(PARTNER_STATUSES),
    totalEarned: z
      .array(Money)
      .describe('What the referring affiliate has earned in this mode, net of platform fees and reversals, rejected commissions excluded: one entry per currency, sorted by currency; empty when nothing yet.'),
  }),
  z.object({ enrolled: z.literal(false).describe('No affiliate referred this customer (in this key’s mode).') }),
]);
export type ByCustomerResponse = z.infer<typeof ByCustomerResponse>;
