// The test app wired to the fake Stripe, signed webhook delivery, and an OAuth connection through HTTP.
import request from 'supertest';
import type Stripe from 'stripe';
import { FakeStripe, setBuilderClock } from '../fake-stripe';
import { buildTestApp, TEST_WEBHOOK_SECRET, type SignedUpMerchant, type TestApp } from './app';
import type { Db } from '../../db';
import type { FixedClock } from '../../server/lib/clock';

export interface StripeTestApp extends TestApp {
  fake: FakeStripe;
}

/** A test app whose Stripe SDK talks to a fresh fake Stripe; builders' default `created` follows the fixed clock. */
export async function buildTestAppWithStripe(options: { env?: Record<string, string>; db?: Db; clock?: FixedClock } = {}): Promise<StripeTestApp> {
  const fake = await FakeStripe.start();
  const t = await buildTestApp({ ...options, env: { STRIPE_API_BASE: fake.url, STRIPE_CONNECT_BASE: 'https://connect.stripe.test', ...options.env } }).catch(async (err: unknown) => {
    await fake.close();
    throw err;
  });
  setBuilderClock(() => t.clock.now());
  const closeApp = t.close;
  return Object.assign(t, {
    fake,
    close: async () => {
      await t.app.jobs.stop();
      await fake.close();
      await closeApp();
    },
  });
}

/**
 * POST an event to the webhook exactly as Stripe would: the raw JSON, signed with
 * `generateTestHeaderString` at the app clock's current time (or `timestamp`, in seconds).
 * `body` sends something other than what was signed (a tampered delivery).
 */
export function deliver(t: TestApp, event: Stripe.Event | Record<string, unknown>, opts: { secret?: string; timestamp?: number; body?: string } = {}) {
  const signed = JSON.stringify(event);
  const header = t.stripe.webhooks.generateTestHeaderString({
    payload: signed,
    secret: opts.secret ?? TEST_WEBHOOK_SECRET,
    timestamp: opts.timestamp ?? Math.floor(t.clock.now().getTime() / 1000),
  });
  return request(t.http).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(opts.body ?? signed);
}

let codes = 0;
/**
 * Connect a Stripe account to the merchant through the real OAuth flow: follow /connect/stripe to the
 * authorize URL, let the fake issue a code for `account`, and come back to the callback.
 */
export async function connectStripe(t: StripeTestApp, merchant: SignedUpMerchant, opts: { account?: string; livemode?: boolean } = {}): Promise<string> {
  const account = opts.account ?? t.fake.addAccount();
  const start = await merchant.browser.agent.get('/connect/stripe');
  if (start.status !== 302) throw new Error(`/connect/stripe answered ${start.status}: ${start.text.slice(0, 300)}`);
  const state = new URL(start.headers.location!).searchParams.get('state');
  codes += 1;
  const code = t.fake.oauthCode(`ac_test_${codes}_${Date.now()}`, { account, livemode: opts.livemode ?? false });
  const back = await merchant.browser.agent.get(`/connect/stripe/callback?${new URLSearchParams({ code, state: state ?? '', scope: 'read_write' })}`);
  if (back.status !== 303) throw new Error(`callback answered ${back.status}: ${back.text.slice(0, 300)}`);
  return account;
}

/** The stored row of one event (tests assert on status, attempts, errors). */
export const storedEvent = (t: TestApp, id: string) => t.db.kysely.selectFrom('stripeEvents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
