import type { AppContext } from '../deps';
import type { Job } from '../jobs';
import { STRIPE_EVENTS_JOB } from './service';
import { createEventWorker } from './worker';

export function stripeJobs(ctx: AppContext): Job[] {
  const worker = createEventWorker({ db: ctx.db.kysely, clock: ctx.clock, stripe: ctx.stripe, logger: ctx.logger, jobs: ctx.jobs });
  // Webhooks kick the job as soon as an event is stored; the timer picks up retries that came due.
  return [{ name: STRIPE_EVENTS_JOB, intervalMs: 15_000, run: () => worker.run() }];
}
