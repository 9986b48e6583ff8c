// npm run bench:redirect [-- --runs 3 --duration 10 --connections 50 --rate 1000 --db <seeded db> --workers 1 --no-build]
// Benchmark 1: GET /r/:slug on the seeded dataset (10,000 partners, 1,000,000 clicks). The app (production
// build, logging at info to a file) and the bare baseline (./baselines/redirect-server.ts) each get their
// own copy of the seeded SQLite file and core 0; this process drives both from core 1, alternating, so the
// ratio holds on a noisy machine. With --db postgres://… the app runs on PostgreSQL (seed it first with
// `npm run bench:seed -- --db postgres://… --force`) against the same SQLite baseline, unpinned.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { isPostgresUrl } from '../../db';
import type { BenchManifest } from './lib/dataset';
import { BENCH_DIR, manifestPath } from './lib/paths';
import { runLoad, type LoadResult } from './lib/load';
import { runPaced } from './lib/paced';
import { Report } from './lib/report';
import { appEnv, build, freePort, pinSelf, startProcess, withRssPeak, type Proc } from './lib/server';
import { DEFAULT_SEED_DB, seed } from './seed';

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string', default: '1000' },
    db: { type: 'string' },
    workers: { type: 'string', default: '1' },
    'no-build': { type: 'boolean' },
  },
});
const RUNS = Number(args.runs);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const RATE = Number(args.rate);
const WORKERS = Number(args.workers);
const log = (l: string) => console.log(l);

async function clickCount(url: string): Promise<number> {
  if (isPostgresUrl(url)) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const r = await c.query<{ n: string }>('select count(*) as n from clicks');
    await c.end();
    return Number(r.rows[0]!.n);
  }
  const db = new SQLite(url, { readonly: true });
  const n = (db.prepare('select count(*) as n from clicks').get() as { n: number }).n;
  db.close();
  return n;
}

function slugCycle(slugs: string[]) {
  // Busy partners get more clicks, as in the seed: a skewed but wide spread of slugs.
  const weighted = slugs.flatMap((s, i) => Array(Math.max(1, Math.round(20 / Math.sqrt(i + 1)))).fill(s) as string[]);
  let i = 0;
  return () => ({ path: `/r/${weighted[(i = (i * 7 + 13) % weighted.length)]}?utm_source=bench` });
}

