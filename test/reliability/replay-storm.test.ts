// The replay storm: thousands of signed events for three merchants, delivered with duplicates, in a
// shuffled order, some held back and delivered late, and then all of it a second time. The ledger must
// come out exactly as a clean delivery in Stripe's order makes it, row for row, with every invariant
// holding. STORM_SIZE raises the number of distinct events (scripts/storm.ts runs bigger storms).
import type Stripe from 'stripe';
import { FixedClock } from '../../server/lib/clock';
import { expectLedgerConsistent, seeded } from '../helpers/reliability';
import { generateStorm } from './storm';
import { diffSnapshots, stormWorld, type LedgerSnapshot } from './storm-world';

const SEED = 20_261_125;
const SIZE = Number(process.env.STORM_SIZE ?? 1200);

/** Stripe's way: every event at least once, often more, in no particular order, some much later. */
export function stormDeliveries(events: Stripe.Event[], seed: number): { first: Stripe.Event[]; second: Stripe.Event[]; duplicates: number } {
  const rng = seeded(seed);
  const withCopies: Stripe.Event[] = [];
  let duplicates = 0;
  for (const e of events) {
    withCopies.push(e);
    if (rng.chance(0.25)) {
      const copies = rng.int(1, 2);
      duplicates += copies;
      for (let i = 0; i < copies; i++) withCopies.push(e);
    }
  }
  const shuffled = rng.shuffle(withCopies);
  const late = shuffled.filter(() => rng.chance(0.1));
  const lateSet = new Set(late);
  const first = [...shuffled.filter((e) => !lateSet.has(e)), ...late];
  const second = rng.shuffle(events);
  return { first, second, duplicates: duplicates + second.length };
}

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
      const { first, second, duplicates } = stormDeliveries(storm.events, SEED + 1);
      // Waves, each processed before the next arrives: an event shuffled behind its successors is then
      // really handled after them (within a wave the worker would restore Stripe's order by itself).
      const rng = seeded(SEED + 2);
      const statuses: Record<number, number> = {};
      for (const pass of [first, second]) {
        for (let i = 0; i < pass.length; ) {
          const wave = pass.slice(i, (i += rng.int(20, 120)));
          const stats = await w.deliver(wave, { concurrency: 8 });
          for (const [status, n] of Object.entries(stats.statuses)) statuses[Number(status)] = (statuses[Number(status)] ?? 0) + n;
          await w.settle();
        }
      }
      expect(statuses).toEqual({ 200: first.length + second.length });
      expect(w.t.logs.filter((l) => l.level === 50)).toEqual([]);
      const actual = await w.snapshot();
      expect(diffSnapshots(expected, actual)).toEqual([]);
      await expectLedgerConsistent(w.t.db, { now: w.t.clock.now() });
      const rows = Object.keys(actual.commissions).length;
      expect(rows).toBeGreaterThan(SIZE / 5);
      console.log(`storm: ${storm.events.length} events, ${first.length + second.length} deliveries (${duplicates} duplicates), ${rows} ledger rows, 0 differences`);
    } finally {
      await w.close();
    }
  }, 300_000);
});
