// A replay storm bigger than the suite's (which runs 1,000 events on every CI run):
//   STORM_SIZE=5000 STORM_SEED=7 npx tsx scripts/storm.ts
// Generates the storm, delivers it cleanly in Stripe's order to one app and as a storm (duplicates,
// shuffled, late, twice over, in waves) to another, compares the two ledgers row for row and runs the
// invariant checker on both. Exit code 1 on any difference, violation or non-200 answer. Uses the test
// harness (fake Stripe, fixed clock); TEST_DATABASE_URL runs it on PostgreSQL.
import { FixedClock } from '../server/lib/clock';
import { checkLedger, formatReport } from '../server/reliability/ledger-check';
import { generateStorm } from '../test/reliability/storm';
import { deliverStorm, diffSnapshots, stormWorld } from '../test/reliability/storm-world';

async function main() {
  const size = Number(process.env.STORM_SIZE ?? 5000);
  const seed = Number(process.env.STORM_SEED ?? 20_261_125);
  const started = Date.now();
  const storm = generateStorm(seed, size, new FixedClock().now());
  console.log(`storm seed ${seed}: ${storm.events.length} events for ${storm.merchants.length} merchants`);

  const clean = await stormWorld(storm);
  await clean.deliver(storm.events);
  await clean.settle();
  const cleanReport = await checkLedger(clean.t.db.kysely, { now: clean.t.clock.now() });
  const expected = await clean.snapshot();
  await clean.close();
  console.log(`clean delivery: ${formatReport(cleanReport).split('\n')[0]}`);

  const w = await stormWorld(storm);
  const figures = await deliverStorm(w, storm, seed + 1);
  const report = await checkLedger(w.t.db.kysely, { now: w.t.clock.now() });
  const actual = await w.snapshot();
  const errors = w.t.logs.filter((l) => (l.level as number) >= 50).length;
  await w.close();

  const differences = diffSnapshots(expected, actual);
  const non200 = Object.entries(figures.statuses).filter(([s]) => s !== '200').reduce((n, [, c]) => n + c, 0);
  console.log(formatReport(report));
  console.log(
    JSON.stringify({ seed, events: figures.events, deliveries: figures.deliveries, duplicates: figures.duplicates, waves: figures.waves, non200, errorsLogged: errors, ledgerRows: Object.keys(actual.commissions).length, differences: differences.length, seconds: Math.round((Date.now() - started) / 1000) }),
  );
  for (const d of differences.slice(0, 20)) console.log(d);
  process.exitCode = differences.length === 0 && report.ok && cleanReport.ok && non200 === 0 && errors === 0 ? 0 : 1;
}
main().catch((err) => {
  console.error(err);
  process.exit(2);
});
