import { build } from '../fake-stripe';
import { apiAs, createApiKey } from '../helpers/api';
import { DAY, payoutWorld, type PayoutWorld } from '../helpers/payouts';
import { partnerBalances } from '../../server/payouts/balances';
import { applyCommissionAction } from '../../server/payouts/actions';

let w: PayoutWorld;
beforeEach(async () => {
  w = await payoutWorld();
  await w.setProgram({ minPayout: 100 });
});
afterEach(() => w.close());

/** The balances table of /balances, read back into numbers (minor units; all currencies here have 2 decimals). */
function balancesFromPage(html: string) {
  const rows = [...html.matchAll(/<tr data-partner="([^"]+)" data-currency="([^"]+)">(.*?)<\/tr>/gs)];
  return rows.map(([, partnerId, currency, cells]) => {
    const nums = [...cells!.matchAll(/<td class="num"><span[^>]*>([^<]+)<\/span>/g)].map((m) => Number(m[1]!.replace(/[^\d-]/g, '')));
    const [pending, onHold, approved, paid, earned] = nums;
    return { partnerId, currency, pending, onHold, approved, paid, earned };
  });
}

describe('balances', () => {
  it('agree to the minor unit between the balances page, the API and the balance function', async () => {
    const bob = await w.partner('Bob');
    // Jane: one sale paid then partly refunded (negative approved), one approved, one held, one pending; one in EUR.
    const paidSale = await w.sell(30_000);
    await w.sell(11_111);
    await w.sell(5_005);
    w.t.clock.advance(31 * DAY);
    const [payoutId] = await w.run();
    await w.markPaid(payoutId!);
    const charge = build.charge({ amount: 30_000, payment_intent: paidSale.paymentIntentId });
    w.t.fake.put(w.account, charge, build.refund({ charge: charge.id, payment_intent: paidSale.paymentIntentId, amount: 29_999 }));
    await w.send(build.event('charge.refunded', { ...charge, amount_refunded: 29_999 }, { account: w.account }));
    await w.sell(7_777);
    const held = await w.sell(4_321);
    await applyCommissionAction({ db: w.t.db.kysely, clock: w.t.clock }, w.m.merchantId, w.m.userId, [held.creditId], 'hold', 'Checking');
    await w.sell(9_999, { currency: 'eur' });
    await w.sell(2_500, { partner: bob });

    const fn = await partnerBalances(w.t.db.kysely, w.m.merchantId, 0, w.t.clock.now());
    expect(fn.length).toBe(3);
    for (const b of fn) expect(b.pending + b.onHold + b.approved + b.paid).toBe(b.earned);
    expect(fn.find((b) => b.partnerId === w.jane.id && b.currency === 'usd')).toEqual({
      partnerId: w.jane.id,
      currency: 'usd',
      pending: 1555, // 7777 × 20%
      onHold: 864, // 4321 × 20%
      approved: -6000, // the refund of a paid sale: round(6000 × 29999 ÷ 30000)
      paid: 6000 + 2222 + 1001,
      earned: 1555 + 864 - 6000 + 9223,
    });

    const page = await w.m.browser.agent.get('/balances?mode=test');
    expect(page.status).toBe(200);
    expect(balancesFromPage(page.text).sort((a, b) => `${a.partnerId}${a.currency}`.localeCompare(`${b.partnerId}${b.currency}`))).toEqual(
      fn.map((b) => ({ ...b })).sort((a, b) => `${a.partnerId}${a.currency}`.localeCompare(`${b.partnerId}${b.currency}`)),
    );

    const api = apiAs(w.t, await createApiKey(w.m, { mode: 'test' }));
    for (const partner of [w.jane, bob]) {
      const res = await api.get(`/api/v1/affiliates/${partner.id}/balance`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: fn.filter((b) => b.partnerId === partner.id).map(({ partnerId: _p, ...b }) => b) });
    }
  });

  it('are per mode, and an unknown affiliate is a 404', async () => {
    await w.sell(10_000);
    const live = apiAs(w.t, await createApiKey(w.m, { mode: 'live' }));
    expect((await live.get(`/api/v1/affiliates/${w.jane.id}/balance`)).body).toEqual({ data: [] });
    const test = apiAs(w.t, await createApiKey(w.m, { mode: 'test' }));
    expect((await test.get(`/api/v1/affiliates/${w.jane.id}/balance`)).body).toEqual({ data: [{ currency: 'usd', pending: 2000, onHold: 0, approved: 0, paid: 0, earned: 2000 }] });
    const missing = await test.get('/api/v1/affiliates/aff_nobody/balance');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'affiliate_not_found', message: 'No affiliate with the id aff_nobody.', param: 'id' } });
  });

  it('are documented in the OpenAPI document', async () => {
    const res = await w.m.browser.agent.get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toContain('/api/v1/affiliates/{id}/balance');
  });
});

describe('the balances page', () => {
  it('lists partners with ledger rows 50 to a page, by name, with exact sums on each page', async () => {
    // 52 partners with one sale each (Jane included), one partner with no rows (not listed).
    const partners = [w.jane];
    for (let i = 0; i < 51; i++) partners.push(await w.partner(`P${String(i).padStart(2, '0')}`));
    await w.partner('Nobody');
    for (const [i, p] of partners.entries()) await w.sell(1_000 + i, { partner: p });

    const first = await w.m.browser.agent.get('/balances?mode=test');
    const second = await w.m.browser.agent.get('/balances?mode=test&page=2');
    expect(first.text).toContain('Page 1 of 2 · 52 in total');
    expect(second.text).toContain('Page 2 of 2 · 52 in total');
    const one = balancesFromPage(first.text);
    const two = balancesFromPage(second.text);
    expect(one).toHaveLength(50);
    expect(two.map((b) => b.partnerId)).toEqual([partners.find((p) => p.name === 'P49')!.id, partners.find((p) => p.name === 'P50')!.id]);
    // Every partner once, and each page's figures equal the balance function's: 20% of each sale.
    const all = [...one, ...two];
    expect(new Set(all.map((b) => b.partnerId)).size).toBe(52);
    const fn = await partnerBalances(w.t.db.kysely, w.m.merchantId, 0, w.t.clock.now());
    for (const b of all) expect(b).toEqual({ ...fn.find((f) => f.partnerId === b.partnerId)!, partnerId: b.partnerId });
    expect(all.find((b) => b.partnerId === partners[51]!.id)!.earned).toBe(Math.round((1_000 + 51) * 0.2));
  });
});
