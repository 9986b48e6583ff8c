import { z } from 'zod';

/** The envelope every Stripe event has; anything else that arrives signed is not an event and is refused. */
export const EventEnvelope = z.looseObject({
  /** Stripe's event id, the inbox's unique key. */
  id: z.string().regex(/^evt_\w+$/, 'not an event id'),
  object: z.literal('event'),
  /** e.g. `invoice.paid`. */
  type: z.string().min(1).max(200),
  /** Seconds since the epoch. */
  created: z.number().int().nonnegative(),
  livemode: z.boolean(),
  /** The connected account the event is about (absent for the platform's own events). */
  account: z.string().regex(/^acct_\w+$/).nullish(),
  /** The version the payload was rendered in (the endpoint's pin). */
  api_version: z.string().nullish(),
  data: z.looseObject({
    /** The object the event is about. */
    object: z.looseObject({ id: z.string().optional() }),
  }),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

export const EVENT_STATUSES = ['pending', 'processing', 'processed', 'failed', 'ignored'] as const;

/** Filters of the events page; a bad value falls back to "no filter" rather than an error page. */
export const EventsQuery = z.object({
  /** Only events in this processing status. */
  status: z.enum(EVENT_STATUSES).optional().catch(undefined),
  /** Only events of this exact type, e.g. `invoice.paid`. */
  type: z
    .string()
    .trim()
    .max(200)
    .regex(/^[a-z_.]*$/)
    .optional()
    .catch(undefined)
    .transform((v) => v || undefined),
  /** 1-based page number. */
  page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1),
});
export type EventsQuery = z.infer<typeof EventsQuery>;

/** The catch-up form: fetch the account's events created since this day (Stripe keeps 30 days). */
export const SyncForm = z.object({
  /** A day, YYYY-MM-DD, read as UTC midnight. */
  since: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a date as YYYY-MM-DD.')
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), 'Enter a real date.'),
});
export type SyncForm = z.infer<typeof SyncForm>;
