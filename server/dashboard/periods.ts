// period_stats: each partner's numbers of the overview's longer periods, summed ahead of time, so the partner
// ranking reads ~one row per partner instead of one per partner and day (see ranking.ts).
//
// The rule that keeps them exact: for every kept span S, a row holds the daily_stats rows of its (mode,
// partner, currency) on the S days ending on `dashboard_rollups.periods_through`, summed, and `days` counts
// those rows. So every transaction of the rollup job that changes daily_stats rows of those days adds the
// change here (`addDayChanges`), and when the day moves on `shiftPeriods` adds the days coming in and takes
// away the days going out (or, after a long gap, sums them afresh). Changes are computed by the caller from
// the rows as they were before it wrote them: that is what `clickChanges` and `ledgerChanges` do.
import { sql } from 'kysely';
import type { DB } from '../../db';
import { addDays, daysBetween } from './days';
import type { StatRow } from './stats';
import type { DailyStat } from './store';

/** The preset periods kept ahead of time. Seven days of day rows are summed fast enough as they are. */
export const PERIOD_SPANS = [30, 90] as const;
const LONGEST = Math.max(...PERIOD_SPANS);
/** Beyond this many days' step (the job stopped for a while) the periods are summed afresh in SQL. */
const LONGEST_SHIFT = 7;
const CHUNK = 200;

/** The numbers of a daily_stats row, or a change to them. */
type Numbers = Pick<StatRow, 'clicks' | 'leads' | 'customers' | 'sales' | 'revenue' | 'owed' | 'paid'>;
const NUMBERS = ['clicks', 'leads', 'customers', 'sales', 'revenue', 'owed', 'paid'] as const;

/** A change to one daily_stats row: new numbers less the old; `days` +1 for a new row, −1 for a removed one. */
export interface DayChange extends Numbers {
  livemode: number;
  day: string;
  partnerId: string;
  currency: string;
  days: number;
}

/** The first day of the span ending on `through`. */
const firstDay = (span: number, through: string) => addDays(through, -(span - 1));

/** Which kept span a range of local days is, if the kept periods end on its last day. */
export function keptSpan(from: string, to: string, periodsThrough: string | null): number | undefined {
  if (periodsThrough === null || to !== periodsThrough) return undefined;
  return PERIOD_SPANS.find((s) => firstDay(s, to) === from);
}

/** Of `days`, those some kept period ending on `through` covers. */
export const keptDays = (days: Iterable<string>, through: string | null): string[] =>
  through === null ? [] : [...new Set(days)].filter((d) => d >= firstDay(LONGEST, through) && d <= through);

/**
 * Some partners' kept sums of one span, shaped as readDailyStats' rows dated `through`: the numbers of a
 * whole period, which the caller merges as it merges day rows.
 */
export async function readPeriodStats(db: DB, merchantId: string, livemode: number, span: number, partnerIds: string[], through: string): Promise<DailyStat[]> {
  if (partnerIds.length === 0) return [];
  const rows = await db
    .selectFrom('periodStats')
    .select(['partnerId', 'currency', 'clicks', 'leads', 'customers', 'sales', 'revenue', 'commissionsOwed', 'commissionsPaid'])
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where('span', '=', span)
    .where('partnerId', 'in', partnerIds)
    .where('days', '>', 0)
    .execute();
  return rows.map((r) => ({ ...r, day: through }));
}

type DayRow = Numbers & { livemode: number; day: string; partnerId: string; currency: string };

/** daily_stats rows on `days`: of both modes, or one; of every currency, or one. */
async function dayRows(trx: DB, merchantId: string, days: string[], only: { livemode?: number; currency?: string } = {}): Promise<DayRow[]> {
  const out: DayRow[] = [];
  for (let i = 0; i < days.length; i += 500) {
    const rows = await trx
      .selectFrom('dailyStats')
      .select(['livemode', 'day', 'partnerId', 'currency', 'clicks', 'leads', 'customers', 'sales', 'revenue', 'commissionsOwed', 'commissionsPaid'])
      .where('merchantId', '=', merchantId)
      .where('livemode', 'in', only.livemode === undefined ? [0, 1] : [only.livemode])
      .where('day', 'in', days.slice(i, i + 500))
      .$if(only.currency !== undefined, (q) => q.where('currency', '=', only.currency!))
      .execute();
    for (const r of rows) {
      out.push({ livemode: r.livemode, day: r.day, partnerId: r.partnerId, currency: r.currency, clicks: Number(r.clicks), leads: Number(r.leads), customers: Number(r.customers), sales: Number(r.sales), revenue: Number(r.revenue), owed: Number(r.commissionsOwed), paid: Number(r.commissionsPaid) });
    }
  }
  return out;
}

