import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { settle } from '../helpers/app';
import { buildPartner, setProgram } from '../helpers/partners';
import { expectPeriodsMatchStats, FIREFOX, SAFARI, sell, tableRows, visit } from '../helpers/dashboard';
import { rollupAll, LAG_MS } from '../../server/dashboard/rollup';
import { periodTotals, statRows } from '../../server/dashboard/service';
import type { Partner } from '../../db/tables/partners';

let w: LedgerWorld;
let bob: Partner;
beforeEach(async () => {
  w = await ledgerWorld();
  bob = await buildPartner(w.t.db.kysely, w.m.merchantId, { name: 'Bob', email: 'bob@partners.test', code: 'bob' });
  await setProgram(w.t, w.m.merchantId, { destinationUrl: 'https://shop.example.com/' });
});
afterEach(() => w.close());

const db = () => w.t.db.kysely;
/** Rows in (mode, day, partner, currency) order, compared code point by code point on both dialects. */
const sorted = <T extends { livemode: number; day: string; partnerId: string; currency: string }>(r: T[]) =>
  [...r].sort((a, b) => a.livemode - b.livemode || (a.day < b.day ? -1 : a.day > b.day ? 1 : 0) || (a.partnerId < b.partnerId ? -1 : a.partnerId > b.partnerId ? 1 : 0) || (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
const stats = async () =>
  sorted(
    await db()
      .selectFrom('dailyStats')
      .select(['livemode', 'day', 'partnerId', 'currency', 'clicks', 'leads', 'customers', 'sales', 'revenue', 'commissionsOwed', 'commissionsPaid'])
      .where('merchantId', '=', w.m.merchantId)
      .execute(),
  );
const range = { livemode: 0, from: '2026-11-01', to: '2026-11-30', timeZone: 'UTC' };
const METRICS = ['clicks', 'leads', 'customers', 'sales', 'revenue', 'commissionsOwed', 'commissionsPaid'] as const;
/** daily_totals holds exactly daily_stats summed per mode, day and currency. */
async function expectTotalsMatchStats() {
  const line = (r: { livemode: number; day: string; currency: string } & Record<(typeof METRICS)[number], number | string>) => [r.livemode, r.day, r.currency, ...METRICS.map((m) => Number(r[m]))].join(' ');
  const summed = new Map<string, { livemode: number; day: string; currency: string } & Record<(typeof METRICS)[number], number>>();
  for (const r of await stats()) {
    const key = `${r.livemode} ${r.day} ${r.currency}`;
    const t = summed.get(key) ?? { livemode: r.livemode, day: r.day, currency: r.currency, clicks: 0, leads: 0, customers: 0, sales: 0, revenue: 0, commissionsOwed: 0, commissionsPaid: 0 };
    for (const m of METRICS) t[m] += r[m];
    summed.set(key, t);
  }
  const totals = await db()
    .selectFrom('dailyTotals')
    .select(['livemode', 'day', 'currency', ...METRICS])
    .where('merchantId', '=', w.m.merchantId)
    .execute();
  expect(totals.map(line).sort()).toEqual([...summed.values()].map(line).sort());
}
/** Let the lag pass and run the job until it has nothing left. */
async function rollUp() {
  w.t.clock.advance(LAG_MS + 1000);
  while ((await rollupAll(db(), w.t.clock)) > 0) {
    /* next window */
  }
}

async function scenario() {
  w.t.clock.set('2026-11-20T10:00:00Z');
  await visit(w.t, w.jane, { ip: '198.51.100.1', ua: FIREFOX });
  await visit(w.t, w.jane, { ip: '198.51.100.1', ua: FIREFOX });
  await visit(w.t, bob, { ip: '198.51.100.2', ua: SAFARI });
  w.t.clock.set('2026-11-21T09:00:00Z');
  await sell(w, w.jane, 10_000, 'usd', 'cus_r1');
  await sell(w, bob, 3_000, 'eur', 'cus_r2');
  w.t.clock.set('2026-11-22T09:00:00Z');
  await visit(w.t, bob, { ip: '198.51.100.3', ua: FIREFOX });
}

describe('the daily rollups', () => {
  it('hold exactly the directly computed numbers, and running the job again changes nothing', async () => {
    await scenario();
    await rollUp();
    const rows = await stats();
    const day = (livemode: number, d: string, partnerId: string, currency: string, n: Partial<Record<string, number>>) => ({
      livemode,
      day: d,
      partnerId,
      currency,
      clicks: 0,
      leads: 0,
      customers: 0,
      sales: 0,
      revenue: 0,
      commissionsOwed: 0,
      commissionsPaid: 0,
      ...n,
    });
    expect(rows).toEqual(
      sorted([
        // Clicks have no mode: both ledgers' rows carry them.
        ...[0, 1].flatMap((m) => [day(m, '2026-11-20', w.jane.id, '', { clicks: 1 }), day(m, '2026-11-20', bob.id, '', { clicks: 1 }), day(m, '2026-11-22', bob.id, '', { clicks: 1 })]),
        day(0, '2026-11-21', w.jane.id, '', { customers: 1 }),
        day(0, '2026-11-21', bob.id, '', { customers: 1 }),
        day(0, '2026-11-21', w.jane.id, 'usd', { sales: 1, revenue: 10_000, commissionsOwed: 2_000 }),
        day(0, '2026-11-21', bob.id, 'eur', { sales: 1, revenue: 3_000, commissionsOwed: 600 }),
      ]),
    );
    expect(await rollupAll(db(), w.t.clock)).toBe(0);
    expect(await stats()).toEqual(rows);

    const fromRollups = await statRows(db(), w.m.merchantId, range);
    const direct = await statRows(db(), w.m.merchantId, range, { direct: true });
    expect(fromRollups.fromRollups).toBe(true);
    expect(fromRollups.rows).toEqual(direct.rows);
    await expectTotalsMatchStats();
    await expectPeriodsMatchStats(db(), w.m.merchantId);
    expect(await periodTotals(db(), w.m.merchantId, range)).toEqual(await periodTotals(db(), w.m.merchantId, range, { direct: true }));
  });

  it('count each click once when two processes roll up the same window at the same time', async () => {
    await scenario();
    w.t.clock.advance(LAG_MS + 1000);
    await Promise.all([rollupAll(db(), w.t.clock), rollupAll(db(), w.t.clock), rollupAll(db(), w.t.clock)]);
    await rollUp();
    const clicks = (await stats()).filter((r) => r.livemode === 0).reduce((s, r) => s + r.clicks, 0);
    expect(clicks).toBe(3);
    expect(await expectPeriodsMatchStats(db(), w.m.merchantId)).toBe('2026-11-22');
  });

  it('leave the overview exact while they lag behind: later changes to old days are read from the ledger', async () => {
    await scenario();
    await rollUp();
    const before = await w.m.browser.agent.get('/dashboard?period=custom&from=2026-11-15&to=2026-11-22');
    expect(tableRows(before.text, 'per-currency').slice(1)).toEqual([
      ['USD', '1', '$100.00', '$20.00', '$0.00'],
      ['EUR', '1', '€30.00', '€6.00', '€0.00'],
    ]);
    // Days later, Jane's sale of the 21st is rejected and a new click comes in; the job has not run yet.
    w.t.clock.set('2026-11-23T09:00:00Z');
    const credit = await db().selectFrom('commissions').select('id').where('partnerId', '=', w.jane.id).executeTakeFirstOrThrow();
    const rejected = await w.m.browser.submit('/commissions/actions', { action: 'reject', ids: credit.id, reason: 'Test order' }, '/payouts/commissions?mode=test');
    expect(rejected.status).toBe(303);
    await visit(w.t, w.jane, { ip: '198.51.100.7', ua: SAFARI });
    const stale = await stats();
    expect(stale.find((r) => r.livemode === 0 && r.partnerId === w.jane.id && r.currency === 'usd')?.commissionsOwed).toBe(2_000);

    const after = await w.m.browser.agent.get('/dashboard?period=custom&from=2026-11-15&to=2026-11-23');
    expect(tableRows(after.text, 'per-currency').slice(1)).toEqual([
      ['USD', '1', '$100.00', '$0.00', '$0.00'],
      ['EUR', '1', '€30.00', '€6.00', '€0.00'],
    ]);
    expect(tableRows(after.text, 'daily-table')[1]).toEqual(['2026-11-15', '0', '0', '$0.00', '€0.00', '$0.00', '€0.00']);
    const direct = await statRows(db(), w.m.merchantId, range, { direct: true });
    expect((await statRows(db(), w.m.merchantId, range)).rows).toEqual(direct.rows);
    expect(await periodTotals(db(), w.m.merchantId, range)).toEqual(await periodTotals(db(), w.m.merchantId, range, { direct: true }));

    await rollUp();
    await expectTotalsMatchStats();
    await expectPeriodsMatchStats(db(), w.m.merchantId);
    expect(await periodTotals(db(), w.m.merchantId, range)).toEqual(await periodTotals(db(), w.m.merchantId, range, { direct: true }));
    const fresh = await stats();
    expect(fresh.find((r) => r.livemode === 0 && r.partnerId === w.jane.id && r.currency === 'usd')).toMatchObject({ sales: 1, revenue: 10_000, commissionsOwed: 0, commissionsPaid: 0 });
    expect(fresh.filter((r) => r.livemode === 0 && r.day === '2026-11-23').map((r) => [r.partnerId, r.clicks])).toEqual([[w.jane.id, 1]]);
  });

  it('are rebuilt in the new time zone when the program changes it', async () => {
    w.t.clock.set('2026-11-20T23:30:00Z');
    await visit(w.t, w.jane, { ip: '198.51.100.1', ua: FIREFOX });
    await rollUp();
    expect((await stats()).map((r) => [r.livemode, r.day, r.clicks])).toEqual([
      [0, '2026-11-20', 1],
      [1, '2026-11-20', 1],
    ]);
    await db().updateTable('programSettings').set({ timeZone: 'Europe/Berlin' }).where('merchantId', '=', w.m.merchantId).execute();
    // Until the job rebuilds them, the old zone's rows are not used.
    expect((await statRows(db(), w.m.merchantId, { ...range, timeZone: 'Europe/Berlin' })).fromRollups).toBe(false);
    await rollUp();
    expect((await stats()).map((r) => [r.livemode, r.day, r.clicks])).toEqual([
      [0, '2026-11-21', 1],
      [1, '2026-11-21', 1],
    ]);
    const state = await db().selectFrom('dashboardRollups').selectAll().where('merchantId', '=', w.m.merchantId).executeTakeFirstOrThrow();
    expect(state.timeZone).toBe('Europe/Berlin');
    // The totals were rebuilt with the rows: nothing is left of the UTC days.
    await expectTotalsMatchStats();
    await expectPeriodsMatchStats(db(), w.m.merchantId);
    const berlin = { ...range, timeZone: 'Europe/Berlin' };
    expect(await periodTotals(db(), w.m.merchantId, berlin)).toEqual(await periodTotals(db(), w.m.merchantId, berlin, { direct: true }));
    expect((await periodTotals(db(), w.m.merchantId, berlin)).series.find((p) => p.day === '2026-11-21')?.clicks).toBe(1);
    await settle(w.t);
  });
});
