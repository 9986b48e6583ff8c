// Stripe failing while events are processed: 500s, 429 with Retry-After, requests that hang past the
// client's timeout, 404 for a deleted customer, an account that revoked access. Events are acknowledged
// anyway, retried with backoff and finish, or end failed with a clear error; nothing is ever credited
// or reversed from the half of the data that did arrive.
import type Stripe from 'stripe';
import { build, type Fault, type RecordedRequest } from '../fake-stripe';
import { settle, signUpMerchant, type SignedUpMerchant } from '../helpers/app';
import { connectStripe, deliver, storedEvent, type StripeTestApp } from '../helpers/stripe';
import { buildPartner } from '../helpers/partners';
import { expectLedgerConsistent, seeded } from '../helpers/reliability';
import { MAX_ATTEMPTS } from '../../server/stripe/backoff';
import { buildFaultApp, STRIPE_TIMEOUT_MS } from './fault-app';
import { generateStorm } from './storm';
import { diffSnapshots, ledgerSnapshot, stormWorld } from './storm-world';
import { FixedClock } from '../../server/lib/clock';

const ev = build.event;
const MINUTE = 60_000;
let t: StripeTestApp;
let m: SignedUpMerchant;
let account: string;

beforeEach(async () => {
  t = await buildFaultApp();
  m = await signUpMerchant(t);
  account = await connectStripe(t, m);
  await buildPartner(t.db.kysely, m.merchantId, { code: 'jane', email: 'jane@partners.test' });
  await settle(t);
  t.fake.clearRequests();
});
afterEach(() => t.close());

const send = async (...events: Stripe.Event[]) => {
  for (const e of events) expect((await deliver(t, e)).status).toBe(200);
  await settle(t);
};
const rows = () => t.db.kysely.selectFrom('commissions').select(['kind', 'ledgerKey', 'amount', 'status']).orderBy('createdAt').orderBy('kind').execute();
const conversions = () => t.db.kysely.selectFrom('conversions').select(['sourceKey', 'partnerId', 'unattributedReason']).execute();
/** Let the retry come due and run. */
const retry = async (ms = MINUTE) => {
  t.clock.advance(ms);
  await settle(t);
};
const to = (path: string) => (r: RecordedRequest) => r.path.startsWith(path);

/** A paid $30 one-off sale referred by Jane (commission 600), with its charge in the fake. */
async function sale() {
  const pi = build.paymentIntent({ amount: 3000 });
  const charge = build.charge({ amount: 3000, payment_intent: pi.id });
  t.fake.put(account, pi, charge);
  await send(ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'jane', amount_total: 3000, payment_intent: pi.id }), { account }));
  return { pi, charge };
}

describe('a Stripe call failing in the middle of a handler', () => {
  it('writes no reversal for a lost dispute until the charge’s refunds can be read, then the exact one', async () => {
    const { pi, charge } = await sale();
    const refund = build.refund({ charge: charge.id, payment_intent: pi.id, amount: 1000 });
    const dispute = build.dispute({ charge: charge.id, payment_intent: pi.id, amount: 2000, status: 'lost' });
    t.fake.put(account, refund, dispute);
    t.fake.failNext(1, { status: 500 }, to(`/v1/charges/${charge.id}`));
    const closed = ev('charge.dispute.closed', dispute, { account });
    await send(closed);
    expect(await storedEvent(t, closed.id)).toMatchObject({ status: 'failed', lastError: 'StripeAPIError: An unknown error occurred (injected by the fake).' });
    expect((await rows()).filter((r) => r.kind === 'reversal')).toEqual([]);

    await retry();
    expect((await storedEvent(t, closed.id)).status).toBe('processed');
    // 600 − the refund’s share (round(600 × 1000 ÷ 3000) = 200), whether or not the refund event came yet.
    expect((await rows()).filter((r) => r.kind === 'reversal').map((r) => [r.ledgerKey, r.amount])).toEqual([[`dispute:${dispute.id}`, -400]]);
    await send(ev('charge.refunded', { ...charge, amount_refunded: 1000 }, { account }));
    expect((await rows()).reduce((s, r) => s + r.amount, 0)).toBe(0);
    await expectLedgerConsistent(t.db, { now: t.clock.now() });
  });

  it('records no unattributed sale when the attribution lookup times out, and credits it on the retry', async () => {
    const customer = build.customer();
    const sub = build.subscription({ customer: customer.id });
    const session = build.checkoutSession({ mode: 'subscription', customer: customer.id, subscription: sub.id, payment_intent: null, client_reference_id: 'jane' });
    t.fake.put(account, customer, sub, session);
    const invoice = build.invoice({ customer: customer.id, subscription: sub.id, amount_paid: 5000, total: 5000, total_excluding_tax: 5000 });
    t.fake.failNext(1, { hang: true }, to('/v1/checkout/sessions'));
    const paid = ev('invoice.paid', invoice, { account });
    await send(paid);
    const stored = await storedEvent(t, paid.id);
    expect(stored.status).toBe('failed');
    expect(stored.lastError).toMatch(/^StripeConnectionError: .*(timed out|timeout)/i);
    expect(await conversions()).toEqual([]);

    await retry();
    expect(await conversions()).toEqual([{ sourceKey: `in:${invoice.id}`, partnerId: expect.stringMatching(/^aff_/), unattributedReason: null }]);
    expect((await rows()).map((r) => [r.kind, r.amount])).toEqual([['credit', 1000]]);
  });

  it('claws back a refund after a 429 with Retry-After, once', async () => {
    const { pi, charge } = await sale();
    t.fake.put(account, build.refund({ charge: charge.id, payment_intent: pi.id, amount: 3000 }));
    t.fake.failNext(1, { status: 429, retryAfter: 2 }, to('/v1/refunds'));
    const refunded = ev('charge.refunded', { ...charge, amount_refunded: 3000, refunded: true }, { account });
    await send(refunded);
    expect(await storedEvent(t, refunded.id)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('StripeRateLimitError') });
    expect((await rows()).filter((r) => r.kind === 'reversal')).toEqual([]);
    await retry();
    await send(refunded); // Stripe delivers it again too: nothing more
    expect((await rows()).filter((r) => r.kind === 'reversal').map((r) => r.amount)).toEqual([-600]);
  });

  it('keeps a sale of a deleted customer (404) as unattributed, with nothing credited', async () => {
    const invoice = build.invoice({ customer: 'cus_deleted', amount_paid: 4000, total: 4000, total_excluding_tax: 4000 });
    const paid = ev('invoice.paid', invoice, { account });
    await send(paid);
    expect(await storedEvent(t, paid.id)).toMatchObject({ status: 'processed', lastError: null });
    expect(t.fake.requestsTo('/v1/customers/cus_deleted')).toHaveLength(1);
    expect(await conversions()).toEqual([{ sourceKey: `in:${invoice.id}`, partnerId: null, unattributedReason: 'no_referral_value' }]);
    expect(await rows()).toEqual([]);
  });
});

