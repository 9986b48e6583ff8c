import type { AppContext } from '../deps';
import type { Job } from '../jobs';
import { pruneExpiredRateLimits } from './rate-limit-store';

/**
 * Rate-limit counters leave one row per client key (IP address, email, API key) behind; an ended window
 * counts for nothing, so drop those rows in batches that keep each delete short.
 */
export function httpJobs({ db }: AppContext): Job[] {
  return [
    {
      name: 'rate-limits.prune',
      intervalMs: 15 * 60_000,
      // Wall-clock time, not the injected clock: express-rate-limit writes the windows with Date.now().
      run: () => pruneExpiredRateLimits(db.kysely, Date.now(), 1000),
    },
  ];
}
