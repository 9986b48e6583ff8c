// The overview's numbers: daily_stats / daily_totals where the rollups are current, the source tables for
// the rest (clicks after the click cursor, ledger numbers changed after the ledger cursor), so the pages
// are exact without scanning the clicks table, however far behind the job is. The totals recompute whole
// changed days; the partner rankings only the changed partners' numbers of those days, so a batch of
// approvals on a busy day does not send a 10,000-partner program down the in-process path.
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { getSettings } from '../accounts/store';
import { viewLivemode } from '../commissions/queries';
import { addClicks, addLedger } from './compute';
import { daysBetween, localDay, localDayOf, rangeBounds } from './days';
import { resolvePeriod, type Period } from './period';
import { keptSpan, readPeriodStats } from './periods';
import type { OverviewQuery } from './schema';
import { ANY_PARTNER, ledgerChangesSince, readDailyStats, rollupState, type DailyStat } from './store';
import { readDailyTotals } from './totals';
import { countPartners, MAX_EXTRA_PARTNERS, MAX_STALE_PAIRS, rankPartners } from './ranking';
import { partnerTotals, StatTable, sortPartners, summarize, summarizeTotals, type PartnerSort, type PartnerTotals, type PeriodTotals, type StatRow } from './stats';

export interface StatsRange {
  livemode: number;
  from: string;
  to: string;
  timeZone: string;
}

/** Which rolled ledger numbers are out of date: every partner's on `days`, some partners' on `partners`' days. */
interface Stale {
  days: Set<string>;
  partners: Map<string, Set<string>>;
}

const isStale = (s: Stale, day: string, partnerId: string) => s.days.has(day) || s.partners.get(day)?.has(partnerId) === true;
/** Every day with anything stale: what the totals (one row per day, every partner summed) recompute. */
const staleDays = (s: Stale): Stale => ({ days: new Set([...s.days, ...s.partners.keys()]), partners: new Map() });

/**
 * Where a range's numbers come from. `direct`: every row computed from the source tables (no rollups yet,
 * or rolled up in another time zone). `rollups`: the rolled rows, except their `stale` ledger numbers,
 * plus `extra` rows from the source tables: the click tail, and every partner's ledger numbers of the
 * stale days (see `forPartners` for the rows of the stale partners only).
 */
type Source = { kind: 'direct'; rows: StatRow[] } | { kind: 'rollups'; stale: Stale; extra: StatRow[]; periodsThrough: string | null };

async function sourceOf(db: DB, merchantId: string, r: StatsRange, opts: { direct?: boolean }): Promise<Source> {
  const { startIso, endIso } = rangeBounds(r.from, r.to, r.timeZone);
  const table = new StatTable();
  const state = opts.direct ? undefined : await rollupState(db, merchantId);
  const days = daysBetween(r.from, r.to);
  if (!state || state.timeZone !== r.timeZone) {
    await addClicks(table, db, merchantId, startIso, endIso, r.timeZone);
    await addLedger(table, db, merchantId, r.livemode, days, r.timeZone);
    return { kind: 'direct', rows: table.list() };
  }
  const stale: Stale = { days: new Set(), partners: new Map() };
  if (state.ledgerThrough === null) for (const d of days) stale.days.add(d);
  else {
    const changes = await ledgerChangesSince(db, merchantId, state.ledgerThrough);
    const dayOf = localDayOf(changes.map((c) => c.at), r.timeZone);
    for (const c of changes) {
      const day = dayOf(c.at);
      if (c.livemode !== r.livemode || day < r.from || day > r.to) continue;
      if (c.partnerId === ANY_PARTNER) stale.days.add(day);
      else stale.partners.set(day, (stale.partners.get(day) ?? new Set()).add(c.partnerId));
    }
  }
  const clickTail = state.clicksThrough && state.clicksThrough > startIso ? state.clicksThrough : startIso;
  await addClicks(table, db, merchantId, clickTail, endIso, r.timeZone);
  await addLedger(table, db, merchantId, r.livemode, [...staleDays(stale).days], r.timeZone);
  return { kind: 'rollups', stale, extra: table.list(), periodsThrough: state.periodsThrough };
}

/** The extra rows that go with per-partner rolled rows: clicks, and the ledger numbers of stale partners only. */
function forPartners(source: { stale: Stale; extra: StatRow[] }): { stale: Stale; extra: StatRow[] } {
  const extra = source.extra.flatMap((r) => (isStale(source.stale, r.day, r.partnerId) ? [r] : r.clicks > 0 ? [{ ...r, leads: 0, customers: 0, sales: 0, revenue: 0, owed: 0, paid: 0 }] : []));
  return { stale: source.stale, extra };
}

