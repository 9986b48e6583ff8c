import type Stripe from 'stripe';
import { build } from '../fake-stripe';
import { settle, signUpMerchant, type SignedUpMerchant } from '../helpers/app';
import { buildTestAppWithStripe, connectStripe, type StripeTestApp } from '../helpers/stripe';
import { buildPartner } from '../helpers/partners';
import { bindCustomer } from '../../server/attribution/bindings';
import { createBackfillWorker, queueBackfill } from '../../server/attribution/backfill';
import { createLogger } from '../../server/lib/logger';
import type { Partner } from '../../db/tables/partners';

let t: StripeTestApp;
let m: SignedUpMerchant;
let account: string;
let jane: Partner;
let bob: Partner;
beforeEach(async () => {
  t = await buildTestAppWithStripe();
  m = await signUpMerchant(t);
  account = t.fake.addAccount();
  jane = await buildPartner(t.db.kysely, m.merchantId, { name: 'Jane Smith', email: 'jane@partners.test', code: 'jane' });
  bob = await buildPartner(t.db.kysely, m.merchantId, { name: 'Bob Jones', email: 'bob@partners.test', code: 'bob' });
});
afterEach(() => t.close());

/** An active subscription of a new customer, stored in the connected account with its customer. */
function subscriptionOf(o: { subMetadata?: Stripe.Metadata; customerMetadata?: Stripe.Metadata; status?: Stripe.Subscription.Status; customerId?: string }) {
  const customer = build.customer({ id: o.customerId ?? build.fakeId('cus'), metadata: o.customerMetadata ?? {}, email: `${o.customerId ?? 'someone'}@buyers.test` });
  const sub = build.subscription({ customer: customer.id, metadata: o.subMetadata ?? {}, status: o.status ?? 'active' });
  t.fake.put(account, customer, sub);
  return { customer, sub };
}

const runs = () => t.db.kysely.selectFrom('attributionBackfills').selectAll().where('merchantId', '=', m.merchantId).orderBy('createdAt').orderBy('id').execute();
const counts = (r: { status: string; listed: number; bound: number; alreadyBound: number; noReferral: number; notMatched: number }) => ({
  status: r.status,
  listed: r.listed,
  bound: r.bound,
  alreadyBound: r.alreadyBound,
  noReferral: r.noReferral,
  notMatched: r.notMatched,
});
const bindings = () =>
  t.db.kysely
    .selectFrom('referralBindings')
    .select(['customerKey', 'partnerId', 'source', 'referralValue', 'foundIn', 'customerEmail'])
    .where('merchantId', '=', m.merchantId)
    .orderBy('customerKey')
    .execute();

