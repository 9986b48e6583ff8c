// The kept period sums (period_stats): each partner's last 30 and 90 days, kept by the rollup job so the
// partner ranking of those periods reads one row per partner. They must stay exactly the day rows summed
// as days pass and old days change, and the pages built from them must equal the pages built from the
// source tables.
import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { buildPartner, setProgram } from '../helpers/partners';
import { expectPeriodsMatchStats, FIREFOX, pageContent, SAFARI, sell, shownIds, visit } from '../helpers/dashboard';
import { LAG_MS, rollupAll } from '../../server/dashboard/rollup';
import type { Partner } from '../../db/tables/partners';

let w: LedgerWorld;
let bob: Partner;
let carol: Partner;
let dave: Partner;
beforeEach(async () => {
  w = await ledgerWorld();
  await setProgram(w.t, w.m.merchantId, { destinationUrl: 'https://shop.example.com/' });
  bob = await buildPartner(w.t.db.kysely, w.m.merchantId, { name: 'Bob', email: 'bob@partners.test', code: 'bob' });
  carol = await buildPartner(w.t.db.kysely, w.m.merchantId, { name: 'Carol', email: 'carol@partners.test', code: 'carol' });
  dave = await buildPartner(w.t.db.kysely, w.m.merchantId, { name: 'Dave', email: 'dave@partners.test', code: 'dave' });
});
afterEach(() => w.close());

const db = () => w.t.db.kysely;
async function rollUp() {
  w.t.clock.advance(LAG_MS + 1000);
  while ((await rollupAll(db(), w.t.clock)) > 0) {
    /* next window */
  }
}
/** A partner's kept sums of one span (test mode), per currency: [currency, days, sales, revenue, owed]. */
const kept = async (partner: Partner, span: number) =>
  (
    await db()
      .selectFrom('periodStats')
      .select(['currency', 'days', 'sales', 'revenue', 'commissionsOwed', 'clicks'])
      .where('merchantId', '=', w.m.merchantId)
      .where('livemode', '=', 0)
      .where('span', '=', span)
      .where('partnerId', '=', partner.id)
      .where('days', '>', 0)
      .orderBy('currency')
      .execute()
  ).map((r) => [r.currency, Number(r.days), Number(r.clicks), Number(r.sales), Number(r.revenue), Number(r.commissionsOwed)]);

const get = async (path: string) => {
  const res = await w.m.browser.agent.get(path);
  expect(res.status).toBe(200);
  return res.text;
};
const PAGES = ['/dashboard?period=30', '/dashboard?period=90', ...['earnings', 'revenue', 'sales', 'customers', 'clicks'].flatMap((s) => [`/dashboard/partners?period=30&sort=${s}`, `/dashboard/partners?period=90&sort=${s}`])];
const pages = async () => Promise.all(PAGES.map(async (p) => pageContent(await get(p))));
/** The same pages computed from the source tables only (no rollups), then the rollups restored by the job. */
async function directPages() {
  const state = await db().selectFrom('dashboardRollups').selectAll().where('merchantId', '=', w.m.merchantId).executeTakeFirstOrThrow();
  await db().updateTable('dashboardRollups').set({ timeZone: 'Etc/Unknown' }).where('merchantId', '=', w.m.merchantId).execute();
  const direct = await pages();
  await db().updateTable('dashboardRollups').set(state).where('merchantId', '=', w.m.merchantId).execute();
  return direct;
}

