// The ledger invariant checker as a test assertion, and small tools the reliability suites share.
import type { Db } from '../../db';
import { checkLedger, formatReport, type CheckOptions, type LedgerReport } from '../../server/reliability/ledger-check';

/**
 * Assert that the whole database satisfies every ledger invariant (see server/reliability/invariants.ts).
 * On failure the message lists each violation. Pass the app's clock time as `now`.
 */
export async function expectLedgerConsistent(db: Db, options: CheckOptions = {}): Promise<LedgerReport> {
  const report = await checkLedger(db.kysely, options);
  if (!report.ok) throw new Error(`ledger invariants violated:\n${formatReport(report)}`);
  return report;
}

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same storm, shuffle and faults. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
    shuffle<T>(xs: readonly T[]): T[] {
      const out = [...xs];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}
export type Rng = ReturnType<typeof seeded>;
