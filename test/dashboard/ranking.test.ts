import { build } from '../fake-stripe';
import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { buildPartner, setProgram } from '../helpers/partners';
import { FIREFOX, pageContent as strip, sell, shownIds, tableRows, visit } from '../helpers/dashboard';
import { LAG_MS, rollupAll } from '../../server/dashboard/rollup';
import type { Partner } from '../../db/tables/partners';

let w: LedgerWorld;
/** p[1] … p[54]: with Jane, 55 partners, so the performance page has two pages (50 and 5). */
let p: Partner[];
beforeEach(async () => {
  w = await ledgerWorld();
  await setProgram(w.t, w.m.merchantId, { destinationUrl: 'https://shop.example.com/' });
  p = [w.jane];
  for (let i = 1; i <= 54; i++) {
    const n = String(i).padStart(2, '0');
    p.push(await buildPartner(w.t.db.kysely, w.m.merchantId, { name: `Partner ${n}`, email: `p${n}@partners.test`, code: `p${n}` }));
  }
});
afterEach(() => w.close());

const db = () => w.t.db.kysely;
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const ids = (list: Partner[]) => list.map((x) => x.id);
const sortedIds = (list: Partner[]) => ids(list).sort(byCodePoint);
/** A partner's cells in the performance table, found by the start of its name. */
const row = (html: string, name: string) => tableRows(html, 'performance').find((r) => r[0]?.startsWith(name))?.slice(1);
const get = async (path: string) => {
  const res = await w.m.browser.agent.get(path);
  expect(res.status).toBe(200);
  return res.text;
};
async function rollUp() {
  w.t.clock.advance(LAG_MS + 1000);
  while ((await rollupAll(db(), w.t.clock)) > 0) {
    /* next window */
  }
}
/** The ranking of every partner, page 1 then page 2, and the overview's top list. */
async function ranking() {
  const [one, two, home] = await Promise.all([get('/dashboard/partners?period=7&sort=earnings'), get('/dashboard/partners?period=7&sort=earnings&page=2'), get('/dashboard?period=7')]);
  return { one, two, home, all: [...shownIds(one), ...shownIds(two)] };
}

/**
 * On the 20th (program currency USD, 20% commission): Jane sells $100.00; p1 and p2 sell $50.00 each (a
 * tie on earnings and sales that p1's click breaks); p3 and p4 sell €100.00 (no USD earnings: they
 * follow, by id); p1 and p5…p12 get one click each. Everyone else has nothing and follows by id.
 */
async function scenario() {
  w.t.clock.set('2026-11-20T10:00:00Z');
  await sell(w, p[0]!, 10_000, 'usd', 'cus_k0');
  await sell(w, p[1]!, 5_000, 'usd', 'cus_k1');
  await sell(w, p[2]!, 5_000, 'usd', 'cus_k2');
  await sell(w, p[3]!, 10_000, 'eur', 'cus_k3');
  await sell(w, p[4]!, 10_000, 'eur', 'cus_k4');
  for (const i of [1, 5, 6, 7, 8, 9, 10, 11, 12]) await visit(w.t, p[i]!, { ip: `198.51.100.${i}`, ua: FIREFOX });
  w.t.clock.set('2026-11-21T12:00:00Z');
}

