import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type Stripe from 'stripe';
import { settle, signUpMerchant, type SignedUpMerchant } from '../helpers/app';
import { createTestDb, testDialect } from '../helpers/db';
import { buildTestAppWithStripe, connectStripe, deliver, type StripeTestApp } from '../helpers/stripe';
import { build } from '../fake-stripe';
import type { Db } from '../../db';

let t: StripeTestApp;
let m: SignedUpMerchant;
let account: string;
let events: Stripe.Event[];
let tmpDir: string | undefined;

/** 150 events from `from` on (two pages of 100), and one from ten days before. */
async function arrange(opts: { db?: Db; from?: number } = {}) {
  t = await buildTestAppWithStripe({ db: opts.db });
  m = await signUpMerchant(t);
  account = await connectStripe(t, m);
  const from = opts.from ?? Date.parse('2026-11-20T00:00:00Z');
  events = Array.from({ length: 150 }, (_, i) => build.event('payment_intent.created', build.paymentIntent(), { account, created: new Date(from + i * 60_000) }));
  const tooOld = build.event('payment_intent.created', build.paymentIntent(), { account, created: new Date(from - 10 * 86_400_000) });
  t.fake.put(account, ...events, tooOld);
}
afterEach(async () => {
  await t.close();
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  tmpDir = undefined;
});

const count = async () => Number((await t.db.kysely.selectFrom('stripeEvents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const flash = (html: string) => /<p class="flash ok" role="status">([^<]*)<\/p>/.exec(html)?.[1];

describe('catching up from the events page', () => {
  it('lists the account\'s events as that account, page by page, stores only the missing ones, and adds nothing the second time', async () => {
    await arrange();
    for (const e of events.slice(0, 2)) await deliver(t, e);
    await settle(t);
    t.fake.clearRequests();

    const res = await m.browser.submit('/events/sync', { since: '2026-11-15' }, '/events');
    expect(res.status).toBe(303);
    expect(flash((await m.browser.agent.get('/events')).text)).toBe('Checked 150 events since 2026-11-15: 148 new.');
    const listed = t.fake.requestsTo('/v1/events');
    expect(listed.map((r) => ({ account: r.stripeAccount, query: r.query }))).toEqual([
      { account, query: { created: { gte: String(Date.parse('2026-11-15T00:00:00Z') / 1000) }, limit: '100' } },
      { account, query: { created: { gte: String(Date.parse('2026-11-15T00:00:00Z') / 1000) }, limit: '100', starting_after: expect.stringMatching(/^evt_/) } },
    ]);
    await settle(t);
    expect(await count()).toBe(150);
    const statuses = await t.db.kysely.selectFrom('stripeEvents').select(['status', 'source']).execute();
    expect(statuses.filter((s) => s.source === 'sync')).toHaveLength(148);
    expect(statuses.every((s) => s.status === 'ignored')).toBe(true);

    await m.browser.submit('/events/sync', { since: '2026-11-15' }, '/events');
    expect(flash((await m.browser.agent.get('/events')).text)).toBe('Checked 150 events since 2026-11-15: 0 new.');
    expect(await count()).toBe(150);
  });

  it('reaches back 30 days at most, as far as Stripe keeps events', async () => {
    await arrange();
    await m.browser.submit('/events/sync', { since: '2026-01-01' }, '/events');
    const [first] = t.fake.requestsTo('/v1/events');
    expect(first!.query.created).toEqual({ gte: String(Date.parse('2026-10-26T12:00:00Z') / 1000) });
    expect(await count()).toBe(151);
  });

  it('refuses a date that is not a date, and needs a connection', async () => {
    await arrange();
    const bad = await m.browser.submit('/events/sync', { since: 'last week' }, '/events');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a date as YYYY-MM-DD.');
    const other = await signUpMerchant(t);
    expect((await other.browser.submit('/events/sync', { since: '2026-11-15' }, '/events')).status).toBe(409);
    expect(t.fake.requestsTo('/v1/events')).toHaveLength(0);
  });
});

describe('catching up from the command line', () => {
  it('npm run stripe:sync stores and processes the missed events, and adds nothing when run again', async () => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'refcut-sync-'));
    const file = path.join(tmpDir, 'app.db');
    // The script runs on the real clock, so the events are recent in real time.
    const day = 86_400_000;
    const since = new Date(Math.floor(Date.now() / day) * day - 5 * day).toISOString().slice(0, 10);
    await arrange({ db: await createTestDb({ file }), from: Date.parse(`${since}T00:00:00Z`) + day });
    const schema = testDialect === 'postgres' ? /search_path=(\S+)/.exec(String((t.db.pool as unknown as { options: { options?: string } }).options.options))?.[1] : undefined;
    const databaseUrl = schema ? `${process.env.TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}` : file;
    const run = () =>
      promisify(execFile)(path.join(process.cwd(), 'node_modules/.bin/tsx'), ['scripts/stripe-sync.ts', '--account', account, '--since', since], {
        env: { PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_URL: databaseUrl, STRIPE_API_BASE: t.fake.url, STRIPE_SECRET_KEY: 'sk_test_platform_key', LOG_LEVEL: 'silent' },
        timeout: 60_000,
      });
    const first = await run();
    expect(first.stdout).toContain(`${account}: 150 events since ${since}, 150 new; 150 processed.`);
    expect(await count()).toBe(150);
    const second = await run();
    expect(second.stdout).toContain(`${account}: 150 events since ${since}, 0 new; 0 processed.`);
    expect(await count()).toBe(150);
    expect(t.fake.requestsTo('/v1/events').every((r) => r.stripeAccount === account && r.authorization === 'Bearer sk_test_platform_key')).toBe(true);
  });
});
