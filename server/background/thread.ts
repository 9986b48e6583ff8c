// Background jobs (the Stripe event worker, outbound deliveries, notifications, rollups…) in a worker
// thread of their own, with their own database connection. On one core, jobs that share the event loop
// with HTTP make every request wait for whatever job step is running (a webhook acknowledgement waited
// behind event processing: docs/performance.md); in a thread at a lower priority, the operating system
// runs the request first. (On SQLite a request that writes still waits while the thread holds the write
// lock: job transactions are kept short for that reason.) Kicks from request handlers are posted to the thread.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import { restartDelay } from '../lib/restart-backoff';

export interface JobsThread {
  /** Wake a job in the thread (the same names as Jobs.kick). */
  kick(name: string): void;
  /** Finish the running job steps, close the thread's connection, end the thread. */
  stop(): Promise<void>;
}

export type ThreadMessage = { kick: string } | { stop: true };

/**
 * The jobs thread's nice value. At 10 it gets about a tenth of a core that requests keep busy (CFS weights
 * 110 against 1024), so a sustained burst slows processing without stopping it, and all of an idle core.
 */
export const BACKGROUND_NICE = 10;

/** How long stop() waits for the running job steps before terminating the thread. */
const STOP_TIMEOUT_MS = 20_000;

const ENTRY = path.join(__dirname, `entry${path.extname(__filename)}`);

/** Compiled (`npm start`): the entry file itself. From source (`npm run dev`, tests): through tsx's require hook, which threads do not inherit. */
const workerFor = (workerData: unknown) =>
  ENTRY.endsWith('.ts')
    ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(ENTRY)});`, { eval: true, workerData })
    : new Worker(ENTRY, { workerData });

export function startJobsThread(config: Config, logger: Logger): JobsThread {
  let worker: Worker;
  let exited = false;
  let stopping = false;
  let delayMs = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  const spawn = () => {
    const startedAt = Date.now();
    worker = workerFor({ config });
    exited = false;
    worker.on('error', (err) => logger.error({ err }, 'background jobs thread crashed'));
    worker.on('exit', (code) => {
      exited = true;
      if (stopping) return;
      // A crash loses no work: every job claims its rows with a lease in the database and picks up again.
      delayMs = restartDelay(delayMs, Date.now() - startedAt);
      logger.error({ exit: code, restartInMs: delayMs }, 'background jobs thread exited; starting another');
      restartTimer = setTimeout(spawn, delayMs);
    });
  };
  spawn();

  return {
    kick: (name) => worker.postMessage({ kick: name } satisfies ThreadMessage),
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        clearTimeout(restartTimer);
        // Already gone (crashed, waiting for its restart): nothing to finish.
        if (exited) return resolve();
        // Jobs finish their current step; one that hangs is cut off (its claims run out and are taken over).
        const deadline = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
        worker.once('exit', () => {
          clearTimeout(deadline);
          resolve();
        });
        worker.postMessage({ stop: true } satisfies ThreadMessage);
      }),
  };
}
