// The replay storm: a thousand-odd signed events for three merchants, delivered with duplicates, in a
// shuffled order, some held back and delivered late, and then all of it a second time. The ledger must
// come out exactly as a clean delivery in Stripe's order makes it, row for row, with every invariant
// holding and the API reporting the balances the rows add up to. STORM_SIZE raises the number of
// distinct events; `npx tsx scripts/storm.ts` runs bigger storms outside the suite.
import request from 'supertest';
import { FixedClock } from '../../server/lib/clock';
import { createApiKey } from '../helpers/api';
import { expectLedgerConsistent } from '../helpers/reliability';
import { generateStorm } from './storm';
import { deliverStorm, diffSnapshots, stormWorld, type LedgerSnapshot } from './storm-world';
import type { ReportedBalances } from '../../server/reliability/balances-check';

const SEED = 20_261_125;
const SIZE = Number(process.env.STORM_SIZE ?? 1000);

describe('a replay storm', () => {
  it('ends with the same ledger as a clean in-order delivery, row for row', async () => {
    const storm = generateStorm(SEED, SIZE, new FixedClock().now());
    expect(storm.events.length).toBeGreaterThanOrEqual(SIZE);

    const clean = await stormWorld(storm);
    let expected: LedgerSnapshot;
    try {
      const stats = await clean.deliver(storm.events);
      expect(stats.statuses).toEqual({ 200: storm.events.length });
      await clean.settle();
      await expectLedgerConsistent(clean.t.db, { now: clean.t.clock.now() });
      expected = await clean.snapshot();
    } finally {
      await clean.close();
    }

    const w = await stormWorld(storm);
    try {
      const figures = await deliverStorm(w, storm, SEED + 1);
      expect(figures.statuses).toEqual({ 200: figures.deliveries });
      expect(w.t.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
      const actual = await w.snapshot();
      expect(diffSnapshots(expected, actual)).toEqual([]);

      // The balances the API reports (test-mode keys: the storm is test-mode events) are the rows' sums.
      const keys = new Map<string, string>();
      for (const m of w.merchants.values()) keys.set(m.merchantId, await createApiKey(m, { mode: 'test' }));
      const viaApi: ReportedBalances = async (merchantId) => {
        const partners = await w.t.db.kysely.selectFrom('partners').select('id').where('merchantId', '=', merchantId).execute();
        const out = [];
        for (const p of partners) {
          const res = await request(w.t.http).get(`/api/v1/affiliates/${p.id}/balance`).set('Authorization', `Bearer ${keys.get(merchantId)}`);
          expect(res.status).toBe(200);
          for (const b of res.body.data as { currency: string; pending: number; onHold: number; approved: number; paid: number; earned: number }[]) out.push({ ...b, partnerId: p.id });
        }
        return out;
      };
      await expectLedgerConsistent(w.t.db, { now: w.t.clock.now() });
      await expectLedgerConsistent(w.t.db, { now: w.t.clock.now(), reported: viaApi });

      const rows = Object.keys(actual.commissions).length;
      expect(rows).toBeGreaterThan(SIZE / 5);
      console.log(`storm: ${figures.events} events, ${figures.deliveries} deliveries (${figures.duplicates} duplicates) in ${figures.waves} waves, ${rows} ledger rows, 0 answers other than 200, 0 differences`);
    } finally {
      await w.close();
    }
  }, 600_000);
});
