import type { AppContext } from '../deps';
import type { Job } from '../jobs';
import { createMailer } from './mailer';
import { deliverDue, scan, SCAN_JOB, SEND_JOB } from './service';

/** New sources → queued emails → delivered (or logged). Both claim their work in the database. */
export function notificationJobs({ db, clock, config, logger, jobs }: AppContext): Job[] {
  const mailer = createMailer(config, logger);
  return [
    {
      name: SCAN_JOB,
      intervalMs: 10_000,
      run: async () => {
        const n = await scan(db.kysely, clock, config, logger);
        if (n > 0) jobs.kick(SEND_JOB);
        return n;
      },
    },
    { name: SEND_JOB, intervalMs: 10_000, run: () => deliverDue(db.kysely, clock, mailer, logger) },
  ];
}
