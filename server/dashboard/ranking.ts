// The partner ranking of a period, in SQL: every partner of the program (those without activity with
// zeros), ordered by one number, one page at a time. The partners are walked in id order and each one's
// days summed from the daily_stats (merchant, mode, partner, day…) index, so nothing sorts the period's
// rows; only the ~one row per partner is sorted. What the rollups do not cover yet (clicks after the
// cursor, ledger numbers changed since) comes in as `stale` days and (day, partner) pairs, whose rolled
// ledger numbers are ignored, and `extra` rows computed from the source tables, summed per partner here
// and joined in as values.
import { PostgresAdapter, sql, type RawBuilder } from 'kysely';
import type { DB } from '../../db';
import type { PartnerSort, StatRow } from './stats';

export interface RankQuery {
  livemode: number;
  from: string;
  to: string;
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

/** Partner ids of one page of the ranking. */
export async function rankPartners(db: DB, merchantId: string, q: RankQuery): Promise<string[]> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const staleParts = [
    ...(q.stale.days.length > 0 ? [sql`d.day in (${sql.join(q.stale.days)})`] : []),
    ...(q.stale.pairs.length > 0 ? [sql`(d.day || '|' || d.partner_id) in (${sql.join(q.stale.pairs.map((p) => `${p.day}|${p.partnerId}`))})`] : []),
  ];
  const dirty = staleParts.length > 0 ? sql`(${sql.join(staleParts, sql` or `)})` : undefined;
  /** A ledger column of a rolled row: zero where its ledger numbers are recomputed in `extra`. */
  const ledger = (column: string): RawBuilder<number> => (dirty ? sql<number>`case when ${dirty} then 0 else ${sql.ref(`d.${column}`)} end` : sql<number>`${sql.ref(`d.${column}`)}`);
  const inCurrency = (e: RawBuilder<number>) => sql<number>`case when d.currency = ${q.currency} then ${e} else 0 end`;
  const rolledKey: Record<PartnerSort, RawBuilder<number>> = {
    earnings: inCurrency(sql`${ledger('commissions_owed')} + ${ledger('commissions_paid')}`),
    revenue: inCurrency(ledger('revenue')),
    sales: ledger('sales'),
    customers: ledger('customers'),
    clicks: sql<number>`d.clicks`,
  };
  const extras = [...extraTotals(q.extra, q.sort, q.currency)];
  const withExtras = extras.length > 0;
  const x = (column: keyof ExtraTotals) => (withExtras ? sql`coalesce(max(${sql.ref(`x.${column}`)}), 0)` : sql`0`);
  const key = sql`coalesce(sum(${rolledKey[q.sort]}), 0) + ${x('sortKey')}`;
  const sales = sql`coalesce(sum(${ledger('sales')}), 0) + ${x('sales')}`;
  const clicks = sql`coalesce(sum(d.clicks), 0) + ${x('clicks')}`;
  // The overview's "has activity" (clicks, customers or sales, or money in some currency) is "has a row":
  // daily_stats never keeps an all-zero row, a row with leads has customers (leads are customers), and a
  // row with a currency is money. On a stale row only the clicks count (its ledger numbers are in `extra`).
  const rolledRows = dirty ? sql`count(case when ${dirty} and d.clicks = 0 then null else d.partner_id end)` : sql`count(d.partner_id)`;
  const active = sql`(${rolledRows} > 0 or ${x('active')} = 1)`;
  // Ties fall back to the id in code point order on both dialects (and in sortPartners).
  const byId = postgres ? sql`p.id collate "C"` : sql`p.id`;
  const bigint = (n: number) => sql`cast(${n} as bigint)`;
  const values = withExtras
    ? sql`with x (partner_id, sort_key, sales, clicks, active) as (values ${sql.join(
        extras.map(([id, t]) => sql`(cast(${id} as text), ${bigint(t.sortKey)}, ${bigint(t.sales)}, ${bigint(t.clicks)}, ${bigint(t.active)})`),
      )}) `
    : sql``;
  const rows = await sql<{ id: string }>`${values}select p.id
    from partners p
    left join daily_stats d on d.merchant_id = p.merchant_id and d.livemode = ${q.livemode} and d.partner_id = p.id and d.day >= ${q.from} and d.day <= ${q.to}
    ${withExtras ? sql`left join x on x.partner_id = p.id` : sql``}
    where p.merchant_id = ${merchantId}
    group by p.id
    ${q.activeOnly ? sql`having ${active}` : sql``}
    order by ${key} desc, ${sales} desc, ${clicks} desc, ${byId}
    limit ${q.limit} offset ${q.offset}`.execute(db);
  return rows.rows.map((r) => r.id);
}


export async function countPartners(db: DB, merchantId: string): Promise<number> {
  const r = await db.selectFrom('partners').select((eb) => eb.fn.countAll<number>().as('n')).where('merchantId', '=', merchantId).executeTakeFirst();
  return Number(r?.n ?? 0);
}
