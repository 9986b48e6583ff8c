import { reopen, testDialect } from '../helpers/db';
import { DAY, payoutWorld, type PayoutWorld } from '../helpers/payouts';
import { runPayouts } from '../../server/payouts/service';
import type { Db } from '../../db';

let w: PayoutWorld;
let second: Db | undefined;
beforeEach(async () => {
  w = await payoutWorld();
  await w.setProgram({ minPayout: 100 });
});
afterEach(async () => {
  await second?.close();
  second = undefined;
  await w.close();
});

// On PostgreSQL the two runs go through two connection pools on one schema, as two processes would.
// SQLite has one connection per database file, which serialises the two transactions: the same
// assertions then check that a second run right after the first pays nothing twice.
const otherProcess = (): Db => (testDialect === 'postgres' ? (second ??= reopen(w.t.db)) : w.t.db);

describe(`two payout runs started at once (${testDialect})`, () => {
  it('pay every row exactly once, in one payout per partner', async () => {
    const bob = await w.partner('Bob');
    const carol = await w.partner('Carol');
    const expected = new Map<string, number>();
    for (let round = 0; round < 3; round++) {
      for (const [partner, amount] of [
        [w.jane, 10_000 + round],
        [bob, 20_000 + round],
        [carol, 30_000 + round],
      ] as const) {
        const { creditId } = await w.sell(amount, { partner });
        expected.set(creditId, Math.round((amount * 2000) / 10_000));
      }
      w.t.clock.advance(31 * DAY);
      const [a, b] = await Promise.all([
        runPayouts({ db: w.t.db.kysely, clock: w.t.clock }, w.m.merchantId, 0, 'usr_process_a'),
        runPayouts({ db: otherProcess().kysely, clock: w.t.clock }, w.m.merchantId, 0, 'usr_process_b'),
      ]);
      // Together the runs created one payout for each partner of this round: never two.
      expect([...a.payouts, ...b.payouts].map((p) => p.partnerId).sort()).toEqual([w.jane.id, bob.id, carol.id].sort());
    }

    const items = await w.t.db.kysely.selectFrom('payoutItems').select(['commissionId', 'amount', 'payoutId']).where('active', '=', 1).execute();
    expect(items).toHaveLength(9);
    expect(new Set(items.map((i) => i.commissionId)).size).toBe(9);
    expect(new Map(items.map((i) => [i.commissionId, i.amount]))).toEqual(expected);
    const commissions = await w.t.db.kysely.selectFrom('commissions').select(['id', 'payoutId']).where('merchantId', '=', w.m.merchantId).execute();
    for (const c of commissions) expect(c.payoutId).toBe(items.find((i) => i.commissionId === c.id)!.payoutId);
    const payouts = await w.t.db.kysely.selectFrom('payouts').select(['id', 'amount']).where('merchantId', '=', w.m.merchantId).execute();
    expect(payouts).toHaveLength(9);
    for (const p of payouts) expect(p.amount).toBe(items.filter((i) => i.payoutId === p.id).reduce((s, i) => s + i.amount, 0));
    expect(payouts.reduce((s, p) => s + p.amount, 0)).toBe([...expected.values()].reduce((s, n) => s + n, 0));
  });

  it('approve each due commission once, with one commission.approved event', async () => {
    for (let i = 0; i < 5; i++) await w.sell(10_000 + i);
    w.t.clock.advance(31 * DAY);
    await Promise.all([
      runPayouts({ db: w.t.db.kysely, clock: w.t.clock }, w.m.merchantId, 0, 'usr_process_a'),
      runPayouts({ db: otherProcess().kysely, clock: w.t.clock }, w.m.merchantId, 0, 'usr_process_b'),
    ]);
    expect(await w.events('commission.approved')).toHaveLength(5);
    const history = await w.t.db.kysely.selectFrom('commissionStatusChanges').select('commissionId').where('toStatus', '=', 'approved').execute();
    expect(history).toHaveLength(5);
  });
});
