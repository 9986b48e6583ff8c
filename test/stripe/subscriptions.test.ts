import { settle, signUpMerchant, type SignedUpMerchant } from '../helpers/app';
import { buildTestAppWithStripe, connectStripe, deliver, storedEvent, type StripeTestApp } from '../helpers/stripe';
import { build } from '../fake-stripe';

let t: StripeTestApp;
let m: SignedUpMerchant;
let account: string;
beforeEach(async () => {
  t = await buildTestAppWithStripe();
  m = await signUpMerchant(t);
  account = await connectStripe(t, m);
});
afterEach(() => t.close());

const rows = () => t.db.kysely.selectFrom('stripeSubscriptions').selectAll().execute();
const at = (iso: string) => new Date(iso);

describe('subscription state', () => {
  it('records the current state read from Stripe as the connected account, not the possibly stale payload', async () => {
    const sub = build.subscription({ id: 'sub_1State', customer: 'cus_1State', metadata: { referral: 'ANNA' } });
    t.fake.put(account, build.subscription({ ...sub, status: 'past_due' }));
    const e = build.event('customer.subscription.created', sub, { account });
    await deliver(t, e);
    await settle(t);
    expect(await rows()).toEqual([
      {
        merchantId: m.merchantId,
        subscriptionId: 'sub_1State',
        accountId: account,
        customerId: 'cus_1State',
        status: 'past_due',
        livemode: 0,
        currentPeriodEnd: '2026-12-25T12:00:00.000Z',
        cancelAtPeriodEnd: 0,
        canceledAt: null,
        metadata: '{"referral":"ANNA"}',
        updatedFromEventId: e.id,
        updatedFromEventCreated: '2026-11-25T12:00:00.000Z',
        syncedAt: '2026-11-25T12:00:00.000Z',
      },
    ]);
    expect(t.fake.requestsTo('/v1/subscriptions/sub_1State').map((r) => r.stripeAccount)).toEqual([account]);
  });

  it('never lets an older event overwrite what a newer one wrote (out-of-order delivery)', async () => {
    const sub = build.subscription({ id: 'sub_1Order', metadata: { plan: 'v2' } });
    t.fake.put(account, sub);
    const newer = build.event('customer.subscription.updated', sub, { account, created: at('2026-11-25T11:59:00Z') });
    const older = build.event('customer.subscription.created', sub, { account, created: at('2026-11-25T11:58:00Z') });
    await deliver(t, newer);
    await settle(t);
    t.fake.put(account, build.subscription({ ...sub, status: 'canceled', metadata: { plan: 'v3' } }));
    await deliver(t, older);
    await settle(t);
    expect((await storedEvent(t, older.id)).status).toBe('processed');
    expect(await rows()).toMatchObject([{ status: 'active', metadata: '{"plan":"v2"}', updatedFromEventId: newer.id, updatedFromEventCreated: '2026-11-25T11:59:00.000Z' }]);
  });

  it('changes nothing when the same event is processed again', async () => {
    const sub = build.subscription({ id: 'sub_1Again' });
    t.fake.put(account, sub);
    const e = build.event('customer.subscription.updated', sub, { account });
    await deliver(t, e);
    await settle(t);
    const before = await rows();
    t.fake.put(account, build.subscription({ ...sub, status: 'unpaid' }));
    t.clock.advance(60_000);
    expect((await m.browser.submit(`/events/${e.id}/rerun`, {}, '/events')).status).toBe(303);
    await settle(t);
    expect(await storedEvent(t, e.id)).toMatchObject({ status: 'processed', attempts: 2 });
    expect(await rows()).toEqual(before);
  });

  it('takes the later event of the same second, which read Stripe later', async () => {
    const sub = build.subscription({ id: 'sub_1Tie' });
    t.fake.put(account, sub);
    const first = build.event('customer.subscription.updated', sub, { account });
    const second = build.event('customer.subscription.deleted', { ...sub, status: 'canceled' }, { account });
    await deliver(t, first);
    await settle(t);
    t.fake.put(account, build.subscription({ ...sub, status: 'canceled', canceled_at: first.created }));
    await deliver(t, second);
    await settle(t);
    expect(await rows()).toMatchObject([{ status: 'canceled', canceledAt: '2026-11-25T12:00:00.000Z', updatedFromEventId: second.id }]);
  });

  it('falls back to the payload when Stripe no longer lets us read the account (revoked access)', async () => {
    const sub = build.subscription({ id: 'sub_1Gone', status: 'canceled', canceled_at: Date.parse('2026-11-25T11:00:00Z') / 1000, cancel_at_period_end: true });
    t.fake.revoke(account);
    const e = build.event('customer.subscription.deleted', sub, { account });
    await deliver(t, e);
    await settle(t);
    expect(await storedEvent(t, e.id)).toMatchObject({ status: 'processed', attempts: 1 });
    expect(await rows()).toMatchObject([{ subscriptionId: 'sub_1Gone', status: 'canceled', cancelAtPeriodEnd: 1, canceledAt: '2026-11-25T11:00:00.000Z' }]);
    expect(t.logs.some((l) => l.msg === 'subscription not readable from Stripe: using the event payload' && l.eventId === e.id)).toBe(true);
  });

  it('keeps each merchant\'s subscriptions to itself', async () => {
    const other = await signUpMerchant(t);
    const otherAccount = await connectStripe(t, other);
    const sub = build.subscription({ id: 'sub_1Mine' });
    t.fake.put(account, sub);
    await deliver(t, build.event('customer.subscription.created', sub, { account }));
    // The same id arriving from another account (it cannot be read there) does not touch this merchant's row.
    await deliver(t, build.event('customer.subscription.updated', { ...sub, status: 'unpaid' }, { account: otherAccount }));
    await settle(t);
    const byMerchant = (await rows()).map((r) => [r.merchantId, r.status]).sort();
    expect(byMerchant).toEqual([[m.merchantId, 'active'], [other.merchantId, 'unpaid']].sort());
  });
});