const keyOf = (r: { livemode: number; day: string; partnerId: string; currency: string }) => `${r.livemode}|${r.day}|${r.partnerId}|${r.currency}`;

/**
 * What adding click rows (written to both modes, currency '') will change, read before they are written:
 * the clicks, and a new row where the (mode, day, partner) has none yet.
 */
export async function clickChanges(trx: DB, merchantId: string, through: string | null, rows: { day: string; partnerId: string; clicks: number }[]): Promise<DayChange[]> {
  const days = keptDays(rows.map((r) => r.day), through);
  if (days.length === 0) return [];
  const existing = new Set((await dayRows(trx, merchantId, days, { currency: '' })).map(keyOf));
  const kept = new Set(days);
  return rows.flatMap((r) =>
    !kept.has(r.day)
      ? []
      : [0, 1].map((livemode) => {
          const key = { livemode, day: r.day, partnerId: r.partnerId, currency: '' };
          return { ...key, days: existing.has(keyOf(key)) ? 0 : 1, clicks: r.clicks, leads: 0, customers: 0, sales: 0, revenue: 0, owed: 0, paid: 0 };
        }),
  );
}

/** The rows of `days` (one mode) before the ledger step recomputes their ledger numbers. */
export async function rowsBeforeLedger(trx: DB, merchantId: string, livemode: number, through: string | null, days: string[]): Promise<DayRow[]> {
  const kept = keptDays(days, through);
  return kept.length === 0 ? [] : dayRows(trx, merchantId, kept, { livemode });
}

/**
 * What the ledger step does to the rows of its days, as changes: every row keeps its clicks and takes the
 * recomputed ledger numbers (none where `recomputed` has no row), and rows left all zero are removed.
 * `before` must hold every row of the kept days among `days`.
 */
export function ledgerChanges(livemode: number, through: string | null, days: string[], before: DayRow[], recomputed: StatRow[]): DayChange[] {
  const kept = new Set(keptDays(days, through));
  const after = new Map<string, DayRow>();
  for (const b of before) after.set(keyOf(b), { ...b, leads: 0, customers: 0, sales: 0, revenue: 0, owed: 0, paid: 0 });
  for (const r of recomputed) {
    if (!kept.has(r.day)) continue;
    const key = keyOf({ ...r, livemode });
    after.set(key, { livemode, day: r.day, partnerId: r.partnerId, currency: r.currency, clicks: after.get(key)?.clicks ?? 0, leads: r.leads, customers: r.customers, sales: r.sales, revenue: r.revenue, owed: r.owed, paid: r.paid });
  }
  const old = new Map(before.map((b) => [keyOf(b), b]));
  const out: DayChange[] = [];
  for (const [key, a] of after) {
    const b = old.get(key);
    const exists = NUMBERS.some((n) => a[n] !== 0);
    const change: DayChange = { livemode, day: a.day, partnerId: a.partnerId, currency: a.currency, days: (exists ? 1 : 0) - (b ? 1 : 0), clicks: 0, leads: 0, customers: 0, sales: 0, revenue: 0, owed: 0, paid: 0 };
    for (const n of NUMBERS) change[n] = (exists ? a[n] : 0) - (b?.[n] ?? 0);
    out.push(change);
  }
  return out;
}

/** Add changes of daily_stats rows to every kept period ending on `through` that covers their day. */
export async function addDayChanges(trx: DB, merchantId: string, through: string | null, changes: DayChange[]): Promise<void> {
  if (through === null) return;
  await addToPeriods(
    trx,
    merchantId,
    PERIOD_SPANS.flatMap((span) => {
      const from = firstDay(span, through);
      return changes.filter((c) => c.day >= from && c.day <= through).map((c) => ({ ...c, span }));
    }),
  );
}

