// When to re-fork a cluster worker that died (server/main.ts). Pure, so the policy is testable without processes.

export interface RestartPolicy {
  /** The wait after the first early death. */
  firstDelayMs: number;
  /** The wait never grows past this. */
  maxDelayMs: number;
  /** A worker that lived this long was healthy: its death is restarted at once and the back-off starts over. */
  healthyAfterMs: number;
}

export const RESTART_POLICY: RestartPolicy = { firstDelayMs: 1_000, maxDelayMs: 30_000, healthyAfterMs: 60_000 };

/**
 * The delay before replacing a worker that exited after `uptimeMs`, given the delay chosen last time
 * (0 when there was none). A worker that dies soon after starting usually dies the same way again (a bad
 * database URL, a port in use, a crash on boot): doubling the wait keeps that from becoming a fork loop
 * that floods the logs and the database with connection attempts.
 */
export function restartDelay(previousDelayMs: number, uptimeMs: number, policy: RestartPolicy = RESTART_POLICY): number {
  if (uptimeMs >= policy.healthyAfterMs) return 0;
  if (previousDelayMs <= 0) return policy.firstDelayMs;
  return Math.min(previousDelayMs * 2, policy.maxDelayMs);
}
