// The rollup job: keeps daily_stats current off the request path.
//
// - Clicks are immutable, so they are added incrementally: each run aggregates the clicks created since
//   the merchant's `clicksThrough` (a window of at most a week), adds them to the day rows and moves the
//   cursor, in one transaction that first claims the cursor (another process that read the same window
//   finds it moved and rolls back, so nothing is counted twice).
// - Ledger numbers change after the fact (statuses, re-attribution), so the days a change touches are
//   recomputed from the source tables and overwritten. Which days: see `ledgerChangesSince`.
// - Work stops `LAG_MS` before now, so a transaction that committed a little after its timestamp is
//   never skipped; the overview reads what lies after the cursors directly.
// - A change of the program's time zone throws the merchant's rows away and rebuilds them.
// - Every transaction that writes a day's rows also rewrites that day's daily_totals (see totals.ts), and
//   adds what it changed to the kept periods of period_stats (see periods.ts). Once both cursors are caught
//   up, the periods are moved to end on the merchant's today.
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import type { DashboardRollupsTable } from '../../db/tables/dashboard';
import { firstClickAt, ledgerChangesSince, rollupState } from './store';
import { addClicks, addLedger } from './compute';
import { localDay, localDayOf } from './days';
import { addDayChanges, clickChanges, ledgerChanges, rowsBeforeLedger, shiftPeriods } from './periods';
import { StatTable, type StatRow } from './stats';
import { refreshDailyTotals } from './totals';
import { backgroundTurn } from '../lib/turns';

export const LAG_MS = 60_000;
const CLICK_WINDOW_MS = 7 * 86_400_000;
const LEDGER_WINDOW_MS = 30 * 86_400_000;
const CHUNK = 200;

class Superseded extends Error {}

const iso = (ms: number) => new Date(ms).toISOString();

type State = Pick<DashboardRollupsTable, 'timeZone' | 'clicksThrough' | 'ledgerThrough' | 'periodsThrough'>;

/** One pass over every merchant; returns how many steps did work (the job runs again while > 0). */
export async function rollupAll(db: DB, clock: Clock): Promise<number> {
  const now = clock.now();
  const horizon = iso(now.getTime() - LAG_MS);
  const merchants = await db
    .selectFrom('merchants')
    .innerJoin('programSettings', 'programSettings.merchantId', 'merchants.id')
    .leftJoin('dashboardRollups', 'dashboardRollups.merchantId', 'merchants.id')
    .select(['merchants.id', 'programSettings.timeZone as zone', 'dashboardRollups.timeZone', 'dashboardRollups.clicksThrough', 'dashboardRollups.ledgerThrough', 'dashboardRollups.periodsThrough'])
    .orderBy('merchants.id')
    .execute();
  let work = 0;
  // One merchant's failure (say, a time zone Intl does not know) must not hold the others back.
  let failure: unknown;
  for (const [i, m] of merchants.entries()) {
    // Requests go first between merchants: on SQLite a merchant's step holds the event loop until it commits.
    if (i > 0) await backgroundTurn();
    try {
      if (m.timeZone !== m.zone) {
        await reset(db, m.id, m.zone, now.toISOString());
        work += 1;
        continue;
      }
      const state: State = { timeZone: m.zone, clicksThrough: m.clicksThrough, ledgerThrough: m.ledgerThrough, periodsThrough: m.periodsThrough };
      const behind = (await rollupClicks(db, m.id, state, horizon, now.toISOString())) + (await rollupLedger(db, m.id, state, horizon, now.toISOString()));
      // While catching up (a first rollup of a million clicks) the periods wait: they are summed once at the end.
      if (behind === 0) await rollupPeriods(db, m.id, state, localDay(now.getTime(), m.zone), now.toISOString());
      work += behind;
    } catch (err) {
      if (!(err instanceof Superseded)) failure ??= err;
    }
  }
  if (failure) throw failure;
  return work;
}

