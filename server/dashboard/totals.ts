// daily_totals: the merchant's numbers per local day and currency, every partner summed. The rollup job
// rewrites a day's totals from that day's daily_stats rows in the transaction that writes those rows, so
// the two never disagree; the overview's totals and chart read ~one row per day instead of one per
// partner and day.
import { sql } from 'kysely';
import type { DB } from '../../db';
import type { DailyTotalsTable } from '../../db/tables/dashboard';

const BATCH = 500;

/** Recompute the totals of `days` (one mode) from daily_stats. Run inside the transaction that wrote them. */
export async function refreshDailyTotals(trx: DB, merchantId: string, livemode: number, days: string[], nowIso: string): Promise<void> {
  const unique = [...new Set(days)];
  for (let i = 0; i < unique.length; i += BATCH) {
    const batch = unique.slice(i, i + BATCH);
    await trx.deleteFrom('dailyTotals').where('merchantId', '=', merchantId).where('livemode', '=', livemode).where('day', 'in', batch).execute();
    await trx
      .insertInto('dailyTotals')
      .columns(['merchantId', 'livemode', 'day', 'currency', 'clicks', 'leads', 'customers', 'sales', 'revenue', 'commissionsOwed', 'commissionsPaid', 'updatedAt'])
      .expression((eb) =>
        eb
          .selectFrom('dailyStats')
          .select((s) => [
            'merchantId',
            'livemode',
            'day',
            'currency',
            s.fn.sum('clicks').as('clicks'),
            s.fn.sum('leads').as('leads'),
            s.fn.sum('customers').as('customers'),
            s.fn.sum('sales').as('sales'),
            s.fn.sum('revenue').as('revenue'),
            s.fn.sum('commissionsOwed').as('commissionsOwed'),
            s.fn.sum('commissionsPaid').as('commissionsPaid'),
            sql.lit(nowIso).as('updatedAt'),
          ])
          .where('merchantId', '=', merchantId)
          .where('livemode', '=', livemode)
          .where('day', 'in', batch)
          .groupBy(['merchantId', 'livemode', 'day', 'currency']),
      )
      .execute();
  }
}

export type DailyTotal = Pick<DailyTotalsTable, 'day' | 'currency' | 'clicks' | 'leads' | 'customers' | 'sales' | 'revenue' | 'commissionsOwed' | 'commissionsPaid'>;

/** The totals of one mode between two local days (both included). */
export async function readDailyTotals(db: DB, merchantId: string, livemode: number, fromDay: string, toDay: string): Promise<DailyTotal[]> {
  const rows = await db
    .selectFrom('dailyTotals')
    .select(['day', 'currency', 'clicks', 'leads', 'customers', 'sales', 'revenue', 'commissionsOwed', 'commissionsPaid'])
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .execute();
  // bigint columns: numbers on both dialects.
  return rows.map((r) => ({ ...r, clicks: Number(r.clicks), leads: Number(r.leads), customers: Number(r.customers), sales: Number(r.sales), revenue: Number(r.revenue), commissionsOwed: Number(r.commissionsOwed), commissionsPaid: Number(r.commissionsPaid) }));
}
