// partner_totals: the sums the balances page reads follow every ledger write (credits, reversals, status
// changes, payouts), equal the sums of the rows at every step, and the page shows what the balance
// function computes from the rows, holding periods included.
import { build } from '../fake-stripe';
import { DAY, payoutWorld, type PayoutWorld } from '../helpers/payouts';
import { expectLedgerConsistent } from '../helpers/reliability';
import { partnerBalances } from '../../server/payouts/balances';
import { applyCommissionAction } from '../../server/payouts/actions';
import { rebuildTotals } from '../../server/commissions/totals';

let w: PayoutWorld;
beforeEach(async () => {
  w = await payoutWorld();
  await w.setProgram({ minPayout: 100 });
});
afterEach(() => w.close());

/** The stored totals of the merchant, as [partner name, currency, pending, on hold, approved, paid]. */
async function stored() {
  const rows = await w.t.db.kysely
    .selectFrom('partnerTotals')
    .innerJoin('partners', 'partners.id', 'partnerTotals.partnerId')
    .select(['partners.name', 'partnerTotals.livemode', 'partnerTotals.currency', 'partnerTotals.pending', 'partnerTotals.onHold', 'partnerTotals.approved', 'partnerTotals.paid'])
    .where('partnerTotals.merchantId', '=', w.m.merchantId)
    .orderBy('partners.name')
    .orderBy('partnerTotals.currency')
    .execute();
  return rows.map((r) => [r.name, r.livemode, r.currency, Number(r.pending), Number(r.onHold), Number(r.approved), Number(r.paid)]);
}

/** The balances table of /balances (test mode), read back into minor units, in page order. */
async function pageBalances() {
  const res = await w.m.browser.agent.get('/balances?mode=test');
  expect(res.status).toBe(200);
  return [...res.text.matchAll(/<tr data-partner="([^"]+)" data-currency="([^"]+)">(.*?)<\/tr>/gs)].map(([, partnerId, currency, cells]) => {
    const [pending, onHold, approved, paid, earned] = [...cells!.matchAll(/<td class="num"><span[^>]*>([^<]+)<\/span>/g)].map((m) => Number(m[1]!.replace(/[^\d-]/g, '')));
    return { partnerId, currency, pending, onHold, approved, paid, earned };
  });
}

/** The page equals the balance function summing the rows (same partners, same figures). */
async function expectPageEqualsRows() {
  const fn = await partnerBalances(w.t.db.kysely, w.m.merchantId, 0, w.t.clock.now());
  const key = (b: { partnerId?: string; currency?: string }) => `${b.partnerId}|${b.currency}`;
  expect((await pageBalances()).sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...fn].sort((a, b) => key(a).localeCompare(key(b))));
}

const refund = async (sale: { paymentIntentId: string }, amount: number, refunded: number) => {
  const charge = build.charge({ amount, payment_intent: sale.paymentIntentId });
  w.t.fake.put(w.account, charge, build.refund({ charge: charge.id, payment_intent: sale.paymentIntentId, amount: refunded }));
  await w.send(build.event('charge.refunded', { ...charge, amount_refunded: refunded }, { account: w.account }));
};
const act = (ids: string[], action: 'approve' | 'reject' | 'hold' | 'release') =>
  applyCommissionAction({ db: w.t.db.kysely, clock: w.t.clock }, w.m.merchantId, w.m.userId, ids, action, 'Checked by hand');

describe('partner totals', () => {
  it('follow credits, reversals, status changes and payouts, exactly', async () => {
    const bob = await w.partner('Bob');
    const janeSale = await w.sell(10_000);
    await w.sell(3_000, { currency: 'eur' });
    const bobSale = await w.sell(5_000, { partner: bob });
    expect(await stored()).toEqual([
      ['Bob', 0, 'usd', 1000, 0, 0, 0],
      ['Jane Smith', 0, 'eur', 600, 0, 0, 0],
      ['Jane Smith', 0, 'usd', 2000, 0, 0, 0],
    ]);

    // A partial refund adds a pending reversal in the credit's bucket.
    await refund(janeSale, 10_000, 2_500);
    expect((await stored())[2]).toEqual(['Jane Smith', 0, 'usd', 1500, 0, 0, 0]);

    // Hold and release move the credit between buckets; a rejected credit leaves the totals (and the page).
    await act([bobSale.creditId], 'hold');
    expect((await stored())[0]).toEqual(['Bob', 0, 'usd', 0, 1000, 0, 0]);
    await expectPageEqualsRows();
    await act([bobSale.creditId], 'release');
    expect((await stored())[0]).toEqual(['Bob', 0, 'usd', 1000, 0, 0, 0]);
    await act([bobSale.creditId], 'reject');
    expect((await stored()).map((r) => r[0])).toEqual(['Jane Smith', 'Jane Smith']);
    expect((await pageBalances()).map((b) => b.partnerId)).toEqual([w.jane.id, w.jane.id]);

    // Past the holding period the stored totals still say pending (nothing approved the rows yet), and
    // the page counts them as approved, as the balance function does.
    w.t.clock.advance(31 * DAY);
    expect((await stored())[1]).toEqual(['Jane Smith', 0, 'usd', 1500, 0, 0, 0]);
    expect((await pageBalances()).find((b) => b.currency === 'usd')).toEqual({ partnerId: w.jane.id, currency: 'usd', pending: 0, onHold: 0, approved: 1500, paid: 0, earned: 1500 });
    await expectPageEqualsRows();

    // A run approves what is due and takes what it can pay into payouts (still owed); paid moves it to paid.
    const payouts = await w.run();
    expect(await stored()).toEqual([
      ['Jane Smith', 0, 'eur', 0, 0, 600, 0],
      ['Jane Smith', 0, 'usd', 0, 0, 1500, 0],
    ]);
    for (const id of payouts) await w.markPaid(id);
    // (EUR waits: no exchange rate into the program currency was entered, so no payout took it.)
    expect(await stored()).toEqual([
      ['Jane Smith', 0, 'eur', 0, 0, 600, 0],
      ['Jane Smith', 0, 'usd', 0, 0, 0, 1500],
    ]);

    // A refund after payout is a negative approved row that the next payout nets.
    await refund(janeSale, 10_000, 5_000); // a second refund, of 5,000: 20% of it reversed
    expect((await stored())[1]).toEqual(['Jane Smith', 0, 'usd', 0, 0, -1000, 1500]);
    await expectPageEqualsRows();
    await expectLedgerConsistent(w.t.db, { now: w.t.clock.now() });
  });

  it('are rebuilt from the rows to the same figures', async () => {
    const bob = await w.partner('Bob');
    const sale = await w.sell(10_000);
    await w.sell(7_000, { partner: bob });
    await refund(sale, 10_000, 1_000);
    await act([sale.creditId], 'approve');
    const before = await stored();
    await w.t.db.kysely.deleteFrom('partnerTotals').execute();
    await rebuildTotals(w.t.db.kysely, w.m.merchantId);
    expect(await stored()).toEqual(before);
    expect(before).toEqual([
      ['Bob', 0, 'usd', 1400, 0, 0, 0],
      ['Jane Smith', 0, 'usd', 0, 0, 1800, 0],
    ]);
  });
});
