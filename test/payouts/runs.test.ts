import { build } from '../fake-stripe';
import { settle } from '../helpers/app';
import { DAY, payoutWorld, type PayoutWorld } from '../helpers/payouts';

let w: PayoutWorld;
beforeEach(async () => {
  w = await payoutWorld();
});
afterEach(() => w.close());

const payoutOf = (id: string) => w.t.db.kysely.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const itemsOf = (payoutId: string) =>
  w.t.db.kysely.selectFrom('payoutItems').select(['commissionId', 'kind', 'originalAmount', 'amount', 'rate', 'rateSource', 'active']).where('payoutId', '=', payoutId).orderBy('amount', 'desc').execute();
const commission = (id: string) => w.t.db.kysely.selectFrom('commissions').select(['status', 'payoutId']).where('id', '=', id).executeTakeFirstOrThrow();
const pastHold = async () => {
  w.t.clock.advance(31 * DAY);
  await settle(w.t);
};

// Program defaults: 20% commission, 30 holding days, minimum payout $50.00 (5000).
describe('the minimum payout', () => {
  it('pays a partner whose payable balance is exactly the minimum and leaves one a cent below it for later', async () => {
    const bob = await w.partner('Bob Below');
    const janeSale = await w.sell(25_000); // 5000
    const bobSale = await w.sell(24_995, { partner: bob }); // 4999
    await pastHold();

    const created = await w.run();
    expect(created).toHaveLength(1);
    const payout = await payoutOf(created[0]!);
    expect(payout).toMatchObject({ partnerId: w.jane.id, amount: 5000, currency: 'usd', status: 'processing', method: 'manual_csv', recipient: 'jane@partners.test' });
    expect(await itemsOf(payout.id)).toEqual([{ commissionId: janeSale.creditId, kind: 'credit', originalAmount: 5000, amount: 5000, rate: '1', rateSource: 'same_currency', active: 1 }]);
    expect(await commission(janeSale.creditId)).toEqual({ status: 'approved', payoutId: payout.id });
    expect(await commission(bobSale.creditId)).toEqual({ status: 'approved', payoutId: null });

    const page = await w.m.browser.agent.get('/payouts?mode=test');
    expect(page.text).toContain('Bob Below');
    expect(page.text).toContain('No: below the minimum payout');
    // Nothing left that reaches the minimum: a second run creates nothing.
    expect(await w.run()).toEqual([]);
  });

  it('does not pay anything still in its holding period', async () => {
    await w.sell(50_000);
    w.t.clock.advance(29 * DAY);
    expect(await w.run()).toEqual([]);
  });
});

describe('settling a payout', () => {
  it('marks the payout and its rows paid, records payout.paid and moves the balance to paid', async () => {
    const sale = await w.sell(30_000);
    await pastHold();
    const [payoutId] = await w.run();
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 0, approved: 6000, paid: 0, earned: 6000 }]);

    await w.markPaid(payoutId!, 'PP-BATCH-42');
    expect(await payoutOf(payoutId!)).toMatchObject({ status: 'paid', paidOn: '2026-12-26', externalReference: 'PP-BATCH-42' });
    expect(await commission(sale.creditId)).toEqual({ status: 'paid', payoutId });
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 0, approved: 0, paid: 6000, earned: 6000 }]);
    const paid = await w.events('payout.paid');
    expect(paid).toHaveLength(1);
    expect(paid[0]!.data.payout).toMatchObject({ id: payoutId, affiliateId: w.jane.id, amount: 6000, currency: 'usd', paidOn: '2026-12-26', externalReference: 'PP-BATCH-42', commissionCount: 1 });
    const audit = await w.t.db.kysely.selectFrom('auditLog').select(['action', 'actor']).where('merchantId', '=', w.m.merchantId).where('action', 'like', 'payout%').orderBy('createdAt').execute();
    expect(audit).toEqual([
      { action: 'payout_run.created', actor: w.m.userId },
      { action: 'payout.paid', actor: w.m.userId },
    ]);

    // Settled once: marking it again is refused and changes nothing.
    const again = await w.m.browser.submit(`/payouts/${payoutId}/paid`, { paidOn: '2026-12-27', externalReference: 'other' }, `/payouts/${payoutId}`);
    expect(again.status).toBe(409);
    expect(await w.events('payout.paid')).toHaveLength(1);
  });

  it('records the change to paid in every commission\'s history', async () => {
    const sales = [await w.sell(30_000), await w.sell(20_000), await w.sell(10_000)];
    await pastHold();
    const [payoutId] = await w.run();
    await w.markPaid(payoutId!);
    const history = await w.t.db.kysely
      .selectFrom('commissionStatusChanges')
      .select(['commissionId', 'fromStatus', 'toStatus', 'reason', 'actor'])
      .where('toStatus', '=', 'paid')
      .execute();
    // Sorted here: PostgreSQL's collation orders mixed-case ids differently from JavaScript.
    history.sort((a, b) => (a.commissionId < b.commissionId ? -1 : 1));
    const ids = sales.map((s) => s.creditId).sort();
    expect(history).toEqual(ids.map((commissionId) => ({ commissionId, fromStatus: 'approved', toStatus: 'paid', reason: `Paid in ${payoutId}`, actor: w.m.userId })));
  });

  it('releases the rows of a failed payout to approved, and the next run pays them again', async () => {
    const sale = await w.sell(30_000);
    await pastHold();
    const [first] = await w.run();
    await w.markFailed(first!, 'PayPal account closed');
    expect(await payoutOf(first!)).toMatchObject({ status: 'failed', failureReason: 'PayPal account closed' });
    expect(await commission(sale.creditId)).toEqual({ status: 'approved', payoutId: null });
    expect((await itemsOf(first!)).map((i) => i.active)).toEqual([0]);
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 0, approved: 6000, paid: 0, earned: 6000 }]);
    expect(await w.events('payout.paid')).toEqual([]);

    const [second] = await w.run();
    expect(second).not.toBe(first);
    expect(await payoutOf(second!)).toMatchObject({ amount: 6000, status: 'processing' });
    expect(await commission(sale.creditId)).toEqual({ status: 'approved', payoutId: second });
  });
});

