// When to retry a failed delivery: exponential backoff from one minute, capped at six hours, for a day.

export const RETRY_WINDOW_MS = 24 * 3_600_000;
const FIRST_DELAY_MS = 60_000;
const MAX_DELAY_MS = 6 * 3_600_000;

/** The delay after the n-th failed attempt (n ≥ 1): 1 min, 2 min, 4 min, … up to 6 h. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, failedAttempts - 1), MAX_DELAY_MS);
}

/** The next attempt after `failedAttempts` failures, or null when it would fall after `retryUntil` (give up). */
export function nextAttemptAt(failedAttempts: number, now: Date, retryUntil: Date): Date | null {
  const next = new Date(now.getTime() + retryDelayMs(failedAttempts));
  return next.getTime() > retryUntil.getTime() ? null : next;
}
