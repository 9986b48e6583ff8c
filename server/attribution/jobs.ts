import type { AppContext } from '../deps';
import type { Job } from '../jobs';
import { BACKFILL_JOB, createBackfillWorker } from './backfill';

export function attributionJobs(ctx: AppContext): Job[] {
  const worker = createBackfillWorker({ db: ctx.db.kysely, clock: ctx.clock, stripe: ctx.stripe, logger: ctx.logger });
  // Connecting Stripe queues a run; the timer picks it up (and retries a run whose worker died).
  return [{ name: BACKFILL_JOB, intervalMs: 10_000, run: () => worker.run() }];
}
