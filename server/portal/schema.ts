// Inputs of the partner portal and of the merchant's deal and portal-link pages.
import { z } from 'zod';

const email = (label = 'email address') =>
  z
    .string()
    .trim()
    .toLowerCase()
    .max(254, 'Email is too long.')
    .pipe(z.email(`Enter a valid ${label}.`));

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `Keep the ${label} under ${max} characters.`)
    .optional()
    .transform((v) => (v ? v : null));

/** The portal's sign-in form: ask for a magic link. */
export const MagicLinkForm = z.object({
  /** The email the merchant knows the partner by (never confirmed or denied). */
  email: email(),
});
export type MagicLinkInput = z.infer<typeof MagicLinkForm>;

/** The button on the "continue" page that spends a sign-in link. */
export const EnterForm = z.object({
  /** The token from the link (only its hash is stored). */
  token: z.string().trim().min(1).max(200),
});

/** The partner's payout settings. */
export const PayoutEmailForm = z.object({
  /** Where payouts are sent (PayPal or bank reference email); empty means the partner's sign-in email. */
  payoutEmail: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, 'Email is too long.')
    .refine((v) => v === '' || z.email().safeParse(v).success, 'Enter a valid payout email.')
    .transform((v) => (v === '' ? null : v)),
});
export type PayoutEmailInput = z.infer<typeof PayoutEmailForm>;

/** A lead the partner registers. */
export const DealForm = z.object({
  /** The prospect's email: the customer is matched by it when they first pay. */
  email: email('customer email'),
  /** The prospect's (or company's) name, for the merchant. */
  name: z.string().trim().min(1, 'Enter the lead’s name.').max(200, 'Keep the name under 200 characters.'),
  /** Context for the merchant: how the partner knows the lead, what they need. */
  notes: optionalText(2000, 'notes'),
});
/** What callers pass (raw form or API fields); registerDeal validates it. */
export type DealInput = z.input<typeof DealForm>;

/** The merchant's decision on a deal. */
export const DealDecisionForm = z.object({
  /** Why a deal is rejected (shown to the partner); ignored when accepting. */
  reason: optionalText(500, 'reason'),
});

/** Which deals the merchant's list shows. */
export const DealListQuery = z.object({
  /** Only deals in this status. */
  status: z.enum(['pending', 'accepted', 'rejected']).optional().catch(undefined),
  /** 1-based page. */
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** The period of the portal's click chart, in days. */
export const ClicksQuery = z.object({
  /** 7, 30 or 90 days back from today (UTC). */
  days: z.coerce.number().pipe(z.union([z.literal(7), z.literal(30), z.literal(90)])).catch(30),
});

/** Paginated portal lists. */
export const PageQuery = z.object({
  /** 1-based page. */
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** YYYY-MM of a monthly statement. */
export const MonthParam = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

/** GET /api/v1/affiliates/:id/portal-link */
export const PortalLinkResponse = z.object({
  url: z.string().describe('A one-time sign-in link to the affiliate’s partner portal. It starts one session and is valid until expiresAt.'),
  expiresAt: z.string().describe('When the link stops working (ISO 8601, 24 hours after it was created).'),
});
export type PortalLinkResponse = z.infer<typeof PortalLinkResponse>;
