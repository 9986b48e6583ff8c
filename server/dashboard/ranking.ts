// The partner ranking of a period, in SQL: every partner of the program (those without activity with
// zeros), ordered by one number, one page at a time. The partners are walked in id order and each one's
// days summed from the daily_stats (merchant, mode, partner, day…) index, so nothing sorts the period's
// rows; only the ~one row per partner is sorted. What the rollups do not cover yet (clicks after the
// cursor, ledger numbers changed since) comes in as `stale` days and (day, partner) pairs, whose rolled
// ledger numbers are ignored, and `extra` rows computed from the source tables, summed per partner here
// and joined in as values.
//
// For the kept periods (30 and 90 days ending today, see periods.ts) each partner's sums come from
// period_stats instead: one row per partner and currency. The rolled ledger numbers of stale rows are then
// taken away from those sums (read from daily_stats, only on the stale days) before `extra` is added.
import { PostgresAdapter, sql, type RawBuilder } from 'kysely';
import type { DB } from '../../db';
import type { PartnerSort, StatRow } from './stats';

export interface RankQuery {
  livemode: number;
  from: string;
  to: string;
  /** Set when period_stats holds the sums of [from, to] (a kept period ending on periods_through). */
  span?: number;
  /** Money sorts compare this currency only (the program's). */
  currency: string;
  sort: PartnerSort;
  /** Rolled ledger numbers to ignore: every partner's on `days`, one partner's on a day in `pairs`. */
  stale: { days: string[]; pairs: { day: string; partnerId: string }[] };
  extra: StatRow[];
  /** Only partners with clicks, customers, sales or money in the period (the overview's top list). */
  activeOnly?: boolean;
  limit: number;
  offset: number;
}

interface ExtraTotals {
  sortKey: number;
  sales: number;
  clicks: number;
  /** 1 when the rows hold anything (every row list() returns does), else 0. */
  active: number;
}

/** The sort key of a row, as the SQL below computes it. */
function keyOf(r: StatRow, sort: PartnerSort, currency: string): number {
  if (sort === 'earnings') return r.currency === currency ? r.owed + r.paid : 0;
  if (sort === 'revenue') return r.currency === currency ? r.revenue : 0;
  return r[sort];
}

function extraTotals(rows: StatRow[], sort: PartnerSort, currency: string): Map<string, ExtraTotals> {
  const out = new Map<string, ExtraTotals>();
  for (const r of rows) {
    const t = out.get(r.partnerId) ?? { sortKey: 0, sales: 0, clicks: 0, active: 0 };
    t.sortKey += keyOf(r, sort, currency);
    t.sales += r.sales;
    t.clicks += r.clicks;
    if (r.clicks + r.customers + r.sales > 0 || r.currency !== '') t.active = 1;
    out.set(r.partnerId, t);
  }
  return out;
}

/** How many distinct partners the extra rows may touch before the caller should rank in JavaScript. */
export const MAX_EXTRA_PARTNERS = 1000;
/**
 * How many stale (day, partner) pairs the SQL may carry: they are bound as parameters, in up to four places,
 * next to the extra rows' values, and SQLite takes at most 32,766 parameters a statement.
 */
export const MAX_STALE_PAIRS = 2000;

/** The sort key of a rolled row (daily_stats or period_stats, as `row`), as the rows' own columns give it. */
function rolledKeyOf(sort: PartnerSort, currency: string, column: (name: string) => RawBuilder<number>): RawBuilder<number> {
  const inCurrency = (e: RawBuilder<number>) => sql<number>`case when ${column('currency')} = ${currency} then ${e} else 0 end`;
  if (sort === 'earnings') return inCurrency(sql`${column('commissions_owed')} + ${column('commissions_paid')}`);
  if (sort === 'revenue') return inCurrency(column('revenue'));
  return column(sort);
}

const valuesOf = (extras: [string, ExtraTotals][]) => {
  const bigint = (n: number) => sql`cast(${n} as bigint)`;
  return sql`x (partner_id, sort_key, sales, clicks, active) as (values ${sql.join(
    extras.map(([id, t]) => sql`(cast(${id} as text), ${bigint(t.sortKey)}, ${bigint(t.sales)}, ${bigint(t.clicks)}, ${bigint(t.active)})`),
  )})`;
};

/** Ties fall back to the id in code point order on both dialects (and in sortPartners). */
const idOrder = (db: DB, column: string) => (db.getExecutor().adapter instanceof PostgresAdapter ? sql`${sql.ref(column)} collate "C"` : sql.ref(column));