/** Rolled rows (their stale ledger numbers left out) plus the extra rows, as one list. */
function merged(rolled: DailyStat[], source: { stale: Stale; extra: StatRow[] }): StatRow[] {
  const table = new StatTable();
  for (const s of rolled) {
    table.add({ day: s.day, partnerId: s.partnerId, currency: s.currency, clicks: s.clicks });
    if (!isStale(source.stale, s.day, s.partnerId)) {
      table.add({ day: s.day, partnerId: s.partnerId, currency: s.currency, leads: s.leads, customers: s.customers, sales: s.sales, revenue: s.revenue, owed: s.commissionsOwed, paid: s.commissionsPaid });
    }
  }
  for (const r of source.extra) table.add(r);
  return table.list();
}

/**
 * Daily rows per partner for a range of local days. `direct` skips the rollups (tests compare both ways;
 * the rollup job's state decides otherwise). `fromRollups` says whether daily_stats was used.
 */
export async function statRows(db: DB, merchantId: string, r: StatsRange, opts: { direct?: boolean } = {}): Promise<{ rows: StatRow[]; fromRollups: boolean }> {
  const source = await sourceOf(db, merchantId, r, opts);
  if (source.kind === 'direct') return { rows: source.rows, fromRollups: false };
  return { rows: merged(await readDailyStats(db, merchantId, r.livemode, r.from, r.to), forPartners(source)), fromRollups: true };
}

/** The range's totals and daily series: from daily_totals (every partner summed) where rolled up. */
export async function periodTotals(db: DB, merchantId: string, r: StatsRange, opts: { direct?: boolean } = {}): Promise<PeriodTotals> {
  return totalsFrom(db, merchantId, r, await sourceOf(db, merchantId, r, opts));
}

async function totalsFrom(db: DB, merchantId: string, r: StatsRange, source: Source): Promise<PeriodTotals> {
  const days = daysBetween(r.from, r.to);
  if (source.kind === 'direct') return summarizeTotals(source.rows, days);
  const totals = await readDailyTotals(db, merchantId, r.livemode, r.from, r.to);
  return summarizeTotals(merged(totals.map((t) => ({ ...t, partnerId: '' })), { stale: staleDays(source.stale), extra: source.extra }), days);
}

export interface NamedPartner extends PartnerTotals {
  name: string;
  code: string;
  status: string;
}

export interface PeriodView {
  mode: 'live' | 'test';
  livemode: number;
  timeZone: string;
  /** The program currency: money sorts and the top partners use it. */
  currency: string;
  range: Period;
}

export interface Overview extends PeriodView, PeriodTotals {
  /** The top partners by the requested sort, those with activity in the period only. */
  partners: NamedPartner[];
}

export interface PartnerPage extends PeriodView {
  /** One page of every partner of the program, in the requested order. */
  partners: NamedPartner[];
  total: number;
  page: number;
  pages: number;
}

async function periodView(db: DB, clock: Clock, merchantId: string, q: OverviewQuery): Promise<PeriodView & { stats: StatsRange }> {
  const [settings, livemode] = await Promise.all([getSettings(db, merchantId), viewLivemode(db, merchantId, q.mode)]);
  const range = resolvePeriod(q, localDay(clock.now().getTime(), settings.timeZone));
  return {
    mode: livemode === 1 ? 'live' : 'test',
    livemode,
    timeZone: settings.timeZone,
    currency: settings.currency,
    range,
    stats: { livemode, from: range.from, to: range.to, timeZone: settings.timeZone },
  };
}

const zero = (partnerId: string): PartnerTotals => ({ partnerId, clicks: 0, leads: 0, customers: 0, sales: 0, money: [] });

async function named(db: DB, merchantId: string, totals: PartnerTotals[]): Promise<NamedPartner[]> {
  if (totals.length === 0) return [];
  const rows = await db
    .selectFrom('partners')
    .select(['id', 'name', 'code', 'status'])
    .where('merchantId', '=', merchantId)
    .where('id', 'in', totals.map((t) => t.partnerId))
    .execute();
  const byId = new Map(rows.map((p) => [p.id, p]));
  return totals.flatMap((t) => {
    const p = byId.get(t.partnerId);
    return p ? [{ ...t, name: p.name, code: p.code, status: p.status }] : [];
  });
}

/** Every partner of the program (those without activity with zeros), in the requested order: the JavaScript way. */
async function rankedInProcess(db: DB, merchantId: string, rows: StatRow[], sort: PartnerSort, currency: string): Promise<NamedPartner[]> {
  const partners = await db.selectFrom('partners').select(['id', 'name', 'code', 'status']).where('merchantId', '=', merchantId).execute();
  const totals = new Map(partnerTotals(rows).map((p) => [p.partnerId, p]));
  const list = partners.map((p) => ({ ...(totals.get(p.id) ?? zero(p.id)), name: p.name, code: p.code, status: p.status }));
  return sortPartners(list, sort, currency);
}