describe('the partner ranking of a period', () => {
  const expected = () => [p[0]!.id, p[1]!.id, p[2]!.id, ...sortedIds([p[3]!, p[4]!]), ...sortedIds(p.slice(5, 13)), ...sortedIds(p.slice(13))];

  it('pages every partner by earnings in the program currency, ties broken by sales, clicks, then id', async () => {
    await scenario();
    const direct = await ranking();
    expect(direct.all).toEqual(expected());
    expect(shownIds(direct.two)).toEqual(expected().slice(50));
    expect(direct.two).toContain('Page 2 of 2 · 55 in total');
    expect(tableRows(direct.one, 'performance').slice(1, 6).map((r) => r.slice(1))).toEqual([
      ['0', '1', '1', '$100.00', '$20.00'],
      ['1', '1', '1', '$50.00', '$10.00'],
      ['0', '1', '1', '$50.00', '$10.00'],
      ['0', '1', '1', '€100.00', '€20.00'],
      ['0', '1', '1', '€100.00', '€20.00'],
    ]);

    // The same pages from the rollups (the SQL ranking) as from the source tables.
    await rollUp();
    const rolled = await ranking();
    expect(rolled.all).toEqual(expected());
    for (const k of ['one', 'two', 'home'] as const) expect(strip(rolled[k])).toEqual(strip(direct[k]));
  });

  it('shows the top ten active partners on the overview, with a link to all of them', async () => {
    await scenario();
    await rollUp();
    const { home } = await ranking();
    const top = tableRows(home, 'top-partners').slice(1);
    expect(top).toHaveLength(10);
    const names = new Map(p.map((x) => [x.id, x.name]));
    expect(top.map((r) => r[0])).toEqual(expected().slice(0, 10).map((id) => names.get(id)));
    expect(top[0]).toEqual(['Jane Smith', '0', '1', '1', '$100.00', '$20.00']);
    expect(home).toContain('href="/dashboard/partners?period=7');
  });

  it('stays exact while the rollups lag: a rejected commission and new clicks after the cursor', async () => {
    await scenario();
    await rollUp();
    // p2's sale is rejected (its USD earnings go to zero) and p13 gets a click; the job has not run.
    w.t.clock.set('2026-11-21T13:00:00Z');
    const credit = await db().selectFrom('commissions').select('id').where('partnerId', '=', p[2]!.id).executeTakeFirstOrThrow();
    const rejected = await w.m.browser.submit('/commissions/actions', { action: 'reject', ids: credit.id, reason: 'Test order' }, '/payouts/commissions?mode=test');
    expect(rejected.status).toBe(303);
    await visit(w.t, p[13]!, { ip: '198.51.100.13', ua: FIREFOX });

    const after = [p[0]!.id, p[1]!.id, ...sortedIds([p[2]!, p[3]!, p[4]!]), ...sortedIds(p.slice(5, 14)), ...sortedIds(p.slice(14))];
    const stale = await ranking();
    expect(stale.all).toEqual(after);
    expect(row(stale.one, 'Partner 02')).toEqual(['0', '1', '1', '$50.00', '$0.00']);

    // Without the rollups (the source tables only) the pages are the same.
    await db().deleteFrom('dashboardRollups').where('merchantId', '=', w.m.merchantId).execute();
    const direct = await ranking();
    for (const k of ['one', 'two', 'home'] as const) expect(strip(stale[k])).toEqual(strip(direct[k]));

    await rollUp();
    const fresh = await ranking();
    expect(fresh.all).toEqual(after);
    for (const k of ['one', 'two', 'home'] as const) expect(strip(fresh[k])).toEqual(strip(direct[k]));
  });

  it('stays exact when a customer moves to another partner after the rollups (the whole day is recomputed)', async () => {
    await scenario();
    await rollUp();
    // p1's customer now earns for p5: the customer (and nothing else) moves from p1 to p5 on the 20th.
    w.t.clock.set('2026-11-21T13:00:00Z');
    const binding = await db().selectFrom('referralBindings').select('id').where('partnerId', '=', p[1]!.id).executeTakeFirstOrThrow();
    const moved = await w.m.browser.submit(`/customers/${binding.id}/rebind`, { partner: p[5]!.code }, '/commissions');
    expect(moved.status).toBe(303);

    const stale = await ranking();
    expect(row(stale.one, 'Partner 01')).toEqual(['1', '0', '1', '$50.00', '$10.00']);
    expect(row(stale.one, 'Partner 05')).toEqual(['1', '1', '0', '—', '—']);
    await db().deleteFrom('dashboardRollups').where('merchantId', '=', w.m.merchantId).execute();
    const direct = await ranking();
    for (const k of ['one', 'two', 'home'] as const) expect(strip(stale[k])).toEqual(strip(direct[k]));
  });

  it('counts a zero sale assigned to a partner after the rollups (no credit row tells of it)', async () => {
    await scenario();
    // A free checkout on the 20th without a referral: unattributed, nothing to credit.
    w.t.clock.set('2026-11-20T11:00:00Z');
    await w.send(build.event('checkout.session.completed', build.checkoutSession({ amount_total: 0, amount_subtotal: 0, customer: null, payment_intent: null }), { account: w.account }));
    // A later sale moves the rollups' ledger cursor past the free one.
    w.t.clock.set('2026-11-20T12:00:00Z');
    await sell(w, p[7]!, 2_000, 'usd', 'cus_k7');
    await rollUp();
    expect((await db().selectFrom('dashboardRollups').select('ledgerThrough').executeTakeFirstOrThrow()).ledgerThrough! > '2026-11-20T11:00:00.000Z').toBe(true);
    w.t.clock.set('2026-11-21T13:00:00Z');
    const free = await db().selectFrom('conversions').select('id').where('amount', '=', 0).executeTakeFirstOrThrow();
    const assigned = await w.m.browser.submit(`/conversions/${free.id}/assign`, { partner: p[6]!.code }, '/unattributed');
    expect(assigned.status).toBe(303);
    expect(await db().selectFrom('commissions').select('id').where('conversionId', '=', free.id).execute()).toEqual([]);

    const stale = await ranking();
    expect(row(stale.one, 'Partner 06')?.slice(0, 3)).toEqual(['1', '0', '1']);
    await rollUp();
    const fresh = await ranking();
    expect(row(fresh.one, 'Partner 06')?.slice(0, 3)).toEqual(['1', '0', '1']);
    await db().deleteFrom('dashboardRollups').where('merchantId', '=', w.m.merchantId).execute();
    const direct = await ranking();
    for (const k of ['one', 'two', 'home'] as const) expect(strip(fresh[k])).toEqual(strip(direct[k]));
  });

  it('recomputes only the changed partner of a day: the others keep their rolled numbers', async () => {
    await scenario();
    await rollUp();
    // Corrupt every rolled row of the 20th except Jane's: the pages only stay right if Jane's numbers come
    // from the source tables (her commission changed) while everyone else's are read from the rollups.
    w.t.clock.set('2026-11-21T13:00:00Z');
    const credit = await db().selectFrom('commissions').select('id').where('partnerId', '=', p[0]!.id).executeTakeFirstOrThrow();
    const rejected = await w.m.browser.submit('/commissions/actions', { action: 'reject', ids: credit.id, reason: 'Test order' }, '/payouts/commissions?mode=test');
    expect(rejected.status).toBe(303);
    await db().updateTable('dailyStats').set((eb) => ({ sales: eb('sales', '+', 100) })).where('merchantId', '=', w.m.merchantId).where('partnerId', '<>', p[0]!.id).where('currency', '<>', '').execute();
    await db().updateTable('dailyStats').set({ sales: 100 }).where('merchantId', '=', w.m.merchantId).where('partnerId', '=', p[0]!.id).where('currency', '<>', '').execute();

    const { one } = await ranking();
    expect(row(one, 'Jane')).toEqual(['0', '1', '1', '$100.00', '$0.00']);
    expect(row(one, 'Partner 01')).toEqual(['1', '1', '101', '$50.00', '$10.00']);
  });
});
