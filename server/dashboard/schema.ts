import { z } from 'zod';
import { PARTNER_SORTS } from './stats';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d));

/** The overview's and the partner performance page's filters; a bad value falls back to its default. */
export const OverviewQuery = z.object({
  /** The last 7, 30 or 90 days (today included, in the program's time zone), or `custom` with from/to. */
  period: z.enum(['7', '30', '90', 'custom']).default('30').catch('30'),
  /** First day of a custom period (YYYY-MM-DD, local). */
  from: day.optional().catch(undefined),
  /** Last day of a custom period (YYYY-MM-DD, local, included). */
  to: day.optional().catch(undefined),
  /** Which ledger: live or test; defaults to the mode of the Stripe connection. */
  mode: z.enum(['live', 'test']).optional().catch(undefined),
  /** Partner performance order (biggest first). */
  sort: z.enum(PARTNER_SORTS).default('earnings').catch('earnings'),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});
export type OverviewQuery = z.infer<typeof OverviewQuery>;

/** The longest custom period, in days: a year and a day covers "the same day last year". */
export const MAX_PERIOD_DAYS = 366;
