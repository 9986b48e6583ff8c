/** Give up retrying on a timer after this many attempts; the event stays `failed` until someone re-runs it. */
export const MAX_ATTEMPTS = 12;

const BASE_MS = 60_000;
const CAP_MS = 6 * 3_600_000;

/** Wait before the next attempt after `attempts` tries: 1, 2, 4, 8 … minutes, at most 6 hours. */
export function retryDelayMs(attempts: number): number {
  const n = Math.max(1, attempts);
  return Math.min(CAP_MS, BASE_MS * 2 ** Math.min(n - 1, 20));
}
