// The daily numbers straight from the source tables (clicks, bindings, conversions, commissions),
// bucketed into the merchant's local days. The rollup job stores them; the overview uses them for
// whatever the rollups do not cover yet.
import type { DB } from '../../db';
import { bindingBuckets, clickBuckets, commissionBuckets, saleBuckets } from './store';
import { addDays, bucketDay, bucketWidth, rangeBounds } from './days';
import type { StatTable } from './stats';

/** Add the clicks created in [start, end) to `table`, by local day. */
export async function addClicks(table: StatTable, db: DB, merchantId: string, startIso: string, endIso: string, timeZone: string): Promise<void> {
  if (startIso >= endIso) return;
  const width = bucketWidth(timeZone, Date.parse(startIso), Date.parse(endIso));
  for (const r of await clickBuckets(db, merchantId, startIso, endIso, width)) {
    table.add({ day: bucketDay(r.at, timeZone), partnerId: r.partnerId, currency: '', clicks: r.clicks });
  }
}

/** Runs of consecutive days, so a set of days costs one query per run rather than per day. */
export function dayRuns(days: string[]): { from: string; to: string }[] {
  const sorted = [...new Set(days)].sort();
  const runs: { from: string; to: string }[] = [];
  for (const d of sorted) {
    const last = runs[runs.length - 1];
    if (last && addDays(last.to, 1) === d) last.to = d;
    else runs.push({ from: d, to: d });
  }
  return runs;
}

/** Add the ledger numbers (customers, leads, sales, revenue, commissions owed and paid) of `days` to `table`. */
export async function addLedger(table: StatTable, db: DB, merchantId: string, livemode: number, days: string[], timeZone: string): Promise<void> {
  for (const run of dayRuns(days)) {
    const { startIso, endIso } = rangeBounds(run.from, run.to, timeZone);
    const width = bucketWidth(timeZone, Date.parse(startIso), Date.parse(endIso));
    const [bindings, sales, commissions] = await Promise.all([
      bindingBuckets(db, merchantId, livemode, startIso, endIso, width),
      saleBuckets(db, merchantId, livemode, startIso, endIso, width),
      commissionBuckets(db, merchantId, livemode, startIso, endIso, width),
    ]);
    for (const r of bindings) table.add({ day: bucketDay(r.at, timeZone), partnerId: r.partnerId, currency: '', customers: r.customers, leads: r.leads });
    for (const r of sales) table.add({ day: bucketDay(r.at, timeZone), partnerId: r.partnerId, currency: r.currency, sales: r.sales, revenue: r.revenue });
    for (const r of commissions) table.add({ day: bucketDay(r.at, timeZone), partnerId: r.partnerId, currency: r.currency, owed: r.owed, paid: r.paid });
  }
}