describe('a refund after the payout', () => {
  it('is carried as a negative approved row into the partner’s next payout', async () => {
    const first = await w.sell(30_000); // 6000
    await pastHold();
    const [p1] = await w.run();
    await w.markPaid(p1!);

    const charge = build.charge({ amount: 30_000, payment_intent: first.paymentIntentId });
    w.t.fake.put(w.account, charge, build.refund({ charge: charge.id, payment_intent: first.paymentIntentId, amount: 10_000 }));
    await w.send(build.event('charge.refunded', { ...charge, amount_refunded: 10_000 }, { account: w.account }));
    const reversal = await w.t.db.kysely.selectFrom('commissions').select(['id', 'net', 'status', 'payoutId']).where('reversesId', '=', first.creditId).executeTakeFirstOrThrow();
    expect(reversal).toMatchObject({ net: -2000, status: 'approved', payoutId: null });
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 0, approved: -2000, paid: 6000, earned: 4000 }]);
    const balancesPage = await w.m.browser.agent.get('/balances?mode=test');
    expect(balancesPage.text).toContain('-$20.00');
    expect(balancesPage.text).toContain('negative: refunds after a payout');

    // A negative balance is never paid out.
    expect(await w.run()).toEqual([]);

    const second = await w.sell(40_000); // 8000
    w.t.clock.advance(31 * DAY);
    const [p2] = await w.run();
    expect(await payoutOf(p2!)).toMatchObject({ amount: 6000 });
    expect(await itemsOf(p2!)).toEqual([
      { commissionId: second.creditId, kind: 'credit', originalAmount: 8000, amount: 8000, rate: '1', rateSource: 'same_currency', active: 1 },
      { commissionId: reversal.id, kind: 'reversal', originalAmount: -2000, amount: -2000, rate: '1', rateSource: 'same_currency', active: 1 },
    ]);
    await w.markPaid(p2!);
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 0, approved: 0, paid: 12_000, earned: 12_000 }]);
  });
});

describe('the database', () => {
  it('refuses a second live payout item for one commission', async () => {
    const sale = await w.sell(30_000);
    await pastHold();
    const [payoutId] = await w.run();
    const item = await w.t.db.kysely.selectFrom('payoutItems').selectAll().where('payoutId', '=', payoutId!).executeTakeFirstOrThrow();
    // Compare the message: a driver error may come from another test file's realm, where instanceof Error fails.
    const refused = await w.t.db.kysely.insertInto('payoutItems').values({ ...item, id: 'poi_duplicate' }).execute().then(() => 'inserted', (e: unknown) => String(e));
    expect(refused).toMatch(/unique/i);
    // A failed payout's items are no longer live, so the row can be paid by a later payout.
    await w.markFailed(payoutId!);
    await w.t.db.kysely.insertInto('payoutItems').values({ ...item, id: 'poi_after_failure' }).execute();
    expect((await commission(sale.creditId)).payoutId).toBeNull();
  });
});