/** Start over in `zone`: the rows of another zone's days cannot be reused. */
async function reset(db: DB, merchantId: string, zone: string, nowIso: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('dailyStats').where('merchantId', '=', merchantId).execute();
    await trx.deleteFrom('dailyTotals').where('merchantId', '=', merchantId).execute();
    await trx.deleteFrom('periodStats').where('merchantId', '=', merchantId).execute();
    await trx
      .insertInto('dashboardRollups')
      .values({ merchantId, timeZone: zone, clicksThrough: null, ledgerThrough: null, periodsThrough: null, updatedAt: nowIso })
      .onConflict((oc) => oc.column('merchantId').doUpdateSet({ timeZone: zone, clicksThrough: null, ledgerThrough: null, periodsThrough: null, updatedAt: nowIso }))
      .execute();
  });
}

/** Move one cursor from `from` to `to`, or throw Superseded when another process moved it first. */
async function claim(trx: DB, merchantId: string, column: 'clicksThrough' | 'ledgerThrough' | 'periodsThrough', from: string | null, to: string, state: State, nowIso: string) {
  const r = await trx
    .updateTable('dashboardRollups')
    .set({ [column]: to, updatedAt: nowIso })
    .where('merchantId', '=', merchantId)
    .where('timeZone', '=', state.timeZone)
    .where(column, from === null ? 'is' : '=', from)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new Superseded();
}

async function rollupClicks(db: DB, merchantId: string, state: State, horizon: string, nowIso: string): Promise<number> {
  const start = state.clicksThrough ?? '';
  if (start >= horizon) return 0;
  const first = await firstClickAt(db, merchantId, start, horizon);
  // Nothing new: the cursor stays where it is (the overview's direct part starts there and finds nothing).
  if (!first) return 0;
  const end = iso(Math.min(Date.parse(first) + CLICK_WINDOW_MS, Date.parse(horizon)));
  const table = new StatTable();
  await addClicks(table, db, merchantId, start === '' ? first : start, end, state.timeZone);
  const rows = table.list();
  await db.transaction().execute(async (trx) => {
    await claim(trx, merchantId, 'clicksThrough', state.clicksThrough, end, state, nowIso);
    // Read inside the transaction: the row is locked by the claim, so the periods cannot move meanwhile.
    const through = (await rollupState(trx, merchantId))?.periodsThrough ?? null;
    const changes = await clickChanges(trx, merchantId, through, rows);
    // Clicks have no mode: both ledgers' overviews show them. One mode after the other, in key order.
    const values = [0, 1].flatMap((livemode) => rows.map((r) => ({ ...dbRow(merchantId, livemode, r, nowIso), leads: 0, customers: 0, sales: 0, revenue: 0, commissionsOwed: 0, commissionsPaid: 0 })));
    for (let i = 0; i < values.length; i += CHUNK) {
      await trx
        .insertInto('dailyStats')
        .values(values.slice(i, i + CHUNK))
        .onConflict((oc) =>
          oc.columns(['merchantId', 'livemode', 'day', 'partnerId', 'currency']).doUpdateSet((eb) => ({ clicks: eb('dailyStats.clicks', '+', eb.ref('excluded.clicks')), updatedAt: nowIso })),
        )
        .execute();
    }
    const days = rows.map((r) => r.day);
    for (const livemode of [0, 1]) await refreshDailyTotals(trx, merchantId, livemode, days, nowIso);
    await addDayChanges(trx, merchantId, through, changes);
  });
  state.clicksThrough = end;
  return moreFollows(end, horizon);
}

