// The overview's numbers: daily_stats where the rollups are current, the source tables for the rest
// (clicks after the click cursor, ledger days changed after the ledger cursor), so the page is exact
// without scanning the clicks table, however far behind the job is.
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { getSettings } from '../accounts/store';
import { viewLivemode } from '../commissions/queries';
import { addClicks, addLedger } from './compute';
import { daysBetween, localDay, rangeBounds } from './days';
import { resolvePeriod, type Period } from './period';
import type { OverviewQuery } from './schema';
import { ledgerChangesSince, readDailyStats, rollupState } from './store';
import { StatTable, sortPartners, summarize, type PartnerSort, type PartnerTotals, type StatRow, type Summary } from './stats';

export interface StatsRange {
  livemode: number;
  from: string;
  to: string;
  timeZone: string;
}

/**
 * Daily rows for a range of local days. `direct` skips the rollups (tests compare both ways; the rollup
 * job's state decides otherwise). `fromRollups` says whether daily_stats was used.
 */
export async function statRows(db: DB, merchantId: string, r: StatsRange, opts: { direct?: boolean } = {}): Promise<{ rows: StatRow[]; fromRollups: boolean }> {
  const { startIso, endIso } = rangeBounds(r.from, r.to, r.timeZone);
  const table = new StatTable();
  const state = opts.direct ? undefined : await rollupState(db, merchantId);
  const days = daysBetween(r.from, r.to);
  if (!state || state.timeZone !== r.timeZone) {
    await addClicks(table, db, merchantId, startIso, endIso, r.timeZone);
    await addLedger(table, db, merchantId, r.livemode, days, r.timeZone);
    return { rows: table.list(), fromRollups: false };
  }
  const [rolled, changes] = await Promise.all([
    readDailyStats(db, merchantId, r.livemode, r.from, r.to),
    state.ledgerThrough === null ? Promise.resolve(undefined) : ledgerChangesSince(db, merchantId, state.ledgerThrough),
  ]);
  const dirty = new Set(changes === undefined ? days : changes.filter((c) => c.livemode === r.livemode).map((c) => localDay(c.at, r.timeZone)).filter((d) => d >= r.from && d <= r.to));
  for (const s of rolled) {
    table.add({ day: s.day, partnerId: s.partnerId, currency: s.currency, clicks: s.clicks });
    if (!dirty.has(s.day)) {
      table.add({ day: s.day, partnerId: s.partnerId, currency: s.currency, leads: s.leads, customers: s.customers, sales: s.sales, revenue: s.revenue, owed: s.commissionsOwed, paid: s.commissionsPaid });
    }
  }
  const clickTail = state.clicksThrough && state.clicksThrough > startIso ? state.clicksThrough : startIso;
  await addClicks(table, db, merchantId, clickTail, endIso, r.timeZone);
  await addLedger(table, db, merchantId, r.livemode, [...dirty], r.timeZone);
  return { rows: table.list(), fromRollups: true };
}

export interface NamedPartner extends PartnerTotals {
  name: string;
  code: string;
  status: string;
}

export interface Overview extends Summary {
  mode: 'live' | 'test';
  livemode: number;
  timeZone: string;
  /** The program currency: money sorts and the top partners use it. */
  currency: string;
  range: Period;
  partners: NamedPartner[];
}

const partnersOf = (db: DB, merchantId: string) => db.selectFrom('partners').select(['id', 'name', 'code', 'status']).where('merchantId', '=', merchantId).execute();

/**
 * Everything the overview and the partner performance page show for a query. Every partner of the
 * program is listed (those without activity with zeros), named, in the requested order.
 */
export async function overview(db: DB, clock: Clock, merchantId: string, q: OverviewQuery): Promise<Overview> {
  const [settings, livemode] = await Promise.all([getSettings(db, merchantId), viewLivemode(db, merchantId, q.mode)]);
  const range = resolvePeriod(q, localDay(clock.now().getTime(), settings.timeZone));
  const [{ rows }, partners] = await Promise.all([statRows(db, merchantId, { livemode, from: range.from, to: range.to, timeZone: settings.timeZone }), partnersOf(db, merchantId)]);
  const summary = summarize(rows, range.days);
  const totals = new Map(summary.partners.map((p) => [p.partnerId, p]));
  const named: NamedPartner[] = partners.map((p) => ({ ...(totals.get(p.id) ?? { partnerId: p.id, clicks: 0, leads: 0, customers: 0, sales: 0, money: [] }), name: p.name, code: p.code, status: p.status }));
  return {
    ...summary,
    mode: livemode === 1 ? 'live' : 'test',
    livemode,
    timeZone: settings.timeZone,
    currency: settings.currency,
    range,
    partners: sortPartners(named, q.sort as PartnerSort, settings.currency),
  };
}
