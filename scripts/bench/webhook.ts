// npm run bench:webhook [-- --runs 3 --duration 10 --connections 20 --rate 500 --db <sqlite file | postgres://…> --workers 1 --no-build]
// Benchmark 2: POST /webhooks/stripe with signed ~3 KB events for 100 connected accounts.
// Per run: intake at saturation (invoice.paid renewals), replays of those stored events, intake at a
// fixed 500 events/s, then two processing measurements (end to end, and the backlog's drain after the last
// acknowledgement, when the worker has the core to itself): paid Checkout
// Sessions whose payload carries the referral, and first invoices that need one call to the fake Stripe
// (served from this process). The bare baseline (./baselines/webhook-server.ts) takes the same load in
// the same run. The app runs as `npm start` runs it, on core 0 with the baseline; this process on core 1.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import Stripe from 'stripe';
import { createDb, isPostgresUrl } from '../../db';
import { migrateToLatest } from '../../db/migrate';
import { FakeStripe } from '../../test/fake-stripe';
import { BENCH_DIR } from './lib/paths';
import { runLoad, type LoadResult } from './lib/load';
import { runPaced } from './lib/paced';
import { Report } from './lib/report';
import { appEnv, build, freePort, pinSelf, startProcess, withRssPeak, type Proc } from './lib/server';
import { ACCOUNTS, benchEvent, putSessionsFor, seedWebhookWorld, type EventKind, type WebhookWorld } from './lib/webhook-data';
import { resetPostgres } from './seed';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    rate: { type: 'string', default: '500' },
    batch: { type: 'string', default: '3000' },
    db: { type: 'string' },
    workers: { type: 'string', default: '1' },
    'no-build': { type: 'boolean' },
  },
});
const RUNS = Number(args.runs);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const RATE = Number(args.rate);
const BATCH = Number(args.batch);
const WORKERS = Number(args.workers);
const SECRET = 'whsec_bench_webhook_secret';
const log = (l: string) => console.log(l);
const signer = new Stripe('sk_test_signer');

/**
 * Reads the app's stripe_events table from outside the app (a second reader on the SQLite file, or a
 * PostgreSQL client). A series is a range of the primary key (its ids are the prefix and then digits), so each
 * poll is a short indexed read: a scan of the whole table ten times a second held a snapshot almost all the
 * time on SQLite, which kept the WAL from being copied back and started over (the log grew to 900 MB).
 */
async function eventsProbe(url: string) {
  type Row = { total: number; open: number; failed: number; first: string | null; last: string | null };
  const inSeries = (column: string) => `${column} >= $1 and ${column} < $2 and ${column} like $3`;
  const q = `select count(*) as total,
      sum(case when status in ('pending', 'processing') or (status = 'failed' and next_attempt_at is not null) then 1 else 0 end) as open,
      sum(case when status = 'failed' then 1 else 0 end) as failed,
      min(processed_at) as first, max(processed_at) as last
    from stripe_events where ${inSeries('id')}`;
  const conv = `select count(*) as n from conversions where ${inSeries('stripe_event_id')}`;
  const doneBy = `select count(*) as n from stripe_events where ${inSeries('id')} and processed_at <= $4`;
  // Digits sort before letters in every collation, so prefix + 'a' bounds the series.
  const series = (prefix: string) => [prefix, `${prefix}a`, `${prefix}%`];
  if (isPostgresUrl(url)) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return {
      series: async (prefix: string) => (await c.query(q, series(prefix))).rows[0] as Row,
      conversions: async (prefix: string) => Number((await c.query(conv, series(prefix))).rows[0].n),
      processedBy: async (prefix: string, iso: string) => Number((await c.query(doneBy, [...series(prefix), iso])).rows[0].n),
      close: () => c.end(),
    };
  }
  const db = new SQLite(url, { readonly: true });
  // better-sqlite3 binds $1 as a named parameter "1".
  const named = (prefix: string, iso?: string) => ({ 1: prefix, 2: `${prefix}a`, 3: `${prefix}%`, ...(iso ? { 4: iso } : {}) });
  const s = db.prepare(q);
  const cv = db.prepare(conv);
  const db2 = db.prepare(doneBy);
  return {
    series: async (prefix: string) => s.get(named(prefix)) as Row,
    conversions: async (prefix: string) => (cv.get(named(prefix)) as { n: number }).n,
    processedBy: async (prefix: string, iso: string) => (db2.get(named(prefix, iso)) as { n: number }).n,
    close: async () => db.close(),
  };
}
type Probe = Awaited<ReturnType<typeof eventsProbe>>;

