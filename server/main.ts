// Process entry: config → db → migrate → listen (and background jobs).
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config';
import { createDb, optimize, type Db } from '../db';
import { migrateToLatest } from '../db/migrate';
import { createLogger } from './lib/logger';
import { systemClock } from './lib/clock';
import { createStripe } from './stripe/client';
import { createApp, type App } from './app';
import { restartDelay } from './lib/restart-backoff';
import { connectRedis } from './http/shared-state';
import { startJobsThread } from './background/thread';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

export async function start(config: Config): Promise<{ server: Server; stop: () => Promise<void>; app: App; db: Db }> {
  const logger = createLogger(config.logLevel);
  if (config.defaultedSecrets.length > 0) {
    logger.warn(
      { variables: config.defaultedSecrets },
      `!!! Using INSECURE development defaults for ${config.defaultedSecrets.join(', ')}. Set them before exposing this server; NODE_ENV=production refuses to start without them.`,
    );
  }
  const db = createDb(config.databaseUrl, { poolSize: config.databasePoolSize, backgroundCheckpoints: true, onCheckpointError: (message) => logger.warn({ message }, 'background WAL checkpoint failed') });
  await migrateToLatest(db.kysely);
  const redis = config.redis ? { client: await connectRedis(config.redis.url, logger), prefix: config.redis.prefix } : undefined;
  const app = createApp({ db, config, clock: systemClock, stripe: createStripe(config), logger, redis });
  const jobsThread = config.backgroundJobs === 'thread' ? startJobsThread(config, logger) : undefined;
  if (jobsThread) app.jobs.forwardTo(jobsThread.kick);
  else app.jobs.start();
  const sweeper = setInterval(() => void app.shared.sweepSessions().catch((err) => logger.error({ err }, 'session sweep failed')), 15 * 60_000);
  sweeper.unref();
  // Planner statistics follow the data as it grows (SQLite only; see db/index.ts).
  await optimize(db);
  const statistics = setInterval(() => void optimize(db).catch((err) => logger.error({ err }, 'database optimize failed')), 60 * 60_000);
  statistics.unref();

  const server = await new Promise<Server>((resolve) => {
    const s = app.express.listen(config.port, config.host, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, database: db.dialect, sharedState: app.shared.backend, backgroundJobs: config.backgroundJobs }, `Refcut listening on http://localhost:${port} (public URL ${config.publicUrl})`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('shutting down: draining in-flight requests');
      clearInterval(sweeper);
      clearInterval(statistics);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await (jobsThread ? jobsThread.stop() : app.jobs.stop());
      await redis?.client.close();
      await db.close();
      logger.info('stopped');
    })());
  return { server, stop, app, db };
}

async function main(): Promise<void> {
  const config = readConfig();
  if (config.webConcurrency > 1 && cluster.isPrimary) {
    // Migrate once in the primary, then fork workers that share the database (and the port).
    const logger = createLogger(config.logLevel);
    const db = createDb(config.databaseUrl, { poolSize: config.databasePoolSize });
    await migrateToLatest(db.kysely);
    await db.close();
    const startedAt = new Map<number, number>();
    const pendingForks = new Set<NodeJS.Timeout>();
    let delayMs = 0;
    let stopping = false;
    const fork = () => startedAt.set(cluster.fork().id, Date.now());
    for (let i = 0; i < config.webConcurrency; i++) fork();
    cluster.on('exit', (worker, code, signal) => {
      const uptimeMs = Date.now() - (startedAt.get(worker.id) ?? 0);
      startedAt.delete(worker.id);
      if (stopping || signal === 'SIGTERM' || code === 0) return;
      delayMs = restartDelay(delayMs, uptimeMs);
      logger.error({ pid: worker.process.pid, exit: signal ?? code, uptimeMs, restartInMs: delayMs }, delayMs > 0 ? `worker died ${(uptimeMs / 1000).toFixed(1)} s after starting; starting another in ${delayMs / 1000} s` : 'worker died; starting another');
      if (delayMs === 0) return void fork();
      const timer = setTimeout(() => {
        pendingForks.delete(timer);
        if (!stopping) fork();
      }, delayMs);
      pendingForks.add(timer);
    });
    const shutdown = () => {
      stopping = true;
      for (const t of pendingForks) clearTimeout(t);
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    };
    process.on('SIGTERM', shutdown);
    process.on('SIGINT', shutdown);
    return;
  }
  const { stop } = await start(config);
  const onSignal = () => void stop().then(() => process.exit(0), () => process.exit(1));
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
