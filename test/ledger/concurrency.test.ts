// Two processes on one database handle the same Stripe event at the same moment: the unique keys,
// not a prior SELECT, make sure the ledger gets one conversion and one credit.
import type { Db } from '../../db';
import { build } from '../fake-stripe';
import { settle, signUpMerchant, buildTestApp, type TestApp } from '../helpers/app';
import { buildTestAppWithStripe, connectStripe, deliver, type StripeTestApp } from '../helpers/stripe';
import { buildPartner } from '../helpers/partners';
import { createTestDb, reopen, testDialect } from '../helpers/db';
import { applyCheckoutSession } from '../../server/commissions/from-stripe/session';
import type { HandlerContext } from '../../server/stripe/handlers/types';
import { createLogger } from '../../server/lib/logger';

/**
 * Two handles on one database: two pools on one PostgreSQL schema (two processes). On SQLite, two
 * workers share one file connection: better-sqlite3 waits for a lock synchronously, so two connections
 * in ONE thread would block each other's event loop; separate processes do not have that problem.
 */
async function twoHandles(): Promise<[Db, Db]> {
  const a = await createTestDb();
  if (testDialect === 'postgres') return [a, reopen(a)];
  return [a, { ...a, close: async () => undefined }];
}

let t1: StripeTestApp;
let t2: TestApp;
beforeEach(async () => {
  const [a, b] = await twoHandles();
  t1 = await buildTestAppWithStripe({ db: a });
  t2 = await buildTestApp({ db: b, clock: t1.clock, env: { STRIPE_API_BASE: t1.fake.url } });
});
afterEach(async () => {
  await t2.app.jobs.stop();
  await t2.db.close();
  await t1.close();
});

describe('the same event handled by two processes at once', () => {
  it('credits once when both processes receive and process the same delivery', async () => {
    const m = await signUpMerchant(t1);
    const account = await connectStripe(t1, m);
    const jane = await buildPartner(t1.db.kysely, m.merchantId, { code: 'jane' });
    const e = build.event('checkout.session.completed', build.checkoutSession({ client_reference_id: 'jane' }), { account });
    const [r1, r2] = await Promise.all([deliver(t1, e), deliver(t2, e)]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    await Promise.all([settle(t1), settle(t2)]);
    const rows = await t1.db.kysely.selectFrom('commissions').select(['partnerId', 'amount']).execute();
    expect(rows).toEqual([{ partnerId: jane.id, amount: 1000 }]);
  });

  it('credits once even when both run the handler concurrently, past the worker’s claim', async () => {
    const m = await signUpMerchant(t1);
    const account = await connectStripe(t1, m);
    await buildPartner(t1.db.kysely, m.merchantId, { code: 'jane' });
    const conn = await t1.db.kysely.selectFrom('stripeConnections').selectAll().executeTakeFirstOrThrow();
    const session = build.checkoutSession({ client_reference_id: 'jane', customer: 'cus_race' });
    const e = build.event('checkout.session.completed', session, { account });
    const ctxFor = (t: TestApp): HandlerContext => ({
      db: t.db.kysely,
      stripe: t.stripe,
      clock: t.clock,
      logger: createLogger('silent'),
      jobs: t.app.jobs,
      merchantId: m.merchantId,
      accountId: account,
      connection: { id: conn.id, livemode: false, connectedAt: conn.connectedAt, disconnectedAt: null },
      requestOptions: { stripeAccount: account },
    });
    const results = await Promise.allSettled([applyCheckoutSession(ctxFor(t1), e, session, false), applyCheckoutSession(ctxFor(t2), e, session, false)]);
    // A loser may fail on the unique key and would be retried by the worker; a retry must then change nothing.
    if (results.some((r) => r.status === 'rejected')) await applyCheckoutSession(ctxFor(t1), e, session, false);
    expect(await t1.db.kysely.selectFrom('conversions').select('id').execute()).toHaveLength(1);
    expect(await t1.db.kysely.selectFrom('commissions').select('amount').execute()).toEqual([{ amount: 1000 }]);
    expect(await t1.db.kysely.selectFrom('referralBindings').select('customerKey').execute()).toEqual([{ customerKey: 'stripe:cus_race' }]);
  });
});
