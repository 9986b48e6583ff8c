import { Writable } from 'node:stream';
import type Stripe from 'stripe';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp, type App } from '../../server/app';
import type { AppDeps } from '../../server/deps';
import { parseConfig, type Config } from '../../server/config';
import { FixedClock } from '../../server/lib/clock';
import { createLogger } from '../../server/lib/logger';
import { createStripe } from '../../server/stripe/client';
import type { Db } from '../../db';
import { createTestDb } from './db';

export interface TestApp {
  app: App;
  http: App['express'];
  db: Db;
  clock: FixedClock;
  config: Config;
  stripe: Stripe;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  rawLogs: string[];
  close(): Promise<void>;
}

export const TEST_WEBHOOK_SECRET = 'whsec_test_primary_secret';
export const TEST_WEBHOOK_SECRET_2 = 'whsec_test_rotated_secret';

export async function buildTestApp(
  options: { env?: Record<string, string>; db?: Db; clock?: FixedClock; dnsLookup?: AppDeps['dnsLookup']; redis?: AppDeps['redis'] } = {},
): Promise<TestApp> {
  const db = options.db ?? (await createTestDb());
  const clock = options.clock ?? new FixedClock();
  const config = parseConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: 'http://refcut.test',
    SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123',
    STRIPE_SECRET_KEY: 'sk_test_platform_key',
    STRIPE_CLIENT_ID: 'ca_test_platform',
    STRIPE_WEBHOOK_SECRET: `${TEST_WEBHOOK_SECRET},${TEST_WEBHOOK_SECRET_2}`,
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const rawLogs: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      const line = String(chunk);
      rawLogs.push(line);
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        /* not JSON: keep the raw line only */
      }
      cb();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const stripe = createStripe(config, { maxNetworkRetries: 0 });
  const app = createApp({ db, config, clock, stripe, logger, dnsLookup: options.dnsLookup, redis: options.redis });
  return {
    app,
    http: app.express,
    db,
    clock,
    config,
    stripe,
    logs,
    rawLogs,
    close: async () => {
      await db.close();
    },
  };
}

/** The CSRF token of the first form on a page. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no CSRF token on the page');
  return m[1];
}

export type Agent = InstanceType<typeof TestAgent>;

/** A cookie-keeping browser stand-in; `csrf()` loads a page and returns its token. */
export function browser(t: TestApp) {
  const agent = request.agent(t.http);
  return {
    agent,
    async csrf(path = '/login'): Promise<string> {
      const res = await agent.get(path);
      return csrfFrom(res.text);
    },
    /** POST a form with a fresh CSRF token taken from `from`. */
    async submit(path: string, fields: Record<string, string>, from = path) {
      const token = await this.csrf(from);
      return agent.post(path).type('form').send({ ...fields, _csrf: token });
    },
  };
}
export type Browser = ReturnType<typeof browser>;

let seq = 0;
/** Sign up a merchant through the real form; returns its logged-in browser and ids. */
export async function signUpMerchant(t: TestApp, overrides: { name?: string; email?: string; password?: string } = {}) {
  seq += 1;
  const b = browser(t);
  const email = overrides.email ?? `owner${seq}-${Date.now()}@merchant${seq}.test`;
  const res = await b.submit('/signup', { name: overrides.name ?? `Merchant ${seq}`, email, password: overrides.password ?? 'correct horse battery' });
  if (res.status !== 303) throw new Error(`sign-up failed: ${res.status} ${res.text.slice(0, 500)}`);
  const user = await t.db.kysely.selectFrom('users').select('id').where('email', '=', email.toLowerCase()).executeTakeFirstOrThrow();
  const m = await t.db.kysely
    .selectFrom('memberships')
    .innerJoin('merchants', 'merchants.id', 'memberships.merchantId')
    .select(['merchants.id', 'merchants.publicId'])
    .where('memberships.userId', '=', user.id)
    .executeTakeFirstOrThrow();
  return { browser: b, email, userId: user.id, merchantId: m.id, publicId: m.publicId };
}
export type SignedUpMerchant = Awaited<ReturnType<typeof signUpMerchant>>;

/** Wait until background jobs (webhook processing, deliveries) have nothing left to do. */
export const settle = (t: TestApp) => t.app.jobs.drain();
