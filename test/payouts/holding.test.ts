import { build } from '../fake-stripe';
import { settle } from '../helpers/app';
import { payoutWorld, type PayoutWorld } from '../helpers/payouts';

let w: PayoutWorld;
beforeEach(async () => {
  w = await payoutWorld();
});
afterEach(() => w.close());

const statusOf = async (id: string) => (await w.t.db.kysely.selectFrom('commissions').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const historyOf = (id: string) =>
  w.t.db.kysely.selectFrom('commissionStatusChanges').select(['fromStatus', 'toStatus', 'reason', 'actor']).where('commissionId', '=', id).orderBy('createdAt').orderBy('id').execute();

// Program defaults: 20% commission, 30 holding days. A $100.00 sale at 2026-11-25T12:00:00Z earns 2000,
// pending until 2026-12-25T12:00:00Z.
describe('the holding period', () => {
  it('is pending a second before it ends and approved a second after, in balances even before the job runs; the job then flips it once', async () => {
    const { creditId } = await w.sell(10_000);
    const row = await w.t.db.kysely.selectFrom('commissions').select(['holdUntil', 'net']).where('id', '=', creditId).executeTakeFirstOrThrow();
    expect(row).toEqual({ holdUntil: '2026-12-25T12:00:00.000Z', net: 2000 });

    w.t.clock.set('2026-12-25T11:59:59.000Z');
    await settle(w.t);
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 2000, onHold: 0, approved: 0, paid: 0, earned: 2000 }]);
    expect(await statusOf(creditId)).toBe('pending');

    w.t.clock.set('2026-12-25T12:00:01.000Z');
    // No job has run since the clock moved: the stored status is still pending, the balance already says approved.
    expect(await statusOf(creditId)).toBe('pending');
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 0, approved: 2000, paid: 0, earned: 2000 }]);

    await settle(w.t);
    await settle(w.t);
    expect(await statusOf(creditId)).toBe('approved');
    expect(await historyOf(creditId)).toEqual([{ fromStatus: 'pending', toStatus: 'approved', reason: 'Holding period ended', actor: 'system' }]);
    const approved = await w.events('commission.approved');
    expect(approved).toHaveLength(1);
    expect(approved[0]!.data.commission).toMatchObject({ id: creditId, affiliateId: w.jane.id, status: 'approved', netCommission: 2000, currency: 'usd' });
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 0, approved: 2000, paid: 0, earned: 2000 }]);
  });

  it('moves a pending refund with its credit and counts what is left', async () => {
    const { creditId, paymentIntentId } = await w.sell(10_000);
    const charge = build.charge({ amount: 10_000, payment_intent: paymentIntentId });
    const refund = build.refund({ charge: charge.id, payment_intent: paymentIntentId, amount: 2500 });
    w.t.fake.put(w.account, charge, refund);
    await w.send(build.event('charge.refunded', { ...charge, amount_refunded: 2500 }, { account: w.account }));
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 1500, onHold: 0, approved: 0, paid: 0, earned: 1500 }]);

    w.t.clock.set('2026-12-25T12:00:00.000Z');
    await settle(w.t);
    const rows = await w.t.db.kysely.selectFrom('commissions').select(['kind', 'net', 'status']).where('conversionId', '=', (await w.t.db.kysely.selectFrom('commissions').select('conversionId').where('id', '=', creditId).executeTakeFirstOrThrow()).conversionId).orderBy('kind').execute();
    expect(rows).toEqual([
      { kind: 'credit', net: 2000, status: 'approved' },
      { kind: 'reversal', net: -500, status: 'approved' },
    ]);
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 0, approved: 1500, paid: 0, earned: 1500 }]);
    expect(await w.events('commission.approved')).toHaveLength(1);
  });
});

describe('a dispute during the holding period', () => {
  it('keeps the commission on hold past its holding period, and a won dispute makes it approved with one event', async () => {
    const { creditId, paymentIntentId } = await w.sell(10_000);
    const dispute = (status: 'needs_response' | 'won') => build.dispute({ id: 'dp_hold', payment_intent: paymentIntentId, amount: 10_000, status });
    w.t.clock.advanceDays(3);
    await w.send(build.event('charge.dispute.created', dispute('needs_response'), { account: w.account }));
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 2000, approved: 0, paid: 0, earned: 2000 }]);

    w.t.clock.set('2026-12-26T00:00:00.000Z');
    await settle(w.t);
    expect(await statusOf(creditId)).toBe('on_hold');
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 2000, approved: 0, paid: 0, earned: 2000 }]);
    expect(await w.events('commission.approved')).toEqual([]);

    await w.send(build.event('charge.dispute.closed', dispute('won'), { account: w.account }));
    expect(await statusOf(creditId)).toBe('approved');
    // The release and the approval happen at the same instant of the fixed clock: compare without order.
    const history = (await historyOf(creditId)).map((h) => [h.fromStatus, h.toStatus, h.actor]);
    expect(history).toHaveLength(3);
    expect(history).toEqual(
      expect.arrayContaining([
        ['pending', 'on_hold', 'stripe'],
        ['on_hold', 'pending', 'stripe'],
        ['pending', 'approved', 'system'],
      ]),
    );
    expect(await w.events('commission.approved')).toHaveLength(1);
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 0, approved: 2000, paid: 0, earned: 2000 }]);
  });
});
