// The background jobs thread (./thread.ts): the same jobs the app registers, on a connection of its own.
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config';
import type { AppContext } from '../deps';
import { createDb } from '../../db';
import { Jobs } from '../jobs';
import { allJobs } from '../routes';
import { createLogger } from '../lib/logger';
import { systemClock } from '../lib/clock';
import { createStripe } from '../stripe/client';
import { sharedState } from '../http/shared-state';
import { BACKGROUND_NICE, type ThreadMessage } from './thread';

const config = (workerData as { config: Config }).config;
// Lowest-but-not-idle priority for this thread only (on Linux a nice value is per thread): on a busy core,
// requests (webhook acknowledgements, clicks) go first and the jobs use the time left over; when the core is
// free, they get all of it. Where the system refuses, the thread simply runs at normal priority.
try {
  os.setPriority(0, BACKGROUND_NICE);
} catch {
  /* not permitted here: normal priority */
}
const logger = createLogger(config.logLevel).child({ thread: 'jobs' });
// Jobs run one step at a time per job: a few connections are plenty (PostgreSQL; SQLite has one).
const db = createDb(config.databaseUrl, { poolSize: Math.min(config.databasePoolSize, 4) });
const jobs = new Jobs(logger);
// The jobs need no sessions or rate limits; the database-backed shared state only satisfies the type.
const ctx: AppContext = { db, config, clock: systemClock, stripe: createStripe(config), logger, jobs, shared: sharedState(db) };
jobs.register(...allJobs(ctx));
jobs.start();
logger.info('background jobs running in their own thread');

parentPort!.on('message', (m: ThreadMessage) => {
  if ('kick' in m) return jobs.kick(m.kick);
  void (async () => {
    await jobs.stop();
    await db.close();
    parentPort!.close();
  })();
});
