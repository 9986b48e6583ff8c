import type { AppContext } from '../deps';
import type { Job } from '../jobs';
import { STRIPE_EVENTS_JOB } from '../stripe/service';
import { fanOut, FANOUT_BATCH } from './fanout';
import { deliverDue } from './deliver';

export const FANOUT_JOB = 'outbound.fanout';
export const DELIVER_JOB = 'outbound.deliver';

/** Outbox events → deliveries → signed POSTs with retries. Both jobs claim their work in the database. */
export function outboundJobs({ db, clock, logger, jobs, config, dnsLookup }: AppContext): Job[] {
  return [
    {
      name: FANOUT_JOB,
      intervalMs: 5_000,
      // Once per batch of processed Stripe events (they write most outbox events), not once per event.
      after: [STRIPE_EVENTS_JOB],
      batch: FANOUT_BATCH,
      run: async () => {
        const { events, deliveries } = await fanOut(db.kysely, clock);
        if (deliveries > 0) jobs.kick(DELIVER_JOB);
        return events;
      },
    },
    {
      name: DELIVER_JOB,
      intervalMs: 5_000,
      run: () => deliverDue(db.kysely, clock, logger, { timeoutMs: 10_000, batch: 20, allowPrivate: config.outbound.allowPrivate, resolve: dnsLookup }),
    },
  ];
}
