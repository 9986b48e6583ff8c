import type { AppContext } from '../deps';
import type { Job } from '../jobs';
import { approveDue } from './approval';

export function payoutJobs(ctx: AppContext): Job[] {
  return [
    // Flips credits whose holding period ended; balances already count them as approved before it runs.
    { name: 'payouts-approve', intervalMs: 60_000, run: () => approveDue(ctx.db.kysely, ctx.clock) },
  ];
}
