import { parse } from 'csv-parse/sync';
import { build } from '../fake-stripe';
import { DAY, payoutWorld, type PayoutWorld } from '../helpers/payouts';
import { parseMajor } from '../../server/lib/money';

let w: PayoutWorld;
beforeEach(async () => {
  w = await payoutWorld();
});
afterEach(() => w.close());

const download = async (path: string) => {
  const res = await w.m.browser.agent.get(path);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/csv/);
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[\w.-]+\.csv"$/);
  return res.text;
};
const runOf = async () => w.t.db.kysely.selectFrom('payoutRuns').selectAll().orderBy('createdAt', 'desc').executeTakeFirstOrThrow();
const payouts = (runId: string) => w.t.db.kysely.selectFrom('payouts').select(['id', 'partnerId', 'amount', 'recipient']).where('runId', '=', runId).orderBy('id').execute();

describe('payout run exports', () => {
  it('parse back to the run’s payouts and totals, in PayPal’s format and the generic one', async () => {
    const bob = await w.partner('=Bob Formula', 'bob@partners.test');
    await w.t.db.kysely.updateTable('partners').set({ payoutEmail: 'bob.paypal@partners.test' }).where('id', '=', bob.id).execute();
    const j1 = await w.sell(30_000); // 6000
    const j2 = await w.sell(12_345); // 2469
    const b1 = await w.sell(50_000, { partner: bob }); // 10000
    w.t.clock.advance(31 * DAY);
    await w.run();
    const run = await runOf();
    const ps = await payouts(run.id);
    expect(run).toMatchObject({ payoutCount: 2, total: 18_469, currency: 'usd' });

    const merchant = await w.t.db.kysely.selectFrom('merchants').select('name').where('id', '=', w.m.merchantId).executeTakeFirstOrThrow();
    const paypal = parse(await download(`/payouts/runs/${run.id}/paypal.csv`)) as string[][];
    expect(paypal).toHaveLength(2);
    for (const row of paypal) {
      const p = ps.find((x) => x.id === row[3])!;
      expect(row).toEqual([p.recipient, expect.any(String), 'USD', p.id, `Partner commissions from ${merchant.name} (${p.id})`, 'PAYPAL']);
      expect(parseMajor(row[1]!, 'usd')).toBe(p.amount);
    }
    expect(paypal.map((r) => r[1]).sort()).toEqual(['100.00', '84.69']);
    expect(paypal.reduce((s, r) => s + parseMajor(r[1]!, 'usd')!, 0)).toBe(run.total);
    expect(paypal.map((r) => r[0]).sort()).toEqual(['bob.paypal@partners.test', 'jane@partners.test']);

    const generic = parse(await download(`/payouts/runs/${run.id}/payouts.csv`), { columns: true }) as Record<string, string>[];
    expect(generic.map((r) => ({ ...r, commission_ids: r.commission_ids!.split(' ').sort() }))).toEqual(
      expect.arrayContaining([
        { payout_id: expect.stringMatching(/^po_/), partner: 'Jane Smith', email: 'jane@partners.test', amount: '84.69', currency: 'usd', status: 'processing', commission_ids: [j1.creditId, j2.creditId].sort() },
        // A name that a spreadsheet would run as a formula is neutralised.
        { payout_id: expect.stringMatching(/^po_/), partner: "'=Bob Formula", email: 'bob.paypal@partners.test', amount: '100.00', currency: 'usd', status: 'processing', commission_ids: [b1.creditId] },
      ]),
    );
    expect(generic.reduce((s, r) => s + parseMajor(r.amount!, r.currency!)!, 0)).toBe(run.total);

    // Once a payout is paid, the PayPal file no longer asks to pay it.
    await w.markPaid(ps.find((p) => p.partnerId === bob.id)!.id);
    expect(parse(await download(`/payouts/runs/${run.id}/paypal.csv`))).toHaveLength(1);
  });

  it('writes amounts with the currency’s real decimals', async () => {
    await w.setProgram({ currency: 'jpy', minPayout: 1000 });
    await w.sell(50_001, { currency: 'jpy' }); // ¥10,000.2 → ¥10,000
    w.t.clock.advance(31 * DAY);
    await w.run();
    const run = await runOf();
    const paypal = parse(await download(`/payouts/runs/${run.id}/paypal.csv`)) as string[][];
    expect(paypal.map((r) => [r[1], r[2]])).toEqual([['10000', 'JPY']]);
  });
});

describe('partner statements', () => {
  it('list every row of a payout, the reversals it nets included, and add up to the payout', async () => {
    const first = await w.sell(30_000);
    w.t.clock.advance(31 * DAY);
    const [p1] = await w.run();
    await w.markPaid(p1!);
    const charge = build.charge({ amount: 30_000, payment_intent: first.paymentIntentId });
    const refund = build.refund({ charge: charge.id, payment_intent: first.paymentIntentId, amount: 15_000 });
    w.t.fake.put(w.account, charge, refund);
    await w.send(build.event('charge.refunded', { ...charge, amount_refunded: 15_000 }, { account: w.account }));
    w.t.clock.advance(DAY);
    const second = await w.sell(40_000);
    w.t.clock.advance(31 * DAY);
    const [p2] = await w.run();

    const lines = parse(await download(`/payouts/${p2}/statement.csv`), { columns: true }) as Record<string, string>[];
    expect(lines.map((l) => [l.commission_id === second.creditId ? 'credit' : l.kind, l.amount, l.currency, l.rate_source])).toEqual([
      ['reversal', '-30.00', 'usd', 'same_currency'],
      ['credit', '80.00', 'usd', 'same_currency'],
    ]);
    expect(lines[0]!.note).toBe(`Refund ${refund.id} of 15000 (30000 paid)`);
    const payout = await w.t.db.kysely.selectFrom('payouts').select('amount').where('id', '=', p2!).executeTakeFirstOrThrow();
    expect(lines.reduce((s, l) => s + parseMajor(l.amount!, l.currency!)!, 0)).toBe(payout.amount);
    const page = await w.m.browser.agent.get(`/payouts/${p2}`);
    expect(page.text).toContain('$50.00');
    expect(page.text).toContain(`Refund ${refund.id}`);
  });

  it('of a month list the rows dated in it and the payouts paid in it', async () => {
    const nov = await w.sell(30_000); // 2026-11-25
    w.t.clock.set('2026-12-03T10:00:00.000Z');
    const dec = await w.sell(20_000);
    w.t.clock.set('2026-12-28T10:00:00.000Z');
    const [p1] = await w.run();
    await w.markPaid(p1!);

    const novLines = parse(await download(`/balances/${w.jane.id}/months/2026-11/statement.csv?mode=test`), { columns: true }) as Record<string, string>[];
    expect(novLines.map((l) => [l.commission_id, l.status, l.amount])).toEqual([[nov.creditId, 'paid', '60.00']]);
    const decLines = parse(await download(`/balances/${w.jane.id}/months/2026-12/statement.csv?mode=test`), { columns: true }) as Record<string, string>[];
    expect(decLines.map((l) => [l.commission_id, l.status, l.amount])).toEqual([[dec.creditId, 'pending', '40.00']]);
    const page = await w.m.browser.agent.get(`/balances/${w.jane.id}/months/2026-12?mode=test`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(p1!);
    expect((await w.m.browser.agent.get(`/balances/${w.jane.id}/months/2026-13?mode=test`)).status).toBe(404);
  });
});
