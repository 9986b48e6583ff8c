import { RESTART_POLICY, restartDelay } from '../../server/lib/restart-backoff';

/** The delays chosen for a run of worker deaths, each after the given uptime (ms). */
function delaysFor(uptimes: number[]): number[] {
  let delay = 0;
  return uptimes.map((uptime) => (delay = restartDelay(delay, uptime)));
}

describe('re-forking cluster workers that die', () => {
  it('waits 1, 2, 4 … seconds, at most 30, while workers keep dying soon after starting', () => {
    expect(delaysFor([200, 300, 250, 900, 100, 400, 5_000, 200])).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('restarts at once a worker that ran for a healthy minute, and starts the back-off over', () => {
    expect(delaysFor([500, 500, RESTART_POLICY.healthyAfterMs, 500])).toEqual([1_000, 2_000, 0, 1_000]);
  });

  it('restarts at once the first death of a long-running worker', () => {
    expect(restartDelay(0, 3_600_000)).toBe(0);
  });
});
