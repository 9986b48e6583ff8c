import type { LookupFunction } from 'node:net';
import type Stripe from 'stripe';
import type { Db } from '../db';
import type { Config } from './config';
import type { Clock } from './lib/clock';
import type { Logger } from './lib/logger';
import type { Jobs } from './jobs';
import type { SharedRedis, SharedState } from './http/shared-state';

/** Everything the app needs from the outside, passed in once (tests pass a temp db, a fake Stripe, a fixed clock). */
export interface AppDeps {
  db: Db;
  config: Config;
  clock: Clock;
  stripe: Stripe;
  logger: Logger;
  /** Resolves host names for outbound webhooks (tests pass a fake to simulate DNS); default: the system resolver. */
  dnsLookup?: LookupFunction;
  /** Sessions and rate-limit counters go to this Redis when given (REDIS_URL); otherwise to the database. */
  redis?: SharedRedis;
}

/** What features receive: the dependencies plus the process's background job runner (to kick work). */
export interface AppContext extends AppDeps {
  jobs: Jobs;
  /** Sessions and rate-limit counters, shared by every process (server/http/shared-state.ts). */
  shared: SharedState;
}