async function main() {
  pinSelf('1');
  const seedUrl = args.db ?? DEFAULT_SEED_DB;
  const pgMode = isPostgresUrl(seedUrl);
  if (!fs.existsSync(manifestPath(seedUrl))) {
    if (pgMode) throw new Error(`seed ${seedUrl} first: npm run bench:seed -- --db ${seedUrl} --force`);
    log('no seeded database yet: seeding');
    await seed(seedUrl);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath(seedUrl), 'utf8')) as BenchManifest;
  const baselineSeed = pgMode ? DEFAULT_SEED_DB : seedUrl;
  if (!fs.existsSync(baselineSeed)) await seed(baselineSeed);
  if (!args['no-build']) build(log);

  const work = path.join(BENCH_DIR, 'redirect');
  fs.mkdirSync(work, { recursive: true });
  const appDb = pgMode ? seedUrl : path.join(work, 'app.db');
  const baseDb = path.join(work, 'baseline.db');
  for (const [from, to] of [...(pgMode ? [] : [[seedUrl, appDb]]), [baselineSeed, baseDb]] as [string, string][]) {
    for (const f of [to, `${to}-wal`, `${to}-shm`]) fs.rmSync(f, { force: true });
    fs.copyFileSync(from, to);
  }

  const appPort = await freePort();
  const basePort = await freePort();
  const logFile = path.join(work, 'app.log');
  fs.rmSync(logFile, { force: true });
  const app = await startProcess({
    name: 'app',
    entry: 'server/main.js',
    env: appEnv({ port: appPort, databaseUrl: appDb, webConcurrency: WORKERS }),
    cpus: pgMode ? undefined : '0',
    logFile,
    readyPath: '/healthz',
    port: appPort,
  });
  const base = await startProcess({ name: 'baseline', entry: 'scripts/bench/baselines/redirect-server.js', args: [String(basePort), baseDb], env: {}, cpus: '0', logFile: path.join(work, 'baseline.log'), readyPath: '/healthz', port: basePort });
  const before = await clickCount(appDb);

  const slugs = manifest.slugs;
  const load = (p: Proc, opts: { rate?: number; durationS?: number; connections?: number } = {}) =>
    runLoad({ url: p.url, connections: opts.connections ?? CONNECTIONS, durationS: opts.durationS ?? DURATION, rate: opts.rate, headers: { 'user-agent': UA, accept: 'text/html' }, next: slugCycle(slugs) });

  // A fixed rate, evenly paced (lib/paced.ts); `load` with a rate is autocannon's one burst a second.
  const paced = (p: Proc) => runPaced({ url: p.url, connections: 10, durationS: DURATION, rate: RATE, headers: { 'user-agent': UA, accept: 'text/html' }, next: slugCycle(slugs) });

  try {
    log(`warming up (5 s each); app pid ${app.pid}, baseline pid ${base.pid}`);
    await load(app, { durationS: 5 });
    await load(base, { durationS: 5 });

    const sat: { app: LoadResult[]; base: LoadResult[] } = { app: [], base: [] };
    const fixed: { app: LoadResult[]; base: LoadResult[] } = { app: [], base: [] };
    const burst: { app: LoadResult[]; base: LoadResult[] } = { app: [], base: [] };
    const peaks: number[] = [];
    const after: number[] = [];
    const basePeaks: number[] = [];
    let redirects = 0;
    for (let run = 1; run <= RUNS; run++) {
      const a = await withRssPeak(app, () => load(app));
      const b = await withRssPeak(base, () => load(base));
      const af = await withRssPeak(app, () => paced(app));
      const bf = await paced(base);
      const ab = await withRssPeak(app, () => load(app, { rate: RATE, connections: 10 }));
      const bb = await load(base, { rate: RATE, connections: 10 });
      burst.app.push(ab.result);
      burst.base.push(bb);
      sat.app.push(a.result);
      sat.base.push(b.result);
      fixed.app.push(af.result);
      fixed.base.push(bf);
      redirects += (a.result.statuses['3xx'] ?? 0) + (af.result.statuses['3xx'] ?? 0) + (ab.result.statuses['3xx'] ?? 0);
      peaks.push(Math.max(a.peakKb, af.peakKb, ab.peakKb) / 1024);
      basePeaks.push(b.peakKb / 1024);
      await new Promise((r) => setTimeout(r, 1000));
      after.push(app.rssKb() / 1024);
      const odd = [a.result, b.result, af.result, bf, ab.result, bb].find((r) => r.errors || r.timeouts || Object.keys(r.statuses).some((k) => k !== '3xx'));
      log(
        `run ${run}: app ${a.result.rps.toFixed(0)} req/s p99 ${a.result.p99.toFixed(1)} ms | baseline ${b.result.rps.toFixed(0)} req/s p99 ${b.result.p99.toFixed(1)} ms | at ${RATE}/s p99 app ${af.result.p99.toFixed(2)} ms, baseline ${bf.p99.toFixed(2)} ms (in bursts ${ab.result.p99.toFixed(2)} / ${bb.p99.toFixed(2)} ms) | RSS after ${after.at(-1)!.toFixed(0)} MB${odd ? ` | unexpected: ${JSON.stringify(odd.statuses)} errors ${odd.errors}` : ''}`,
      );
    }
    // Durability: every 302 the app sent carried a click id that is now a row.
    const stored = (await clickCount(appDb)) - before;
    const warmup = stored - redirects;

    const report = new Report(
      pgMode ? `Click redirect on PostgreSQL, ${WORKERS} worker${WORKERS > 1 ? 's' : ''}` : 'Click redirect on SQLite',
      `npm run bench:redirect -- ${process.argv.slice(2).join(' ')}`.trim(),
      {
        dataset: `${manifest.counts.partners} partners, ${manifest.counts.clicks} clicks (seeded in ${manifest.seconds} s)`,
        load: `autocannon at saturation (${CONNECTIONS} connections) and in bursts; lib/paced.ts evenly paced (10 connections at the fixed rate), ${DURATION} s per run, ${RUNS} runs, alternating app and baseline`,
        pinning: pgMode ? 'none (app workers, PostgreSQL and the load generator share both cores)' : 'servers on core 0, load generator on core 1 (taskset)',
        durability: `${stored} click rows written during the measured runs and warm-up for ${redirects} measured 302s (+${warmup} in warm-up)`,
      },
    );
    report.add({ metric: 'requests/s at saturation', unit: 'req/s', runs: sat.app.map((r) => r.rps), baseline: sat.base.map((r) => r.rps), target: pgMode ? 'report' : '≥ 0.8× baseline (stretch 1.5×)' });
    report.add({ metric: 'p50 at saturation', unit: 'ms', runs: sat.app.map((r) => r.p50), baseline: sat.base.map((r) => r.p50) });
    report.add({ metric: 'p99 at saturation', unit: 'ms', runs: sat.app.map((r) => r.p99), baseline: sat.base.map((r) => r.p99) });
    report.add({ metric: `p50 at ${RATE} req/s, evenly paced`, unit: 'ms', runs: fixed.app.map((r) => r.p50), baseline: fixed.base.map((r) => r.p50) });
    report.add({ metric: `p99 at ${RATE} req/s, evenly paced`, unit: 'ms', runs: fixed.app.map((r) => r.p99), baseline: fixed.base.map((r) => r.p99), target: pgMode ? '' : '< 10 ms' });
    report.add({ metric: `p99 at ${RATE} req/s as one burst a second (autocannon overallRate)`, unit: 'ms', runs: burst.app.map((r) => r.p99), baseline: burst.base.map((r) => r.p99) });
    report.add({ metric: 'peak RSS during a run', unit: 'MB', runs: peaks, baseline: basePeaks });
    report.add({ metric: 'RSS after each run', unit: 'MB', runs: after, target: '< 250 MB, no growth', note: `runs in order: ${after.map((v) => v.toFixed(0)).join(' → ')}` });
    log(report.finish());
  } finally {
    await app.stop();
    await base.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
