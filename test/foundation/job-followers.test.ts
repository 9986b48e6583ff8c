// A job that consumes another job's output runs once per producer batch, not once per item.
import { Jobs } from '../../server/jobs';
import { createLogger } from '../../server/lib/logger';

const idle = async (jobs: Jobs) => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  await jobs.stop();
};

describe('jobs that follow a producer', () => {
  it('are kicked once after each producer run that did work, and stop after a short batch', async () => {
    const jobs = new Jobs(createLogger('silent'));
    const produced = [25, 25, 3, 0];
    let queue = 0;
    const consumerRuns: number[] = [];
    jobs.register(
      { name: 'producer', intervalMs: 60_000, run: async () => { const n = produced.shift() ?? 0; queue += n; return n; } },
      { name: 'consumer', intervalMs: 60_000, after: ['producer'], batch: 100, run: async () => { const n = Math.min(queue, 100); queue -= n; consumerRuns.push(n); return n; } },
    );
    jobs.kick('producer');
    await idle(jobs);
    expect(queue).toBe(0);
    // Never once per item: one run per producer batch at most, and none left spinning on an empty queue.
    expect(consumerRuns.length).toBeLessThanOrEqual(3);
    expect(consumerRuns.reduce((a, b) => a + b, 0)).toBe(53);
  });

  it('runs again at once only after a full batch', async () => {
    const jobs = new Jobs(createLogger('silent'));
    let queue = 250;
    const runs: number[] = [];
    jobs.register({ name: 'drain', intervalMs: 60_000, batch: 100, run: async () => { const n = Math.min(queue, 100); queue -= n; runs.push(n); return n; } });
    jobs.kick('drain');
    await idle(jobs);
    expect(runs).toEqual([100, 100, 50]);
  });
});
