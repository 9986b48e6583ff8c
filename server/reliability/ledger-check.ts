// The ledger invariant checker: runs every check of invariants.ts and the balance comparison over the
// whole database (every merchant, both modes) and reports each violation with who it concerns.
// Used by `npm run ledger:check` and by the test suite after every scenario.
import { sql } from 'kysely';
import type { DB } from '../../db';
import { partnerBalances } from '../payouts/balances';
import { CHECKS, INVARIANTS, type Invariant } from './invariants';
import { compareBalances, type ReportedBalances } from './balances-check';

export interface Violation {
  invariant: Invariant;
  check: string;
  merchantId: string | null;
  livemode: number | null;
  subject: string;
  detail: string;
}

export interface LedgerReport {
  ok: boolean;
  checkedAt: string;
  /** What was looked at, for the summary line. */
  totals: { merchants: number; conversions: number; ledgerRows: number; events: number };
  counts: Record<Invariant, number>;
  violations: Violation[];
}

export interface CheckOptions {
  /** The instant balances and deadlines are judged at (the app's clock in tests). */
  now?: Date;
  /** How long an acknowledged event may stay unprocessed, or a lease expired, before it counts as lost. */
  graceMs?: number;
  /** The app's balances, as the UI and API report them; the app's own balance function unless told. */
  reported?: ReportedBalances;
}

export const DEFAULT_GRACE_MS = 15 * 60_000;

/** Check every invariant; never throws on a violation (the report says), only on a database error. */
export async function checkLedger(db: DB, options: CheckOptions = {}): Promise<LedgerReport> {
  const now = options.now ?? new Date();
  const raw = db.withoutPlugins();
  const params = { now: now.toISOString(), overdue: new Date(now.getTime() - (options.graceMs ?? DEFAULT_GRACE_MS)).toISOString() };
  const violations: Violation[] = [];
  for (const check of CHECKS) {
    const { rows } = await check.query(params).execute(raw);
    for (const r of rows) {
      violations.push({
        invariant: check.invariant,
        check: check.name,
        merchantId: r.merchant_id,
        livemode: r.livemode === null || r.livemode === undefined ? null : Number(r.livemode),
        subject: String(r.subject),
        detail: check.describe(r),
      });
    }
  }
  const reported: ReportedBalances = options.reported ?? ((merchantId, livemode, at) => partnerBalances(db, merchantId, livemode, at));
  for (const d of await compareBalances(db, now, reported)) {
    violations.push({
      invariant: 'balance_mismatch',
      check: 'reported balances equal the rows',
      merchantId: d.merchantId,
      livemode: d.livemode,
      subject: `${d.partnerId} ${d.currency}`,
      detail: `${d.field} of partner ${d.partnerId} in ${d.currency}: recomputed ${d.recomputed}, reported ${d.reported}`,
    });
  }
  const counts = Object.fromEntries(INVARIANTS.map((i) => [i, violations.filter((v) => v.invariant === i).length])) as Record<Invariant, number>;
  const total = async (table: string) => Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(raw)).rows[0]?.n ?? 0);
  return {
    ok: violations.length === 0,
    checkedAt: now.toISOString(),
    totals: { merchants: await total('merchants'), conversions: await total('conversions'), ledgerRows: await total('commissions'), events: await total('stripe_events') },
    counts,
    violations,
  };
}

/** A human report: one summary line, then one line per violation (grouped by invariant). */
export function formatReport(report: LedgerReport): string {
  const { totals } = report;
  const head = `${report.ok ? 'OK' : 'FAILED'}: ${totals.merchants} merchants, ${totals.conversions} sales, ${totals.ledgerRows} ledger rows, ${totals.events} Stripe events checked at ${report.checkedAt}`;
  const lines = [head];
  for (const invariant of INVARIANTS) {
    const vs = report.violations.filter((v) => v.invariant === invariant);
    lines.push(`  ${vs.length === 0 ? '✓' : '✗'} ${invariant}${vs.length ? `: ${vs.length}` : ''}`);
    for (const v of vs.slice(0, 50)) lines.push(`      [${v.merchantId ?? 'no merchant'}${v.livemode === null ? '' : v.livemode ? ' live' : ' test'}] ${v.detail}`);
    if (vs.length > 50) lines.push(`      … and ${vs.length - 50} more`);
  }
  return lines.join('\n');
}