describe('backfill on connect', () => {
  it('binds the active subscriptions whose subscription or customer metadata names a partner, page by page, as the connected account', async () => {
    const other = await signUpMerchant(t);
    await buildPartner(t.db.kysely, other.merchantId, { code: 'otherco' });
    subscriptionOf({ customerId: 'cus_BfJane', subMetadata: { referral: 'jane' } });
    subscriptionOf({ customerId: 'cus_BfBob', customerMetadata: { affiliate_id: 'bob' } });
    subscriptionOf({ customerId: 'cus_BfUnknown', subMetadata: { referral: 'nobody-here' } });
    subscriptionOf({ customerId: 'cus_BfOther', subMetadata: { referral: 'otherco' } });
    subscriptionOf({ customerId: 'cus_BfCanceled', subMetadata: { referral: 'jane' }, status: 'canceled' });
    subscriptionOf({ customerId: 'cus_BfBound', subMetadata: { referral: 'jane' } });
    await bindCustomer(t.db.kysely, t.clock, { merchantId: m.merchantId, livemode: 0, customerKey: 'stripe:cus_BfBound', stripeCustomerId: 'cus_BfBound', partnerId: bob.id, source: 'stripe' });
    for (let i = 0; i < 100; i++) subscriptionOf({});

    await connectStripe(t, m, { account });
    await settle(t);

    expect((await runs()).map(counts)).toEqual([{ status: 'done', listed: 105, bound: 2, alreadyBound: 1, noReferral: 100, notMatched: 2 }]);
    expect(await bindings()).toEqual([
      { customerKey: 'stripe:cus_BfBob', partnerId: bob.id, source: 'backfill', referralValue: 'bob', foundIn: 'customer.metadata.affiliate_id', customerEmail: 'cus_BfBob@buyers.test' },
      { customerKey: 'stripe:cus_BfBound', partnerId: bob.id, source: 'stripe', referralValue: null, foundIn: null, customerEmail: null },
      { customerKey: 'stripe:cus_BfJane', partnerId: jane.id, source: 'backfill', referralValue: 'jane', foundIn: 'subscription.metadata.referral', customerEmail: 'cus_BfJane@buyers.test' },
    ]);
    const lists = t.fake.requestsTo('/v1/subscriptions');
    expect(lists.map((r) => [r.stripeAccount, r.query.status, r.query.limit, r.query.expand, r.query.starting_after])).toEqual([
      [account, 'active', '100', ['data.customer'], undefined],
      [account, 'active', '100', ['data.customer'], expect.stringMatching(/^sub_/)],
    ]);

    const page = await m.browser.agent.get('/stripe');
    expect(page.text).toContain('Referred customers from existing subscriptions');
    expect(page.text).toMatch(/Customers bound<\/th><td class="num">2<\/td>/);
  });

  it('changes nothing when run again from the Stripe page', async () => {
    subscriptionOf({ customerId: 'cus_Again', subMetadata: { referral: 'jane' } });
    await connectStripe(t, m, { account });
    await settle(t);
    const before = await bindings();
    t.clock.advance(60_000);
    const res = await m.browser.submit('/stripe/backfill', {}, '/stripe');
    expect(res.status).toBe(303);
    await settle(t);
    expect((await runs()).map(counts)).toEqual([
      { status: 'done', listed: 1, bound: 1, alreadyBound: 0, noReferral: 0, notMatched: 0 },
      { status: 'done', listed: 1, bound: 0, alreadyBound: 1, noReferral: 0, notMatched: 0 },
    ]);
    expect(await bindings()).toEqual(before);
    const audit = await t.db.kysely.selectFrom('attributionBackfills').select('requestedBy').orderBy('createdAt').execute();
    expect(audit.map((a) => a.requestedBy)).toEqual([m.userId, m.userId]);
  });

  it('skips the Stripe listing while the program has no partners, and says so', async () => {
    const empty = await signUpMerchant(t);
    const emptyAccount = t.fake.addAccount();
    t.fake.put(emptyAccount, build.subscription({ metadata: { referral: 'jane' } }));
    await connectStripe(t, empty, { account: emptyAccount });
    await settle(t);
    const [run] = await t.db.kysely.selectFrom('attributionBackfills').selectAll().where('merchantId', '=', empty.merchantId).execute();
    expect(run).toMatchObject({ status: 'done', listed: 0, note: expect.stringContaining('no partners yet') });
    expect(t.fake.requestsTo('/v1/subscriptions')).toHaveLength(0);
  });

  it('retries after Stripe fails, from where it stopped', async () => {
    subscriptionOf({ customerId: 'cus_Retry', subMetadata: { referral: 'jane' } });
    t.fake.failNext(1, { status: 500 }, (r) => r.path === '/v1/subscriptions');
    await connectStripe(t, m, { account });
    await settle(t);
    expect(await runs()).toEqual([expect.objectContaining({ status: 'running', failures: 1, bound: 0, note: expect.stringContaining('trying again shortly') })]);
    t.clock.advance(61_000);
    await settle(t);
    expect((await runs()).map(counts)).toEqual([{ status: 'done', listed: 1, bound: 1, alreadyBound: 0, noReferral: 0, notMatched: 0 }]);
  });

  it('is worked by one process at a time: the claim is a conditional update', async () => {
    subscriptionOf({ customerId: 'cus_Claim', subMetadata: { referral: 'jane' } });
    const deps = { db: t.db.kysely, clock: t.clock, stripe: t.stripe, logger: createLogger('silent') };
    const [a, b] = [createBackfillWorker(deps), createBackfillWorker(deps)];
    await connectStripe(t, m, { account });
    // Connecting queued a run: while it is open, nothing else is queued for the merchant.
    expect(await queueBackfill(t.db.kysely, t.clock, { merchantId: m.merchantId, accountId: account, livemode: 0, requestedBy: m.userId })).toBe(false);
    const worked = await Promise.all([a.run(), b.run()]);
    expect(worked.sort()).toEqual([0, 1]);
    expect((await runs()).map(counts)).toEqual([{ status: 'done', listed: 1, bound: 1, alreadyBound: 0, noReferral: 0, notMatched: 0 }]);
    expect(t.fake.requestsTo('/v1/subscriptions')).toHaveLength(1);
  });
});
