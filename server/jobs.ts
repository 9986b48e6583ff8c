import type { Logger } from './lib/logger';

/**
 * Background work in the same process: webhook processing, outbound deliveries, approvals.
 * Each job's `run` claims and does one batch and returns how many items it handled; claims live in
 * the database (row locks or conditional updates), so several processes can run the same jobs safely.
 */
export interface Job {
  name: string;
  /** How often the timer runs it when nothing kicks it. */
  intervalMs: number;
  run(): Promise<number>;
}

export class Jobs {
  private timers: NodeJS.Timeout[] = [];
  private running = new Map<string, Promise<void>>();
  private again = new Set<string>();
  private stopped = false;
  private readonly jobs: Job[] = [];

  constructor(private readonly logger: Logger) {}

  register(...jobs: Job[]): void {
    this.jobs.push(...jobs);
  }

  /** Start the periodic timers (main.ts). Tests leave them off and call kick()/drain(). */
  start(): void {
    this.stopped = false;
    for (const job of this.jobs) {
      const t = setInterval(() => this.kick(job.name), job.intervalMs);
      t.unref();
      this.timers.push(t);
    }
  }

  /** Run a job soon (after the current tick), without waiting; runs again if kicked while busy. */
  kick(name: string): void {
    if (this.stopped) return;
    const job = this.jobs.find((j) => j.name === name);
    if (!job) return;
    if (this.running.has(name)) {
      this.again.add(name);
      return;
    }
    const p = (async () => {
      await new Promise((r) => setImmediate(r));
      try {
        // Keep going while there is work: a batch that did something may have left more behind. Yield to
        // the event loop between batches: with SQLite every query resolves at once, so a busy job would
        // otherwise hold off incoming requests (webhook acknowledgements, clicks) until its backlog is gone.
        while ((await job.run()) > 0 && !this.stopped) {
          await new Promise((r) => setImmediate(r));
        }
      } catch (err) {
        this.logger.error({ err, job: name }, 'background job failed');
      }
    })().finally(() => {
      this.running.delete(name);
      if (this.again.delete(name)) this.kick(name);
    });
    this.running.set(name, p);
  }

  /** Wait until no job is running and a full pass of every job finds nothing to do (tests). */
  async drain(maxPasses = 50): Promise<void> {
    for (let pass = 0; pass < maxPasses; pass++) {
      while (this.running.size > 0) await Promise.all([...this.running.values()]);
      let worked = 0;
      for (const job of this.jobs) worked += await job.run();
      if (worked === 0 && this.running.size === 0) return;
    }
    throw new Error('jobs did not become idle');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.all([...this.running.values()]);
  }
}
