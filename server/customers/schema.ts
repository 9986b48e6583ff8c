import { z } from 'zod';

export const SUBSCRIPTION_STATES = ['active', 'trialing', 'past_due', 'canceled', 'none'] as const;
export type SubscriptionStateFilter = (typeof SUBSCRIPTION_STATES)[number];

/** Filters of the referred customers page; a bad value falls back to "no filter". */
export const CustomersQuery = z.object({
  /** Which ledger: live or test; defaults to the mode of the Stripe connection. */
  mode: z.enum(['live', 'test']).optional().catch(undefined),
  /** Only customers of this partner (aff_…). */
  partner: z.string().trim().regex(/^aff_\w+$/).optional().catch(undefined),
  /** Only customers with a subscription in this state; `none`: customers without any subscription. */
  state: z.enum(SUBSCRIPTION_STATES).optional().catch(undefined),
  /** Churn is counted over this period (as on the overview). */
  period: z.enum(['7', '30', '90', 'custom']).default('30').catch('30'),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});
export type CustomersQuery = z.infer<typeof CustomersQuery>;