async function rollupLedger(db: DB, merchantId: string, state: State, horizon: string, nowIso: string): Promise<number> {
  const start = state.ledgerThrough;
  if (start !== null && start >= horizon) return 0;
  const end = start === null ? horizon : iso(Math.min(Date.parse(start) + LEDGER_WINDOW_MS, Date.parse(horizon)));
  const changes = await ledgerChangesSince(db, merchantId, start ?? '', end);
  // A quiet window only moves the cursor when more windows follow; otherwise nothing is written.
  if (changes.length === 0 && end === horizon) return 0;
  const dirty = new Map<number, Set<string>>();
  const dayOf = localDayOf(changes.map((c) => c.at), state.timeZone);
  for (const c of changes) {
    const days = dirty.get(c.livemode) ?? new Set<string>();
    days.add(dayOf(c.at));
    dirty.set(c.livemode, days);
  }
  const recomputed: { livemode: number; days: string[]; rows: StatRow[] }[] = [];
  for (const [livemode, daySet] of dirty) {
    const table = new StatTable();
    const days = [...daySet].sort();
    await addLedger(table, db, merchantId, livemode, days, state.timeZone);
    recomputed.push({ livemode, days, rows: table.list() });
  }
  await db.transaction().execute(async (trx) => {
    await claim(trx, merchantId, 'ledgerThrough', start, end, state, nowIso);
    const through = (await rollupState(trx, merchantId))?.periodsThrough ?? null;
    for (const { livemode, days, rows } of recomputed) {
      const changes = ledgerChanges(livemode, through, days, await rowsBeforeLedger(trx, merchantId, livemode, through, days), rows);
      for (let i = 0; i < days.length; i += 500) {
        await trx
          .updateTable('dailyStats')
          .set({ leads: 0, customers: 0, sales: 0, revenue: 0, commissionsOwed: 0, commissionsPaid: 0, updatedAt: nowIso })
          .where('merchantId', '=', merchantId)
          .where('livemode', '=', livemode)
          .where('day', 'in', days.slice(i, i + 500))
          .execute();
      }
      const values = rows.map((r) => ({ ...dbRow(merchantId, livemode, r, nowIso), clicks: 0 }));
      for (let i = 0; i < values.length; i += CHUNK) {
        await trx
          .insertInto('dailyStats')
          .values(values.slice(i, i + CHUNK))
          .onConflict((oc) =>
            oc.columns(['merchantId', 'livemode', 'day', 'partnerId', 'currency']).doUpdateSet((eb) => ({
              leads: eb.ref('excluded.leads'),
              customers: eb.ref('excluded.customers'),
              sales: eb.ref('excluded.sales'),
              revenue: eb.ref('excluded.revenue'),
              commissionsOwed: eb.ref('excluded.commissionsOwed'),
              commissionsPaid: eb.ref('excluded.commissionsPaid'),
              updatedAt: nowIso,
            })),
          )
          .execute();
      }
      // Rows left with nothing in them (a sale re-attributed elsewhere, clicks never) are dropped.
      for (let i = 0; i < days.length; i += 500) {
        await trx
          .deleteFrom('dailyStats')
          .where('merchantId', '=', merchantId)
          .where('livemode', '=', livemode)
          .where('day', 'in', days.slice(i, i + 500))
          .where('clicks', '=', 0)
          .where('leads', '=', 0)
          .where('customers', '=', 0)
          .where('sales', '=', 0)
          .where('revenue', '=', 0)
          .where('commissionsOwed', '=', 0)
          .where('commissionsPaid', '=', 0)
          .execute();
      }
      await refreshDailyTotals(trx, merchantId, livemode, days, nowIso);
      await addDayChanges(trx, merchantId, through, changes);
    }
  });
  state.ledgerThrough = end;
  return moreFollows(end, horizon);
}

/** Move the kept periods to end on `today` (a no-op while they do). */
async function rollupPeriods(db: DB, merchantId: string, state: State, today: string, nowIso: string): Promise<void> {
  if (state.periodsThrough === today) return;
  await db.transaction().execute(async (trx) => {
    await claim(trx, merchantId, 'periodsThrough', state.periodsThrough, today, state, nowIso);
    await shiftPeriods(trx, merchantId, state.periodsThrough, today);
  });
  state.periodsThrough = today;
}

/**
 * A step counts as work (the job runs again at once) only while more windows follow. A step that reached the
 * horizon is caught up: the job waits for its timer. Under a steady stream of ledger changes it otherwise
 * never stopped, recomputing the same busy day on every pass (0.7 s per pass over 100 merchants with 67,000
 * of the day's conversions in the webhook benchmark, which slowed run over run).
 */
const moreFollows = (end: string, horizon: string) => (end < horizon ? 1 : 0);

const dbRow = (merchantId: string, livemode: number, r: StatRow, nowIso: string) => ({
  merchantId,
  livemode,
  day: r.day,
  partnerId: r.partnerId,
  currency: r.currency,
  clicks: r.clicks,
  leads: r.leads,
  customers: r.customers,
  sales: r.sales,
  revenue: r.revenue,
  commissionsOwed: r.owed,
  commissionsPaid: r.paid,
  updatedAt: nowIso,
});
