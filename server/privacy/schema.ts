// Inputs of the privacy tools: look a person up, export what is held about them, erase it.
import { z } from 'zod';

/** GET /privacy: who to look for. Bad values show an empty search rather than an error page. */
export const LookupQuery = z.object({
  /** A partner (by id, code or email) or a referred customer (by Stripe customer id, your customer id or email). */
  kind: z.enum(['partner', 'customer']).optional().catch(undefined),
  /** The id, code or email typed into the search box. */
  q: z.string().trim().max(254).optional().catch(undefined),
});
export type LookupQuery = z.infer<typeof LookupQuery>;

/**
 * A referred customer, as the privacy tools name one: `stripe:cus_…` or `ext:<your id>` (the keys the
 * ledger binds customers by), or an email for sales that carry no customer id.
 */
export const CustomerRef = z
  .string()
  .trim()
  .min(1, 'Name a customer.')
  .max(300)
  .refine((v) => /^(stripe:cus_\w+|ext:.+|[^\s@]+@[^\s@]+)$/.test(v), 'Use stripe:cus_…, ext:<customer id> or an email.');

export const CustomerExportQuery = z.object({
  /** The customer to export (see CustomerRef). */
  ref: CustomerRef,
});

/** POST …/erase: the owner types ERASE to confirm; erasure cannot be undone. */
export const EraseForm = z.object({
  /** Must be the word ERASE. */
  confirm: z.literal('ERASE', 'Type ERASE to confirm.'),
  /** Customers only: which customer (see CustomerRef). */
  ref: CustomerRef.optional(),
});
export type EraseForm = z.infer<typeof EraseForm>;