let series = 0;
/** A fresh series of events (its own id prefix), sent in order, each signed when sent. */
function eventSeries(world: WebhookWorld, kind: EventKind) {
  const nonce = `${Date.now().toString(36)}${(series++).toString(36)}`;
  const createdS = Math.floor(Date.now() / 1000);
  let i = 0;
  return {
    prefix: `evt_b${nonce}x`,
    nonce,
    createdS,
    sent: () => i,
    next: (limit = Infinity) => {
      const body = JSON.stringify(benchEvent(world, kind, nonce, i++ % limit, createdS));
      return { path: '/webhooks/stripe', body, headers: { 'stripe-signature': signer.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }) } };
    },
  };
}

/**
 * Two rates for a batch posted as fast as possible: end to end (first to last event processed, the worker
 * sharing the core with the intake of the same batch), and the drain of the backlog left when the last
 * event was acknowledged (the worker with the core to itself: "the processing rate until the backlog is empty").
 */
async function processingRates(probe: Probe, prefix: string, postedIso: string) {
  const doneAtPost = await probe.processedBy(prefix, postedIso);
  const r = await waitDrained(probe, prefix);
  const endToEnd = Number(r.total) / ((Date.parse(r.last!) - Date.parse(r.first!)) / 1000);
  const backlog = Number(r.total) - doneAtPost;
  const drain = backlog / ((Date.parse(r.last!) - Date.parse(postedIso)) / 1000);
  return { r, endToEnd, drain, backlog };
}