const isActive = (p: PartnerTotals) => p.clicks + p.customers + p.sales > 0 || p.money.length > 0;

/**
 * A slice of the ranking. With the rollups, SQL orders the partners and only the slice's rows are read;
 * without them (or when the source tables add rows for many partners) the rows are ranked here.
 */
async function rankedSlice(db: DB, merchantId: string, v: PeriodView, source: Source, sort: PartnerSort, slice: { limit: number; offset: number; activeOnly?: boolean }): Promise<NamedPartner[]> {
  const inProcess = async (rows: StatRow[]) => {
    const all = await rankedInProcess(db, merchantId, rows, sort, v.currency);
    return (slice.activeOnly ? all.filter(isActive) : all).slice(slice.offset, slice.offset + slice.limit);
  };
  if (source.kind === 'direct') return inProcess(source.rows);
  const { from, to } = v.range;
  const mine = forPartners(source);
  const stale = { days: [...mine.stale.days], pairs: [...mine.stale.partners].flatMap(([day, ids]) => [...ids].map((id) => ({ day, partnerId: id }))) };
  // A payout run marking a thousand partners paid can leave more changes than the SQL can carry: rank here.
  if (new Set(mine.extra.map((r) => r.partnerId)).size > MAX_EXTRA_PARTNERS || stale.pairs.length > MAX_STALE_PAIRS) {
    return inProcess(merged(await readDailyStats(db, merchantId, v.livemode, from, to), mine));
  }
  const query = { livemode: v.livemode, from, to, currency: v.currency, sort, stale, extra: mine.extra, ...slice };
  const span = keptSpan(from, to, source.periodsThrough);
  let ids = await rankPartners(db, merchantId, { ...query, span });
  // The shown partners' numbers: their kept sums when none of them has stale rows, else their day rows.
  const stalePartners = new Set([...mine.stale.partners.values()].flatMap((ids) => [...ids]));
  const anyStale = mine.stale.days.size > 0 || ids.some((id) => stalePartners.has(id));
  let kept = span !== undefined && !anyStale ? await readPeriodStats(db, merchantId, v.livemode, span, ids, to) : undefined;
  // The job may have moved the periods to a new day since `source` was read (just after midnight): then
  // the sums just read were of another period, and the day rows decide. One statement reads one snapshot,
  // so periods that still end on `to` now did when the statements above read them.
  if (span !== undefined && (await rollupState(db, merchantId))?.periodsThrough !== to) {
    ids = await rankPartners(db, merchantId, query);
    kept = undefined;
  }
  const wanted = new Set(ids);
  const rolled = kept ?? (await readDailyStats(db, merchantId, v.livemode, from, to, ids));
  const totals = new Map(partnerTotals(merged(rolled, { stale: mine.stale, extra: mine.extra.filter((r) => wanted.has(r.partnerId)) })).map((p) => [p.partnerId, p]));
  return named(db, merchantId, ids.map((id) => totals.get(id) ?? zero(id)));
}

/** What the overview shows: the period's totals and daily series, and the top `top` active partners. */
export async function overview(db: DB, clock: Clock, merchantId: string, q: OverviewQuery, top = 10): Promise<Overview> {
  const v = await periodView(db, clock, merchantId, q);
  const source = await sourceOf(db, merchantId, v.stats, {});
  const [totals, partners] = await Promise.all([totalsFrom(db, merchantId, v.stats, source), rankedSlice(db, merchantId, v, source, q.sort as PartnerSort, { limit: top, offset: 0, activeOnly: true })]);
  const { stats: _stats, ...view } = v;
  return { ...view, ...totals, partners };
}

/** One page of the partner performance ranking, with the number of partners and pages. */
export async function partnerPage(db: DB, clock: Clock, merchantId: string, q: OverviewQuery, pageSize: number): Promise<PartnerPage> {
  const [v, total] = await Promise.all([periodView(db, clock, merchantId, q), countPartners(db, merchantId)]);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(q.page, pages);
  const partners = await rankedSlice(db, merchantId, v, await sourceOf(db, merchantId, v.stats, {}), q.sort as PartnerSort, { limit: pageSize, offset: (page - 1) * pageSize });
  const { stats: _stats, ...view } = v;
  return { ...view, partners, total, page, pages };
}

/** Every partner in the requested order (the CSV file), with the period's totals. */
export async function allPartners(db: DB, clock: Clock, merchantId: string, q: OverviewQuery): Promise<Overview> {
  const v = await periodView(db, clock, merchantId, q);
  const { rows } = await statRows(db, merchantId, v.stats);
  const { stats: _stats, ...view } = v;
  const { partners: _p, ...totals } = summarize(rows, v.range.days);
  return { ...view, ...totals, partners: await rankedInProcess(db, merchantId, rows, q.sort as PartnerSort, v.currency) };
}