describe('the kept 30- and 90-day sums', () => {
  it('stay the day rows summed as days pass, old days change, and after a long pause', async () => {
    w.t.clock.set('2026-11-01T10:00:00Z');
    await sell(w, w.jane, 10_000, 'usd', 'cus_p1');
    await visit(w.t, bob, { ip: '198.51.100.1', ua: FIREFOX });
    await rollUp();
    expect(await expectPeriodsMatchStats(db(), w.m.merchantId)).toBe('2026-11-01');
    expect(await kept(w.jane, 30)).toEqual([
      ['', 1, 0, 0, 0, 0],
      ['usd', 1, 0, 1, 10_000, 2_000],
    ]);
    expect(await kept(bob, 90)).toEqual([['', 1, 1, 0, 0, 0]]);

    // The next day: the periods move by a day, and the day's sale and click are added.
    w.t.clock.set('2026-11-02T09:00:00Z');
    await sell(w, bob, 3_000, 'eur', 'cus_p2');
    await visit(w.t, w.jane, { ip: '198.51.100.2', ua: SAFARI });
    await rollUp();
    expect(await expectPeriodsMatchStats(db(), w.m.merchantId)).toBe('2026-11-02');
    expect(await kept(bob, 30)).toEqual([
      ['', 2, 1, 0, 0, 0],
      ['eur', 1, 0, 1, 3_000, 600],
    ]);

    // Three quiet days (the job was stopped): the periods step over them.
    w.t.clock.set('2026-11-05T09:00:00Z');
    await rollUp();
    expect(await expectPeriodsMatchStats(db(), w.m.merchantId)).toBe('2026-11-05');

    // Weeks later (summed afresh) Jane's sale of the 1st is rejected: an old day's ledger numbers change.
    w.t.clock.set('2026-11-20T09:00:00Z');
    const credit = await db().selectFrom('commissions').select('id').where('partnerId', '=', w.jane.id).executeTakeFirstOrThrow();
    expect((await w.m.browser.submit('/commissions/actions', { action: 'reject', ids: credit.id, reason: 'Test order' }, '/payouts/commissions?mode=test')).status).toBe(303);
    await rollUp();
    expect(await expectPeriodsMatchStats(db(), w.m.merchantId)).toBe('2026-11-20');
    expect(await kept(w.jane, 30)).toEqual([
      ['', 2, 1, 0, 0, 0],
      ['usd', 1, 0, 1, 10_000, 0],
    ]);

    // On 1 December the 1st has left the 30 days (2 Nov – 1 Dec) but not the 90.
    w.t.clock.set('2026-12-01T12:00:00Z');
    await rollUp();
    expect(await expectPeriodsMatchStats(db(), w.m.merchantId)).toBe('2026-12-01');
    expect(await kept(w.jane, 30)).toEqual([['', 1, 1, 0, 0, 0]]);
    expect(await kept(w.jane, 90)).toEqual([
      ['', 2, 1, 0, 0, 0],
      ['usd', 1, 0, 1, 10_000, 0],
    ]);

    // After a pause longer than any period the sums start afresh.
    w.t.clock.set('2027-03-15T12:00:00Z');
    await visit(w.t, carol, { ip: '198.51.100.3', ua: FIREFOX });
    await rollUp();
    expect(await expectPeriodsMatchStats(db(), w.m.merchantId)).toBe('2027-03-15');
    expect(await kept(w.jane, 90)).toEqual([]);
    expect(await kept(carol, 30)).toEqual([['', 1, 1, 0, 0, 0]]);
  });

  it('move once when several processes run the job over a change of day at the same time', async () => {
    w.t.clock.set('2026-11-01T10:00:00Z');
    await sell(w, w.jane, 10_000, 'usd', 'cus_p1');
    await rollUp();
    w.t.clock.set('2026-11-02T09:00:00Z');
    await visit(w.t, w.jane, { ip: '198.51.100.2', ua: SAFARI });
    w.t.clock.advance(LAG_MS + 1000);
    await Promise.all([rollupAll(db(), w.t.clock), rollupAll(db(), w.t.clock), rollupAll(db(), w.t.clock)]);
    await rollUp();
    expect(await expectPeriodsMatchStats(db(), w.m.merchantId)).toBe('2026-11-02');
    expect(await kept(w.jane, 30)).toEqual([
      ['', 2, 1, 0, 0, 0],
      ['usd', 1, 0, 1, 10_000, 2_000],
    ]);
  });

  it('give the 30- and 90-day pages exactly what the source tables give, fresh and while the job lags', async () => {
    w.t.clock.set('2026-10-10T10:00:00Z');
    await sell(w, dave, 50_000, 'usd', 'cus_d1');
    w.t.clock.set('2026-11-20T10:00:00Z');
    await sell(w, w.jane, 10_000, 'usd', 'cus_j1');
    await sell(w, bob, 5_000, 'usd', 'cus_b1');
    await sell(w, carol, 5_000, 'eur', 'cus_c1');
    await visit(w.t, bob, { ip: '198.51.100.1', ua: FIREFOX });
    await visit(w.t, carol, { ip: '198.51.100.2', ua: FIREFOX });
    w.t.clock.set('2026-11-21T12:00:00Z');
    await rollUp();
    await expectPeriodsMatchStats(db(), w.m.merchantId);
    const fresh = await pages();
    expect(fresh).toEqual(await directPages());
    // By earnings: Dave's October sale counts in the 90 days only; Carol earned euros.
    expect(fresh[2]!.ids).toEqual([w.jane.id, bob.id, carol.id, dave.id]);
    expect(fresh[3]!.ids).toEqual([dave.id, w.jane.id, bob.id, carol.id]);

    // The job has not run since: Jane's commission is rejected, Bob's customer moves to Carol (the whole
    // day is recomputed from the ledger), Dave gets a click.
    w.t.clock.set('2026-11-21T13:00:00Z');
    const credit = await db().selectFrom('commissions').select('id').where('partnerId', '=', w.jane.id).executeTakeFirstOrThrow();
    expect((await w.m.browser.submit('/commissions/actions', { action: 'reject', ids: credit.id, reason: 'Test order' }, '/payouts/commissions?mode=test')).status).toBe(303);
    const binding = await db().selectFrom('referralBindings').select('id').where('partnerId', '=', bob.id).executeTakeFirstOrThrow();
    expect((await w.m.browser.submit(`/customers/${binding.id}/rebind`, { partner: carol.code }, '/commissions')).status).toBe(303);
    await visit(w.t, dave, { ip: '198.51.100.4', ua: SAFARI });
    const stale = await pages();
    expect(stale).toEqual(await directPages());
    expect(stale).not.toEqual(fresh);

    await rollUp();
    await expectPeriodsMatchStats(db(), w.m.merchantId);
    expect(await pages()).toEqual(stale);
  });

  it('are what the 30- and 90-day rankings read (and the 7-day ranking does not)', async () => {
    w.t.clock.set('2026-11-20T10:00:00Z');
    await sell(w, w.jane, 10_000, 'usd', 'cus_j1');
    await sell(w, bob, 10_000, 'usd', 'cus_b1');
    await rollUp();
    const order = async (period: number) => shownIds(await get(`/dashboard/partners?period=${period}&sort=sales`)).slice(0, 2);
    const first = [w.jane.id, bob.id].sort((a, b) => (a < b ? -1 : 1));
    expect(await order(30)).toEqual(first);
    // Give the second of the tied partners one more sale in the kept 30 days only.
    await db().updateTable('periodStats').set((eb) => ({ sales: eb('sales', '+', 1) })).where('partnerId', '=', first[1]!).where('span', '=', 30).where('currency', '=', 'usd').execute();
    expect(await order(30)).toEqual([first[1], first[0]]);
    expect(await order(90)).toEqual(first);
    expect(await order(7)).toEqual(first);

    // The job moves the periods on (midnight) between the page's first look at the rollups' state and the
    // ranking: the sums just read were of another period, so the day rows decide. Simulated on SQLite by
    // answering the second read of the state as the job would have left it.
    const sqlite = w.t.db.sqlite;
    if (!sqlite) return;
    const statement = Object.getPrototypeOf(sqlite.prepare('select 1')) as { all: (...a: unknown[]) => unknown[] };
    const all = statement.all;
    let reads = 0;
    statement.all = function (this: { source: string }, ...a: unknown[]) {
      const rows = all.apply(this, a) as Record<string, unknown>[];
      if (!this.source.startsWith('select * from "dashboard_rollups"')) return rows;
      reads += 1;
      return reads === 2 ? rows.map((r) => ({ ...r, periods_through: '2026-11-21' })) : rows;
    };
    try {
      expect(await order(30)).toEqual(first);
      expect(reads).toBe(2);
    } finally {
      statement.all = all;
    }
  });
});