describe('failures that do not go away', () => {
  it('end failed with the error when the merchant revoked access, without retrying for days', async () => {
    const { charge } = await sale();
    t.fake.revoke(account);
    const refunded = ev('refund.created', build.refund({ charge: charge.id, amount: 500 }), { account });
    await send(refunded);
    expect(await storedEvent(t, refunded.id)).toMatchObject({ status: 'failed', nextAttemptAt: null, attempts: 1, lastError: expect.stringMatching(/^StripePermissionError: .*does not have access to account/) });
    await expectLedgerConsistent(t.db, { now: t.clock.now() });
  });

  it('give up after the last attempt, keeping the error for the events page', async () => {
    const { charge } = await sale();
    t.fake.failNext(1000, { status: 503, message: 'Stripe is down for maintenance.' }, to('/v1/charges/'));
    const refunded = ev('refund.created', build.refund({ charge: charge.id, amount: 500 }), { account });
    await send(refunded);
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) await retry(6 * 60 * MINUTE);
    expect(await storedEvent(t, refunded.id)).toMatchObject({ status: 'failed', nextAttemptAt: null, attempts: MAX_ATTEMPTS, lastError: 'StripeAPIError: Stripe is down for maintenance.' });
    expect((await rows()).filter((r) => r.kind === 'reversal')).toEqual([]);
    await expectLedgerConsistent(t.db, { now: t.clock.now() });
  });
});

describe('a storm while Stripe misbehaves', () => {
  it('ends with the ledger of a clean run once the retries are through', async () => {
    const storm = generateStorm(77, 250, new FixedClock().now());
    const w = await stormWorld(storm, { app: buildFaultApp });
    const rng = seeded(78);
    const faults: Fault[] = [{ status: 500 }, { status: 503 }, { status: 429, retryAfter: 1 }, { hang: true }];
    let injected = 0;
    // About one Stripe call in six fails, whatever it is. (No random 404s: every object here exists, and a
    // 404 for an existing object is a lie the ledger cannot tell from a deletion.)
    for (const fault of faults) w.t.fake.failNext(1_000_000, fault, () => rng.chance(1 / 24) && ++injected > 0);
    try {
      const stats = await w.deliver(rng.shuffle(storm.events), { concurrency: 4 });
      expect(stats.statuses).toEqual({ 200: storm.events.length });
      await w.settle();
      let rounds = 0;
      while ((await w.t.db.kysely.selectFrom('stripeEvents').select('id').where('status', '=', 'failed').where('nextAttemptAt', 'is not', null).execute()).length > 0) {
        w.t.clock.advance(6 * 60 * MINUTE);
        await w.settle();
        rounds += 1;
      }
      const failedForGood = await w.t.db.kysely.selectFrom('stripeEvents').select(['id', 'lastError']).where('status', '=', 'failed').execute();
      expect(failedForGood).toEqual([]);
      expect(injected).toBeGreaterThan(10);
      const clean = await stormWorld(storm);
      try {
        await clean.deliver(storm.events);
        clean.t.clock.set(w.t.clock.now());
        await clean.settle();
        expect(diffSnapshots(await ledgerSnapshot(clean.t.db), await ledgerSnapshot(w.t.db)).filter((d) => !d.startsWith('events '))).toEqual([]);
      } finally {
        await clean.close();
      }
      await expectLedgerConsistent(w.t.db, { now: w.t.clock.now() });
      console.log(`stripe faults: ${storm.events.length} events, ${injected} Stripe calls failed (500, 503, 429, hang > ${STRIPE_TIMEOUT_MS} ms), ${rounds} retry rounds, 0 failed for good, 0 differences`);
    } finally {
      await w.close();
    }
  }, 180_000);
});
