import type { AppContext } from '../deps';
import type { Job } from '../jobs';
import { sweepIdempotency } from './store';

/** Idempotency records expire after 24 h (replays are refused after that anyway); sweep them in batches. */
export function apiJobs({ db, clock }: AppContext): Job[] {
  return [
    {
      name: 'api.idempotency-sweep',
      intervalMs: 15 * 60_000,
      run: () => sweepIdempotency(db.kysely, clock.now().toISOString(), 500),
    },
  ];
}
