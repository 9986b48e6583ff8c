import type { Logger } from './lib/logger';
import { backgroundTurn } from './lib/turns';

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
  /**
   * The most items one run handles. When set, a run that handled fewer has caught up, and the job waits for
   * its next kick or timer instead of running again at once: otherwise a job fed by a busy producer re-runs
   * (and re-pays its lookup) for every single item the producer makes.
   */
  batch?: number;
  /** Jobs whose output this job consumes: it is kicked once after each of their runs that did some work. */
  after?: string[];
}

export class Jobs {
  private timers: NodeJS.Timeout[] = [];
  private running = new Map<string, Promise<void>>();
  private again = new Set<string>();
  private stopped = false;
  private readonly jobs: Job[] = [];
  private forward?: (name: string) => void;

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

  /**
   * Send every kick elsewhere instead of running the job here: main.ts runs the jobs in a worker thread
   * (server/background/thread.ts) and the request handlers' kicks go there.
   */
  forwardTo(forward: (name: string) => void): void {
    this.forward = forward;
  }

  /** Run a job soon (after the current tick), without waiting; runs again if kicked while busy. */
  kick(name: string): void {
    if (this.forward) return this.forward(name);
    if (this.stopped) return;
    const job = this.jobs.find((j) => j.name === name);
    if (!job) return;
    if (this.running.has(name)) {
      this.again.add(name);
      return;
    }
    const p = (async () => {
      await backgroundTurn();
      try {
        // Keep going while there is work: a batch that did something (a full one, for a job that declares its
        // batch) may have left more behind. Take turns with requests between batches (lib/turns.ts): with
        // SQLite every query resolves at once, so a busy job would otherwise hold off incoming requests
        // (webhook acknowledgements, clicks) until its backlog is gone.
        for (;;) {
          const handled = await job.run();
          if (handled > 0) this.kickFollowersOf(name);
          if (handled === 0 || this.stopped || (job.batch !== undefined && handled < job.batch)) break;
          await backgroundTurn();
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

  private kickFollowersOf(name: string): void {
    for (const j of this.jobs) if (j.after?.includes(name)) this.kick(j.name);
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
