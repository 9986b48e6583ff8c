import type Stripe from 'stripe';
import { settle, signUpMerchant, type SignedUpMerchant } from '../helpers/app';
import { reopen, testDialect } from '../helpers/db';
import { buildTestAppWithStripe, connectStripe, deliver, storedEvent, type StripeTestApp } from '../helpers/stripe';
import { build } from '../fake-stripe';
import { createEventWorker } from '../../server/stripe/worker';
import { storeEvent } from '../../server/stripe/service';
import { claimEvent, finishEvent } from '../../server/stripe/store';
import { createLogger } from '../../server/lib/logger';
import type { HandlerMap } from '../../server/stripe/handlers';

let t: StripeTestApp;
let m: SignedUpMerchant;
let account: string;
beforeEach(async () => {
  t = await buildTestAppWithStripe();
  m = await signUpMerchant(t);
  account = await connectStripe(t, m);
});
afterEach(() => t.close());

const workerDeps = (db = t.db) => ({ db: db.kysely, clock: t.clock, stripe: t.stripe, logger: createLogger('silent'), jobs: t.app.jobs });
/** Store an event the way the webhook does, without kicking the background job. */
const store = (e: Stripe.Event) => storeEvent({ db: t.db.kysely, clock: t.clock }, e, JSON.stringify(e), 'webhook');
const subscriptionRows = () => t.db.kysely.selectFrom('stripeSubscriptions').selectAll().execute();

describe('a handler that fails', () => {
  it('keeps and acknowledges the event, marks it failed with the error, retries it after the backoff, and applies it once', async () => {
    const sub = build.subscription({ customer: 'cus_1Retry' });
    t.fake.put(account, sub);
    t.fake.failNext(1, { status: 500 }, (r) => r.path.startsWith('/v1/subscriptions/'));
    const e = build.event('customer.subscription.created', sub, { account });

    expect((await deliver(t, e)).status).toBe(200);
    await settle(t);
    expect(await storedEvent(t, e.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'StripeAPIError: An unknown error occurred (injected by the fake).',
      nextAttemptAt: '2026-11-25T12:01:00.000Z',
      lockedBy: null,
    });
    expect(await subscriptionRows()).toEqual([]);

    // Not before its time.
    t.clock.advance(59_000);
    await settle(t);
    expect((await storedEvent(t, e.id)).status).toBe('failed');

    t.clock.advance(1_000);
    await settle(t);
    expect(await storedEvent(t, e.id)).toMatchObject({ status: 'processed', attempts: 2, processedAt: '2026-11-25T12:01:00.000Z', nextAttemptAt: null });
    expect(await subscriptionRows()).toHaveLength(1);

    // Nothing more happens later: each attempt read the subscription once, as the connected account.
    t.clock.advanceDays(1);
    await settle(t);
    const reads = t.fake.requestsTo(`/v1/subscriptions/${sub.id}`);
    expect(reads.map((r) => r.stripeAccount)).toEqual([account, account]);
    expect((await storedEvent(t, e.id)).attempts).toBe(2);
  });

  it('waits twice as long after each failure', async () => {
    const sub = build.subscription();
    t.fake.put(account, sub);
    t.fake.failNext(2, { status: 503 });
    const e = build.event('customer.subscription.updated', sub, { account });
    await deliver(t, e);
    await settle(t);
    t.clock.advance(60_000);
    await settle(t);
    expect(await storedEvent(t, e.id)).toMatchObject({ status: 'failed', attempts: 2, nextAttemptAt: '2026-11-25T12:03:00.000Z' });
  });

  it('stops retrying on a timer when Stripe refuses the account, until someone re-runs it', async () => {
    const inv = build.invoice();
    t.fake.put(account, inv);
    const handlers: HandlerMap = {
      'invoice.paid': async (h, event) => {
        await h.stripe.invoices.retrieve((event.data.object as Stripe.Invoice).id, { expand: ['payments'] }, h.requestOptions);
      },
    };
    const worker = createEventWorker(workerDeps(), { handlers });
    const e = build.event('invoice.paid', inv, { account });
    await store(e);
    t.fake.revoke(account);
    expect(await worker.run()).toBe(1);
    expect(await storedEvent(t, e.id)).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null, lastError: expect.stringContaining('does not have access to account') });
    t.clock.advanceDays(3);
    expect(await worker.run()).toBe(0);

    // Access restored: the merchant re-runs it from the events page. (The app's own job runner is
    // stopped so that this test's worker, with its handler, is the one that picks it up.)
    await t.app.jobs.stop();
    t.fake.addAccount(account, { connected: true });
    const res = await m.browser.submit(`/events/${e.id}/rerun`, {}, '/events');
    expect(res.status).toBe(303);
    expect((await storedEvent(t, e.id)).status).toBe('pending');
    expect(await worker.run()).toBe(1);
    expect(await storedEvent(t, e.id)).toMatchObject({ status: 'processed', attempts: 2 });
  });
});

describe('claiming', () => {
  it('lets two workers (two processes on PostgreSQL) process each stored event exactly once', async () => {
    const events = Array.from({ length: 30 }, (_, i) => build.event('invoice.paid', build.invoice(), { account, created: 1_790_000_000 + i }));
    for (const e of events) await store(e);
    const handled: string[] = [];
    const handlers: HandlerMap = {
      'invoice.paid': async (_h, event) => {
        handled.push(event.id);
        await new Promise((r) => setImmediate(r));
      },
    };
    const second = testDialect === 'postgres' ? reopen(t.db) : t.db;
    try {
      const workers = [createEventWorker(workerDeps(), { handlers, batchSize: 4 }), createEventWorker(workerDeps(second), { handlers, batchSize: 4 })];
      const drain = async (w: (typeof workers)[number]) => {
        while ((await w.run()) > 0) {
          /* next batch */
        }
      };
      await Promise.all(workers.map(drain));
    } finally {
      if (second !== t.db) await second.close();
    }
    expect([...handled].sort()).toEqual(events.map((e) => e.id).sort());
    const rows = await t.db.kysely.selectFrom('stripeEvents').select(['status', 'attempts']).execute();
    expect(rows.every((r) => r.status === 'processed' && r.attempts === 1)).toBe(true);
  });

  it('takes over an event whose worker died once its lease runs out, and ignores the dead worker\'s late answer', async () => {
    const sub = build.subscription();
    t.fake.put(account, sub);
    const e = build.event('customer.subscription.created', sub, { account });
    await store(e);
    const now = t.clock.now();
    expect(await claimEvent(t.db.kysely, e.id, now.toISOString(), new Date(now.getTime() + 5 * 60_000).toISOString(), 'lck_dead')).toBe(true);
    await settle(t);
    expect((await storedEvent(t, e.id)).status).toBe('processing');

    t.clock.advance(5 * 60_000);
    await settle(t);
    expect(await storedEvent(t, e.id)).toMatchObject({ status: 'processed', attempts: 2 });
    expect(await finishEvent(t.db.kysely, e.id, 'lck_dead', { status: 'failed', error: 'late', nextAttemptAt: null })).toBe(false);
    expect((await storedEvent(t, e.id)).status).toBe('processed');
  });
});
