import type { AppContext } from '../deps';
import type { Job } from '../jobs';
import { STRIPE_EVENTS_JOB } from '../stripe/service';
import { createMailer } from './mailer';
import { deliverDue, scan, SCAN_BATCH, SCAN_JOB, SEND_BATCH, SEND_JOB } from './service';

/** New sources → queued emails → delivered (or logged). Both claim their work in the database. */
export function notificationJobs({ db, clock, config, logger, jobs }: AppContext): Job[] {
  const mailer = createMailer(config, logger);
  return [
    {
      name: SCAN_JOB,
      intervalMs: 10_000,
      // Once per batch of processed Stripe events (they write the commissions mailed about), not once per event.
      after: [STRIPE_EVENTS_JOB],
      batch: SCAN_BATCH,
      run: async () => {
        const n = await scan(db.kysely, clock, config, logger);
        if (n > 0) jobs.kick(SEND_JOB);
        return n;
      },
    },
    { name: SEND_JOB, intervalMs: 10_000, batch: SEND_BATCH, run: () => deliverDue(db.kysely, clock, mailer, logger) },
  ];
}