async function waitDrained(probe: Probe, prefix: string, timeoutMs = 300_000) {
  const start = Date.now();
  for (;;) {
    const r = await probe.series(prefix);
    if (Number(r.open) === 0) return r;
    if (Date.now() - start > timeoutMs) throw new Error(`backlog of ${prefix} not drained after ${timeoutMs / 1000} s: ${JSON.stringify(r)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function main() {
  pinSelf('1');
  if (!args['no-build']) build(log);
  const work = path.join(BENCH_DIR, 'webhook');
  fs.mkdirSync(work, { recursive: true });
  const pgMode = !!args.db && isPostgresUrl(args.db);
  const appUrl = pgMode ? args.db! : path.join(work, 'app.db');
  const baseUrl = path.join(work, 'baseline.db');
  for (const f of [appUrl, baseUrl].filter((u) => !isPostgresUrl(u)).flatMap((u) => [u, `${u}-wal`, `${u}-shm`])) fs.rmSync(f, { force: true });
  if (pgMode) await resetPostgres(appUrl);
  let world!: WebhookWorld;
  for (const url of [appUrl, baseUrl]) {
    const db = createDb(url);
    await migrateToLatest(db.kysely);
    const w = await seedWebhookWorld(db, new Date().toISOString());
    if (url === appUrl) world = w;
    await db.close();
  }

  const fake = await FakeStripe.start();
  for (const a of world.accounts) fake.addAccount(a.account);
  const appPort = await freePort();
  const basePort = await freePort();
  const app = await startProcess({
    name: 'app',
    entry: 'server/main.js',
    env: appEnv({ port: appPort, databaseUrl: appUrl, webConcurrency: WORKERS, stripeApiBase: fake.url, webhookSecret: SECRET }),
    cpus: pgMode ? undefined : '0',
    logFile: path.join(work, 'app.log'),
    readyPath: '/healthz',
    port: appPort,
  });
  const base = await startProcess({ name: 'baseline', entry: 'scripts/bench/baselines/webhook-server.js', args: [String(basePort), baseUrl, SECRET], env: {}, cpus: '0', logFile: path.join(work, 'baseline.log'), readyPath: '/healthz', port: basePort });
  const probe = await eventsProbe(appUrl);

  const post = (p: Proc, next: () => { path: string; body?: string; headers?: Record<string, string> }, o: { rate?: number; amount?: number; durationS?: number } = {}) =>
    runLoad({ url: p.url, method: 'POST', connections: CONNECTIONS, durationS: o.durationS ?? DURATION, rate: o.rate, amount: o.amount, headers: { 'content-type': 'application/json' }, next });

  const paced = (p: Proc, next: () => { path: string; body?: string; headers?: Record<string, string> }) =>
    runPaced({ url: p.url, method: 'POST', connections: CONNECTIONS, durationS: DURATION, rate: RATE, headers: { 'content-type': 'application/json' }, next });

  const m = {
    intake: [] as LoadResult[], intakeBase: [] as LoadResult[], replay: [] as LoadResult[], replayBase: [] as LoadResult[],
    fixed: [] as LoadResult[], fixedBase: [] as LoadResult[], burst: [] as LoadResult[], burstBase: [] as LoadResult[], drainAfterIntake: [] as number[], selfContained: [] as number[], withStripe: [] as number[],
    selfContainedEndToEnd: [] as number[], withStripeEndToEnd: [] as number[], backlogs: [] as number[],
    callsPerEvent: [] as number[], peakMb: [] as number[], failed: 0, conversionsChecked: [] as string[],
  };
  try {
    log(`warming up (3 s each); app pid ${app.pid}, baseline pid ${base.pid}; fake Stripe ${fake.url}`);
    const warm = eventSeries(world, 'renewal');
    await post(app, () => warm.next(), { durationS: 3 });
    await post(base, () => eventSeries(world, 'renewal').next(), { durationS: 3 });
    await waitDrained(probe, warm.prefix);

    for (let run = 1; run <= RUNS; run++) {
      // Intake at saturation: new renewals; the worker processes them meanwhile, as it would in production.
      const s = eventSeries(world, 'renewal');
      const intake = await withRssPeak(app, () => post(app, () => s.next()));
      const sb = eventSeries(world, 'renewal');
      const intakeBase = await post(base, () => sb.next());
      // Replays of what was just stored (Stripe retrying deliveries we already acknowledged).
      const stored = s.sent();
      let ri = 0;
      const replay = await post(app, () => {
        const body = JSON.stringify(benchEvent(world, 'renewal', s.nonce, ri++ % stored, s.createdS));
        return { path: '/webhooks/stripe', body, headers: { 'stripe-signature': signer.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }) } };
      });
      let rb = 0;
      const baseStored = sb.sent();
      const replayBase = await post(base, () => {
        const body = JSON.stringify(benchEvent(world, 'renewal', sb.nonce, rb++ % baseStored, sb.createdS));
        return { path: '/webhooks/stripe', body, headers: { 'stripe-signature': signer.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }) } };
      });
      const drained = await waitDrained(probe, s.prefix);
      const drainSeconds = (Date.parse(drained.last!) - Date.parse(drained.first!)) / 1000;
      m.drainAfterIntake.push(Number(drained.total) / drainSeconds);

      // A fixed 500 events/s, evenly paced (lib/paced.ts), the worker processing alongside. The baseline's
      // turn waits until the app's worker is done, so that the two never share the core.
      const f = eventSeries(world, 'renewal');
      const fixed = await withRssPeak(app, () => paced(app, () => f.next()));
      await waitDrained(probe, f.prefix);
      const fixedBase = await paced(base, () => eventSeries(world, 'renewal').next());
      // The same 500 a second through autocannon's `overallRate`, which sends them as a burst at the start of
      // each second: reported because the figures before 2026-11-25 21:00 were measured this way.
      const fb = eventSeries(world, 'renewal');
      const burst = await post(app, () => fb.next(), { rate: RATE });
      await waitDrained(probe, fb.prefix);
      const burstBase = await post(base, () => eventSeries(world, 'renewal').next(), { rate: RATE });

      // Processing: a batch of self-contained events, then a batch that needs the Stripe API.
      const sc = eventSeries(world, 'session');
      await post(app, () => sc.next(), { amount: BATCH });
      const scRates = await processingRates(probe, sc.prefix, new Date().toISOString());
      const scDone = scRates.r;
      m.selfContained.push(scRates.drain);
      m.selfContainedEndToEnd.push(scRates.endToEnd);
      m.backlogs.push(scRates.backlog);
      const fi = eventSeries(world, 'first_invoice');
      putSessionsFor(fake, world, fi.nonce, BATCH, fi.createdS);
      const calls0 = fake.requests.length;
      await post(app, () => fi.next(), { amount: BATCH });
      const fiRates = await processingRates(probe, fi.prefix, new Date().toISOString());
      const fiDone = fiRates.r;
      m.withStripe.push(fiRates.drain);
      m.withStripeEndToEnd.push(fiRates.endToEnd);
      m.callsPerEvent.push((fake.requests.length - calls0) / BATCH);
      const [scConv, fiConv] = [await probe.conversions(sc.prefix), await probe.conversions(fi.prefix)];
      m.conversionsChecked.push(`${scConv}/${BATCH} sessions and ${fiConv}/${BATCH} first invoices became conversions`);
      m.failed += Number(drained.failed) + Number(scDone.failed) + Number(fiDone.failed);

      m.intake.push(intake.result); m.intakeBase.push(intakeBase); m.replay.push(replay); m.replayBase.push(replayBase); m.fixed.push(fixed.result); m.fixedBase.push(fixedBase); m.burst.push(burst); m.burstBase.push(burstBase);
      m.peakMb.push(Math.max(intake.peakKb, fixed.peakKb) / 1024);
      const bad = [intake.result, intakeBase, replay, replayBase, fixed.result, fixedBase, burst, burstBase].find((r) => r.errors || r.timeouts || Object.keys(r.statuses).some((k) => k !== '2xx'));
      log(
        `run ${run}: intake ${intake.result.rps.toFixed(0)}/s (baseline ${intakeBase.rps.toFixed(0)}/s), replay ${replay.rps.toFixed(0)}/s (baseline ${replayBase.rps.toFixed(0)}/s), ` +
          `p99 at ${RATE}/s ${fixed.result.p99.toFixed(2)} ms (baseline ${fixedBase.p99.toFixed(2)} ms), in bursts ${burst.p99.toFixed(2)} ms (baseline ${burstBase.p99.toFixed(2)} ms); processing: renewals ${m.drainAfterIntake.at(-1)!.toFixed(0)}/s, ` +
          `sessions ${m.selfContained.at(-1)!.toFixed(0)}/s, first invoices ${m.withStripe.at(-1)!.toFixed(0)}/s with ${m.callsPerEvent.at(-1)!.toFixed(2)} Stripe calls each; ${m.conversionsChecked.at(-1)}` +
          (bad ? ` | unexpected: ${JSON.stringify(bad.statuses)} errors ${bad.errors}` : ''),
      );
    }

    const report = new Report(
      pgMode ? `Webhook intake and processing on PostgreSQL, ${WORKERS} worker${WORKERS > 1 ? 's' : ''}` : 'Webhook intake and processing on SQLite',
      `npm run bench:webhook -- ${process.argv.slice(2).join(' ')}`.trim(),
      {
        events: `signed invoice.paid renewals (~3 KB) for ${ACCOUNTS} connected accounts; ${BATCH}-event batches for processing`,
        load: `autocannon (saturation, bursts) and lib/paced.ts (evenly paced), ${CONNECTIONS} connections, ${DURATION} s per measurement, ${RUNS} runs, app and baseline alternating`,
        pinning: pgMode ? 'none for the app (workers and PostgreSQL share both cores); load generator and fake Stripe on core 1' : 'app and baseline on core 0; load generator and fake Stripe on core 1 (taskset)',
        outcome: `${m.failed} events failed; ${m.conversionsChecked.join('; ')}`,
      },
    );
    report.add({ metric: 'intake, events stored/s at saturation', unit: 'ev/s', runs: m.intake.map((r) => r.rps), baseline: m.intakeBase.map((r) => r.rps), target: pgMode ? 'report' : '≥ 0.7× baseline', note: 'worker processing alongside' });
    report.add({ metric: 'intake p99 at saturation', unit: 'ms', runs: m.intake.map((r) => r.p99), baseline: m.intakeBase.map((r) => r.p99) });
    report.add({ metric: 'replays of stored events/s', unit: 'ev/s', runs: m.replay.map((r) => r.rps), baseline: m.replayBase.map((r) => r.rps), target: '≥ new events/s' });
    report.add({ metric: `ack p50 at ${RATE} events/s, evenly paced`, unit: 'ms', runs: m.fixed.map((r) => r.p50), baseline: m.fixedBase.map((r) => r.p50) });
    report.add({ metric: `ack p99 at ${RATE} events/s, evenly paced`, unit: 'ms', runs: m.fixed.map((r) => r.p99), baseline: m.fixedBase.map((r) => r.p99), target: pgMode ? '' : '< 20 ms' });
    report.add({ metric: `ack p99 at ${RATE} events/s as one burst a second (autocannon overallRate)`, unit: 'ms', runs: m.burst.map((r) => r.p99), baseline: m.burstBase.map((r) => r.p99) });
    report.add({ metric: 'processing: renewals (bound customers, referral in the invoice)', unit: 'ev/s', runs: m.drainAfterIntake });
    report.add({ metric: 'processing: paid sessions with their referral (no Stripe call), backlog drain', unit: 'ev/s', runs: m.selfContained, target: pgMode ? '' : '≥ 500 events/s', note: 'after the last acknowledgement' });
    report.add({ metric: 'processing: paid sessions, end to end (intake of the batch alongside)', unit: 'ev/s', runs: m.selfContainedEndToEnd });
    report.add({ metric: 'processing: first invoices resolved through the fake Stripe, backlog drain', unit: 'ev/s', runs: m.withStripe });
    report.add({ metric: 'processing: first invoices, end to end', unit: 'ev/s', runs: m.withStripeEndToEnd });
    report.add({ metric: 'backlog left when the last session was acknowledged', unit: 'events', runs: m.backlogs });
    report.add({ metric: 'Stripe API calls per first invoice', unit: 'calls', runs: m.callsPerEvent, target: '≤ 1' });
    report.add({ metric: 'peak RSS during intake', unit: 'MB', runs: m.peakMb });
    log(report.finish());
  } finally {
    await probe.close();
    await app.stop();
    await base.stop();
    await fake.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