async function addToPeriods(trx: DB, merchantId: string, changes: (DayChange & { span: number })[]): Promise<void> {
  const sums = new Map<string, DayChange & { span: number }>();
  for (const c of changes) {
    const key = `${c.livemode}|${c.span}|${c.partnerId}|${c.currency}`;
    const s = sums.get(key);
    if (!s) sums.set(key, { ...c });
    else {
      s.days += c.days;
      for (const n of NUMBERS) s[n] += c[n];
    }
  }
  const values = [...sums.values()]
    .filter((s) => s.days !== 0 || NUMBERS.some((n) => s[n] !== 0))
    .map((s) => ({ merchantId, livemode: s.livemode, span: s.span, partnerId: s.partnerId, currency: s.currency, days: s.days, clicks: s.clicks, leads: s.leads, customers: s.customers, sales: s.sales, revenue: s.revenue, commissionsOwed: s.owed, commissionsPaid: s.paid }));
  for (let i = 0; i < values.length; i += CHUNK) {
    await trx
      .insertInto('periodStats')
      .values(values.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.columns(['merchantId', 'livemode', 'span', 'partnerId', 'currency']).doUpdateSet((eb) => ({
          days: eb('periodStats.days', '+', eb.ref('excluded.days')),
          clicks: eb('periodStats.clicks', '+', eb.ref('excluded.clicks')),
          leads: eb('periodStats.leads', '+', eb.ref('excluded.leads')),
          customers: eb('periodStats.customers', '+', eb.ref('excluded.customers')),
          sales: eb('periodStats.sales', '+', eb.ref('excluded.sales')),
          revenue: eb('periodStats.revenue', '+', eb.ref('excluded.revenue')),
          commissionsOwed: eb('periodStats.commissionsOwed', '+', eb.ref('excluded.commissionsOwed')),
          commissionsPaid: eb('periodStats.commissionsPaid', '+', eb.ref('excluded.commissionsPaid')),
        })),
      )
      .execute();
  }
}

/**
 * Move the kept periods from ending on `from` (null: none kept) to ending on `to`, inside the transaction
 * that claimed `periods_through`. A step of up to a week adds the days coming in and takes away the days
 * going out; a first build, a longer gap or a step back (clocks of two processes disagreeing around
 * midnight) sums the periods from daily_stats.
 */
export async function shiftPeriods(trx: DB, merchantId: string, from: string | null, to: string): Promise<void> {
  if (from === null || to < from || daysBetween(from, to).length > LONGEST_SHIFT + 1) return rebuildPeriods(trx, merchantId, to);
  const incoming = daysBetween(addDays(from, 1), to);
  const added = await dayRows(trx, merchantId, incoming);
  const changes: (DayChange & { span: number })[] = [];
  for (const span of PERIOD_SPANS) {
    for (const r of added) changes.push({ ...r, span, days: 1 });
    const outgoing = daysBetween(firstDay(span, from), addDays(to, -span));
    for (const r of await dayRows(trx, merchantId, outgoing)) {
      const change: DayChange & { span: number } = { ...r, span, days: -1 };
      for (const n of NUMBERS) change[n] = -r[n];
      changes.push(change);
    }
  }
  await addToPeriods(trx, merchantId, changes);
}

async function rebuildPeriods(trx: DB, merchantId: string, through: string): Promise<void> {
  await trx.deleteFrom('periodStats').where('merchantId', '=', merchantId).execute();
  for (const span of PERIOD_SPANS) {
    await trx
      .insertInto('periodStats')
      .columns(['merchantId', 'livemode', 'span', 'partnerId', 'currency', 'days', 'clicks', 'leads', 'customers', 'sales', 'revenue', 'commissionsOwed', 'commissionsPaid'])
      .expression((eb) =>
        eb
          .selectFrom('dailyStats')
          .select((s) => [
            'merchantId',
            'livemode',
            sql<number>`${sql.lit(span)}`.as('span'),
            'partnerId',
            'currency',
            s.fn.countAll().as('days'),
            s.fn.sum('clicks').as('clicks'),
            s.fn.sum('leads').as('leads'),
            s.fn.sum('customers').as('customers'),
            s.fn.sum('sales').as('sales'),
            s.fn.sum('revenue').as('revenue'),
            s.fn.sum('commissionsOwed').as('commissionsOwed'),
            s.fn.sum('commissionsPaid').as('commissionsPaid'),
          ])
          .where('merchantId', '=', merchantId)
          .where('livemode', 'in', [0, 1])
          .where('day', '>=', firstDay(span, through))
          .where('day', '<=', through)
          .groupBy(['merchantId', 'livemode', 'partnerId', 'currency']),
      )
      .execute();
  }
}