/** Partner ids of one page of the ranking. */
export async function rankPartners(db: DB, merchantId: string, q: RankQuery): Promise<string[]> {
  if (q.span !== undefined) return rankFromPeriods(db, merchantId, q, q.span);
  const staleParts = [
    ...(q.stale.days.length > 0 ? [sql`d.day in (${sql.join(q.stale.days)})`] : []),
    ...(q.stale.pairs.length > 0 ? [sql`(d.day || '|' || d.partner_id) in (${sql.join(q.stale.pairs.map((p) => `${p.day}|${p.partnerId}`))})`] : []),
  ];
  const dirty = staleParts.length > 0 ? sql`(${sql.join(staleParts, sql` or `)})` : undefined;
  /** A ledger column of a rolled row: zero where its ledger numbers are recomputed in `extra`. */
  const ledger = (column: string): RawBuilder<number> => (dirty ? sql<number>`case when ${dirty} then 0 else ${sql.ref(`d.${column}`)} end` : sql<number>`${sql.ref(`d.${column}`)}`);
  const rolledKey = rolledKeyOf(q.sort, q.currency, (c) => (c === 'clicks' || c === 'currency' ? sql<number>`${sql.ref(`d.${c}`)}` : ledger(c)));
  const extras = [...extraTotals(q.extra, q.sort, q.currency)];
  const withExtras = extras.length > 0;
  const x = (column: keyof ExtraTotals) => (withExtras ? sql`coalesce(max(${sql.ref(`x.${column}`)}), 0)` : sql`0`);
  const key = sql`coalesce(sum(${rolledKey}), 0) + ${x('sortKey')}`;
  const sales = sql`coalesce(sum(${ledger('sales')}), 0) + ${x('sales')}`;
  const clicks = sql`coalesce(sum(d.clicks), 0) + ${x('clicks')}`;
  // The overview's "has activity" (clicks, customers or sales, or money in some currency) is "has a row":
  // daily_stats never keeps an all-zero row, a row with leads has customers (leads are customers), and a
  // row with a currency is money. On a stale row only the clicks count (its ledger numbers are in `extra`).
  const rolledRows = dirty ? sql`count(case when ${dirty} and d.clicks = 0 then null else d.partner_id end)` : sql`count(d.partner_id)`;
  const active = sql`(${rolledRows} > 0 or ${x('active')} = 1)`;
  const values = withExtras ? sql`with ${valuesOf(extras)} ` : sql``;
  const rows = await sql<{ id: string }>`${values}select p.id
    from partners p
    left join daily_stats d on d.merchant_id = p.merchant_id and d.livemode = ${q.livemode} and d.partner_id = p.id and d.day >= ${q.from} and d.day <= ${q.to}
    ${withExtras ? sql`left join x on x.partner_id = p.id` : sql``}
    where p.merchant_id = ${merchantId}
    group by p.id
    ${q.activeOnly ? sql`having ${active}` : sql``}
    order by ${key} desc, ${sales} desc, ${clicks} desc, ${idOrder(db, 'p.id')}
    limit ${q.limit} offset ${q.offset}`.execute(db);
  return rows.rows.map((r) => r.id);
}

/**
 * The same ranking from period_stats: `pt` is each partner's kept sums, `st` the rolled ledger numbers of
 * its stale rows (found by day through the primary key, then by pair), `x` the extra rows. Every partner
 * has at most one row in each, so no join multiplies another.
 */
async function rankFromPeriods(db: DB, merchantId: string, q: RankQuery, span: number): Promise<string[]> {
  const row = (table: string) => (c: string) => sql<number>`${sql.ref(`${table}.${c}`)}`;
  const pairs = q.stale.pairs.map((p) => `${p.day}|${p.partnerId}`);
  const staleDays = [...new Set([...q.stale.days, ...q.stale.pairs.map((p) => p.day)])];
  const byPair = [
    ...(q.stale.days.length > 0 ? [sql`d.day in (${sql.join(q.stale.days)})`] : []),
    ...(pairs.length > 0 ? [sql`(d.day || '|' || d.partner_id) in (${sql.join(pairs)})`] : []),
  ];
  const extras = [...extraTotals(q.extra, q.sort, q.currency)];
  const ctes = [
    sql`pt as (select s.partner_id, sum(${rolledKeyOf(q.sort, q.currency, row('s'))}) as sort_key, sum(s.sales) as sales, sum(s.clicks) as clicks, sum(s.days) as days
      from period_stats s where s.merchant_id = ${merchantId} and s.livemode = ${q.livemode} and s.span = ${span} group by s.partner_id)`,
    ...(staleDays.length > 0
      ? [
          // Clicks are never stale: the clicks sort takes nothing away.
          sql`st as (select d.partner_id, sum(${q.sort === 'clicks' ? sql`0` : rolledKeyOf(q.sort, q.currency, row('d'))}) as sort_key, sum(d.sales) as sales,
            sum(case when d.clicks = 0 then 1 else 0 end) as gone
          from daily_stats d where d.merchant_id = ${merchantId} and d.livemode = ${q.livemode} and d.day in (${sql.join(staleDays)}) and (${sql.join(byPair, sql` or `)})
          group by d.partner_id)`,
        ]
      : []),
    ...(extras.length > 0 ? [valuesOf(extras)] : []),
  ];
  const st = (column: string) => (staleDays.length > 0 ? sql` - coalesce(${sql.ref(`st.${column}`)}, 0)` : sql``);
  const x = (column: string) => (extras.length > 0 ? sql` + coalesce(${sql.ref(`x.${column}`)}, 0)` : sql``);
  // "Has activity" as in rankPartners: a rolled row in the period (on a stale row, only one with clicks), or an extra row.
  const active = sql`(coalesce(pt.days, 0)${st('gone')} > 0${extras.length > 0 ? sql` or coalesce(x.active, 0) = 1` : sql``})`;
  const rows = await sql<{ id: string }>`with ${sql.join(ctes)}
    select p.id
    from partners p
    left join pt on pt.partner_id = p.id
    ${staleDays.length > 0 ? sql`left join st on st.partner_id = p.id` : sql``}
    ${extras.length > 0 ? sql`left join x on x.partner_id = p.id` : sql``}
    where p.merchant_id = ${merchantId}
    ${q.activeOnly ? sql`and ${active}` : sql``}
    order by coalesce(pt.sort_key, 0)${st('sort_key')}${x('sort_key')} desc, coalesce(pt.sales, 0)${st('sales')}${x('sales')} desc, coalesce(pt.clicks, 0)${x('clicks')} desc, ${idOrder(db, 'p.id')}
    limit ${q.limit} offset ${q.offset}`.execute(db);
  return rows.rows.map((r) => r.id);
}


export async function countPartners(db: DB, merchantId: string): Promise<number> {
  const r = await db.selectFrom('partners').select((eb) => eb.fn.countAll<number>().as('n')).where('merchantId', '=', merchantId).executeTakeFirst();
  return Number(r?.n ?? 0);
}
