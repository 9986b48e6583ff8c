import session from 'express-session';
import type { Store as RateLimitStore } from 'express-rate-limit';
import { RedisStore as RedisRateLimitStore } from 'rate-limit-redis';
import { RedisStore as RedisSessionStore } from 'connect-redis';
import { createClient } from 'redis';
import type { Db } from '../../db';
import type { Logger } from '../lib/logger';
import { DbRateLimitStore } from './rate-limit-store';
import { DbSessionStore } from './session-store';

/**
 * Where sessions and rate-limit counters live when several processes share the work: in the database by
 * default (nothing else to run), or in Redis when `REDIS_URL` is set, which takes one write per page view
 * and per rate-limited request off the database. Webhook-processing claims, job claims, idempotency keys
 * and the ledger always stay in the database: they must commit together with the rows they protect.
 */
export type RedisClient = Awaited<ReturnType<typeof connectRedis>>;

export interface SharedRedis {
  client: RedisClient;
  /** Prepended to every key, so one Redis can serve several installations (and tests run side by side). */
  prefix: string;
}

export interface SharedState {
  /** The express-session store for the UI's sessions. */
  sessionStore: session.Store;
  /** Deletes expired sessions where the store does not expire them by itself (the database store). */
  sweepSessions(): Promise<number>;
  /** A fresh express-rate-limit store whose keys start with `prefix` (one per limiter). */
  rateLimitStore(prefix: string): RateLimitStore;
  backend: 'database' | 'redis';
}

export function sharedState(db: Db, redis?: SharedRedis): SharedState {
  if (!redis) {
    const sessions = new DbSessionStore(db.kysely);
    return {
      sessionStore: sessions,
      sweepSessions: () => sessions.sweep(),
      rateLimitStore: (prefix) => new DbRateLimitStore(db.kysely, prefix),
      backend: 'database',
    };
  }
  const { client, prefix } = redis;
  return {
    // Redis expires each session at its cookie's expiry (connect-redis sets the key's TTL from it).
    sessionStore: new RedisSessionStore({ client, prefix: `${prefix}sess:` }),
    sweepSessions: async () => 0,
    // rate-limit-redis counts with one Lua script per hit (INCR + PEXPIRE), atomic across processes.
    rateLimitStore: (name) => new RedisRateLimitStore({ sendCommand: (...args: string[]) => client.sendCommand(args), prefix: `${prefix}rl:${name}:` }),
    backend: 'redis',
  };
}

/** Connects to `url`; start-up fails with a clear message rather than serving without shared limits. */
export async function connectRedis(url: string, logger: Logger) {
  let connected = false;
  const client = createClient({
    url,
    // Once up, reconnect with a capped back-off; while Redis is away, requests that need it fail (500)
    // instead of queueing without bound. Before the first connection, give up after three tries.
    socket: {
      // (A new Error: node-redis tests `instanceof Error`, which fails for errors from another realm, as in jest.)
      reconnectStrategy: (retries, cause) => (connected ? Math.min(retries * 200, 5_000) : retries >= 3 ? new Error(cause.message) : 200),
      connectTimeout: 5_000,
    },
    disableOfflineQueue: true,
  });
  client.on('ready', () => (connected = true));
  client.on('error', (err) => logger.error({ err }, 'redis connection error'));
  try {
    await client.connect();
  } catch (err) {
    client.destroy();
    throw new Error(`REDIS_URL: could not connect (${(err as Error).message})`);
  }
  return client;
}
