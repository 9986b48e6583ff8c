import type { AppContext } from '../deps';
import type { Job } from '../jobs';
import { sweepParked } from './parking';

export function ledgerJobs(ctx: AppContext): Job[] {
  return [
    // Safety net: a parked event whose sale appeared while it was being parked on another process.
    { name: 'ledger-parked-sweep', intervalMs: 60_000, run: () => sweepParked(ctx.db.kysely, ctx.clock, ctx.jobs) },
  ];
}
