// Where `npm start` runs background jobs. The thread itself is exercised end to end by the server-process
// tests (test/reliability/crash.test.ts, two-processes.test.ts), which start server/main.ts with the default.
import { parseConfig } from '../../server/config';
import { Jobs } from '../../server/jobs';
import { createLogger } from '../../server/lib/logger';

describe('BACKGROUND_JOBS', () => {
  it('defaults to a worker thread on PostgreSQL and to the request thread on SQLite, and can be set either way', () => {
    expect(parseConfig({ DATABASE_URL: 'postgres://db.internal/refcut' }).backgroundJobs).toBe('thread');
    expect(parseConfig({ DATABASE_URL: 'postgresql://db.internal/refcut' }).backgroundJobs).toBe('thread');
    expect(parseConfig({}).backgroundJobs).toBe('inline');
    expect(parseConfig({ DATABASE_URL: './data/app.db' }).backgroundJobs).toBe('inline');
    expect(parseConfig({ BACKGROUND_JOBS: 'inline', DATABASE_URL: 'postgres://db/refcut' }).backgroundJobs).toBe('inline');
    expect(parseConfig({ BACKGROUND_JOBS: 'thread' }).backgroundJobs).toBe('thread');
    expect(() => parseConfig({ BACKGROUND_JOBS: 'off' })).toThrow(/BACKGROUND_JOBS must be thread or inline/);
  });

  it('a forwarding job runner sends kicks away instead of running them here', async () => {
    const jobs = new Jobs(createLogger('silent'));
    let ran = 0;
    jobs.register({ name: 'count', intervalMs: 60_000, run: async () => (ran += 1, 0) });
    const forwarded: string[] = [];
    jobs.forwardTo((name) => forwarded.push(name));
    jobs.kick('count');
    jobs.kick('count');
    await new Promise((r) => setImmediate(r));
    await jobs.stop();
    expect(forwarded).toEqual(['count', 'count']);
    expect(ran).toBe(0);
  });
});
