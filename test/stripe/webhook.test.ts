import request from 'supertest';
import { sql } from 'kysely';
import { settle, signUpMerchant, TEST_WEBHOOK_SECRET, TEST_WEBHOOK_SECRET_2 } from '../helpers/app';
import { buildTestAppWithStripe, connectStripe, deliver, storedEvent, type StripeTestApp } from '../helpers/stripe';
import { build } from '../fake-stripe';

let t: StripeTestApp;
let account: string;
let merchantId: string;
beforeEach(async () => {
  t = await buildTestAppWithStripe();
  const m = await signUpMerchant(t);
  merchantId = m.merchantId;
  account = await connectStripe(t, m);
});
afterEach(() => t.close());

const countEvents = async () => Number((await t.db.kysely.selectFrom('stripeEvents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
/** An event of a type Refcut has no handler for, so these tests do not depend on what handlers do. */
const unhandled = () => build.event('payment_intent.created', build.paymentIntent(), { account });

describe('signature verification', () => {
  it('stores a correctly signed event and acknowledges it at once', async () => {
    const e = unhandled();
    const res = await deliver(t, e);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true });
    const row = await storedEvent(t, e.id);
    expect(row).toMatchObject({ accountId: account, merchantId, type: 'payment_intent.created', objectId: e.data.object.id, livemode: 0, apiVersion: '2026-10-28.endive', created: '2026-11-25T12:00:00.000Z', source: 'webhook', receivedAt: '2026-11-25T12:00:00.000Z' });
    expect(JSON.parse(row.payload)).toEqual(e);
  });

  it('refuses a delivery with no Stripe-Signature header', async () => {
    const res = await request(t.http).post('/webhooks/stripe').set('Content-Type', 'application/json').send(JSON.stringify(unhandled()));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('signature_invalid');
    expect(await countEvents()).toBe(0);
  });

  it('refuses a signature made with another secret', async () => {
    const res = await deliver(t, unhandled(), { secret: 'whsec_someone_else' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('No signatures found matching the expected signature');
    expect(await countEvents()).toBe(0);
  });

  it('accepts the second secret while a rotation is in progress', async () => {
    const e = unhandled();
    expect(TEST_WEBHOOK_SECRET_2).not.toBe(TEST_WEBHOOK_SECRET);
    expect((await deliver(t, e, { secret: TEST_WEBHOOK_SECRET_2 })).status).toBe(200);
    expect((await storedEvent(t, e.id)).id).toBe(e.id);
  });

  it('refuses a signature older than five minutes (replays), by the app clock', async () => {
    const fiveMinutesAndASecondAgo = Math.floor(t.clock.now().getTime() / 1000) - 301;
    const res = await deliver(t, unhandled(), { timestamp: fiveMinutesAndASecondAgo });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('Timestamp outside the tolerance zone');
    expect((await deliver(t, unhandled(), { timestamp: fiveMinutesAndASecondAgo + 2 })).status).toBe(200);
  });

  it('refuses a body changed after signing', async () => {
    const e = unhandled();
    const tampered = JSON.stringify({ ...e, data: { object: { ...e.data.object, amount: 999_999 } } });
    const res = await deliver(t, e, { body: tampered });
    expect(res.status).toBe(400);
    expect(await countEvents()).toBe(0);
  });

  it.each([
    ['JSON that is not an event', { hello: 'world' }],
    ['an event without data', { id: 'evt_1', object: 'event', type: 'invoice.paid', created: 1, livemode: false }],
  ])('refuses %s, even when correctly signed', async (_label, body) => {
    const res = await deliver(t, body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('not a Stripe event');
    expect(await countEvents()).toBe(0);
  });

  it('answers 500 (so Stripe retries) when the event cannot be stored', async () => {
    await sql`drop table stripe_events`.execute(t.db.kysely);
    const res = await deliver(t, unhandled());
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('internal_error');
  });
});

describe('duplicate delivery', () => {
  it('answers 200 again and keeps one row, processed once', async () => {
    const e = unhandled();
    expect((await deliver(t, e)).status).toBe(200);
    await settle(t);
    const first = await storedEvent(t, e.id);
    t.clock.advance(5_000);
    expect((await deliver(t, e)).status).toBe(200);
    await settle(t);
    expect(await countEvents()).toBe(1);
    expect(await storedEvent(t, e.id)).toEqual(first);
    expect(t.logs.filter((l) => l.msg === 'stripe webhook received').map((l) => l.duplicate)).toEqual([false, true]);
  });
});

describe('events that are stored but not applied', () => {
  it('keeps an event from an account no merchant connected, answers 200, and ignores it', async () => {
    const e = build.event('payment_intent.created', build.paymentIntent(), { account: 'acct_1Stranger' });
    expect((await deliver(t, e)).status).toBe(200);
    await settle(t);
    expect(await storedEvent(t, e.id)).toMatchObject({ merchantId: null, status: 'ignored', ignoredReason: 'unknown_account', attempts: 1 });
  });

  it('keeps an event type no handler knows, answers 200, and ignores it until one exists', async () => {
    const e = unhandled();
    expect((await deliver(t, e)).status).toBe(200);
    await settle(t);
    expect(await storedEvent(t, e.id)).toMatchObject({ merchantId, status: 'ignored', ignoredReason: 'no_handler', processedAt: '2026-11-25T12:00:00.000Z' });
    const logged = t.logs.find((l) => l.msg === 'stripe event ignored');
    expect(logged).toMatchObject({ eventId: e.id, accountId: account, type: 'payment_intent.created', reason: 'no_handler' });
  });

  it('ignores the platform\'s own events (no account)', async () => {
    const e = build.event('payment_intent.created', build.paymentIntent(), { account: null });
    expect((await deliver(t, e)).status).toBe(200);
    await settle(t);
    expect(await storedEvent(t, e.id)).toMatchObject({ accountId: null, status: 'ignored', ignoredReason: 'no_account' });
  });
});

describe('test and live mode', () => {
  it('keeps a test-mode event of a live connection apart: stored, shown, never applied', async () => {
    const live = await signUpMerchant(t);
    const liveAccount = await connectStripe(t, live, { livemode: true });
    const sub = build.subscription({ livemode: false });
    t.fake.put(liveAccount, sub);
    const e = build.event('customer.subscription.updated', sub, { account: liveAccount, livemode: false });
    expect((await deliver(t, e)).status).toBe(200);
    await settle(t);
    expect(await storedEvent(t, e.id)).toMatchObject({ merchantId: live.merchantId, livemode: 0, status: 'ignored', ignoredReason: 'livemode_mismatch' });
    expect(await t.db.kysely.selectFrom('stripeSubscriptions').selectAll().execute()).toEqual([]);
    expect(t.fake.requestsTo('/v1/subscriptions')).toHaveLength(0);
    const page = await live.browser.agent.get('/events');
    expect(page.text).toContain('customer.subscription.updated');
    expect(page.text).toContain('Other mode than the connection');
  });
});
