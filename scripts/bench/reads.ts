// npm run bench:reads [-- --runs 3 --duration 5 --db <seeded sqlite file | postgres://…> --no-build --plans]
// Benchmark 3: the merchant's heaviest pages and API reads on the seeded dataset (1,000,000 clicks,
// 100,000 ledger rows, 10,000 partners): latency of each with a warm process (one client, requests one
// after another), then the query plan of every statement each request runs, checked for scans of clicks.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb, isPostgresUrl, optimize } from '../../db';
import { migrateToLatest } from '../../db/migrate';
import type { BenchManifest } from './lib/dataset';
import { explainEndpoints, type Endpoint } from './lib/explain';
import { BENCH_DIR, manifestPath } from './lib/paths';
import { runLoad, type LoadResult } from './lib/load';
import { Report } from './lib/report';
import { appEnv, build, freePort, pinSelf, startProcess, withRssPeak } from './lib/server';
import { DEFAULT_SEED_DB, seed } from './seed';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    db: { type: 'string' },
    'no-build': { type: 'boolean' },
    plans: { type: 'boolean' },
  },
});
const RUNS = Number(args.runs);
const DURATION = Number(args.duration);
const log = (l: string) => console.log(l);

export function readEndpoints(m: BenchManifest, now = new Date()): Endpoint[] {
  const top = m.topPartnerIds[0]!;
  const month = now.toISOString().slice(0, 7);
  return [
    { name: 'overview (last 30 days)', path: '/dashboard' },
    { name: 'partners sorted by earnings', path: '/dashboard/partners?sort=earnings' },
    { name: 'commissions list, filtered by status, page 3', path: '/commissions?status=approved&page=3' },
    { name: 'a partner’s balance and month statement', path: `/balances/${top}/months/${month}` },
    { name: 'balances of every partner', path: '/balances' },
    { name: 'API: GET /api/v1/conversions?status=approved', path: '/api/v1/conversions?status=approved&limit=50', api: true },
    { name: 'API: GET /api/v1/conversions?affiliateId=…', path: `/api/v1/conversions?affiliateId=${top}&limit=50`, api: true },
    { name: 'API: GET /api/v1/affiliates/:id/balance', path: `/api/v1/affiliates/${top}/balance`, api: true },
  ];
}

async function main() {
  pinSelf('1');
  const seedUrl = args.db ?? DEFAULT_SEED_DB;
  const pgMode = isPostgresUrl(seedUrl);
  if (!fs.existsSync(manifestPath(seedUrl))) {
    if (pgMode) throw new Error(`seed ${seedUrl} first: npm run bench:seed -- --db ${seedUrl} --force`);
    await seed(seedUrl);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath(seedUrl), 'utf8')) as BenchManifest;
  const endpoints = readEndpoints(manifest);
  const work = path.join(BENCH_DIR, 'reads');
  fs.mkdirSync(work, { recursive: true });
  const dbUrl = pgMode ? seedUrl : path.join(work, 'app.db');
  if (!pgMode) {
    for (const f of [dbUrl, `${dbUrl}-wal`, `${dbUrl}-shm`]) fs.rmSync(f, { force: true });
    fs.copyFileSync(seedUrl, dbUrl);
  }

  // A dataset seeded by an older version gets the newer migrations (the app would run them on start).
  const migrating = createDb(dbUrl);
  await migrateToLatest(migrating.kysely);
  await optimize(migrating);
  await migrating.close();

  // The plans first (in this process, on the same data): they do not depend on timing.
  const plans = await explainEndpoints(dbUrl, { email: manifest.email, password: manifest.password, apiKey: manifest.apiKey }, endpoints);
  const scans = [...plans].flatMap(([name, r]) => r.queries.flatMap((q) => q.clickScans.map((line) => `${name}: ${line} in ${q.sql.slice(0, 120)}`)));
  const statements = [...plans.values()].reduce((s, r) => s + r.queries.length, 0);
  const planFile = path.join(work, `plans-${pgMode ? 'postgres' : 'sqlite'}.md`);
  fs.writeFileSync(
    planFile,
    [...plans]
      .map(([name, r]) => `## ${name} (${r.ms.toFixed(1)} ms here)\n\n${r.queries.map((q) => `${q.ms.toFixed(1)} ms\n\n\`\`\`sql\n${q.sql}\n\`\`\`\n\n\`\`\`\n${q.plan.join('\n')}\n\`\`\`\n`).join('\n')}`)
      .join('\n'),
  );
  log(`query plans of ${statements} statements written to ${planFile}; scans of clicks: ${scans.length === 0 ? 'none' : `\n  ${scans.join('\n  ')}`}`);
  if (args.plans) return;

  if (!args['no-build']) build(log);
  const port = await freePort();
  const app = await startProcess({
    name: 'app',
    entry: 'server/main.js',
    // The API's per-key limit (120 GET/min by default) would answer 429 to a benchmark; it is a setting.
    env: { ...appEnv({ port, databaseUrl: dbUrl }), API_RATE_LIMIT_GET: '1000000' },
    cpus: pgMode ? undefined : '0',
    logFile: path.join(work, 'app.log'),
    readyPath: '/healthz',
    port,
  });
  try {
    const cookie = await logIn(app.url, manifest.email, manifest.password);
    const results = new Map<string, LoadResult[]>();
    let peakKb = 0;
    const headersOf = (e: Endpoint): Record<string, string> => (e.api ? { authorization: `Bearer ${manifest.apiKey}`, accept: 'application/json' } : { cookie, accept: 'text/html' });
    for (const e of endpoints) {
      await runLoad({ url: app.url, connections: 1, durationS: 2, headers: headersOf(e), next: () => ({ path: e.path }) }); // warm-up
    }
    for (let run = 1; run <= RUNS; run++) {
      for (const e of endpoints) {
        const r = await withRssPeak(app, () => runLoad({ url: app.url, connections: 1, durationS: DURATION, headers: headersOf(e), next: () => ({ path: e.path }) }));
        if (r.result.requests === 0 || Object.keys(r.result.statuses).some((k) => k !== '2xx')) throw new Error(`${e.path}: ${JSON.stringify(r.result.statuses)} errors ${r.result.errors} timeouts ${r.result.timeouts}`);
        peakKb = Math.max(peakKb, r.peakKb);
        results.set(e.name, [...(results.get(e.name) ?? []), r.result]);
        log(`run ${run}: ${e.name}: p50 ${r.result.p50.toFixed(1)} ms, p95 ${r.result.p95.toFixed(1)} ms (${r.result.requests} requests)`);
      }
    }
    const report = new Report(`Dashboard and API reads on ${pgMode ? 'PostgreSQL' : 'SQLite'}`, `npm run bench:reads -- ${process.argv.slice(2).join(' ')}`.trim(), {
      dataset: `${manifest.counts.partners} partners, ${manifest.counts.clicks} clicks, ${manifest.counts.commissions} commissions (one merchant)`,
      load: `one client, requests one after another, ${DURATION} s per page per run, ${RUNS} runs, after a 2 s warm-up per page`,
      plans: `${statements} statements explained; scans of the clicks table: ${scans.length === 0 ? 'none' : scans.join('; ')}`,
      'peak RSS': `${(peakKb / 1024).toFixed(0)} MB`,
    });
    for (const e of endpoints) {
      const rs = results.get(e.name)!;
      report.add({ metric: `${e.name} p95`, unit: 'ms', runs: rs.map((r) => r.p95), target: '< 50 ms', note: `p50 ${rs.map((r) => r.p50.toFixed(1)).join('/')} ms` });
    }
    log(report.finish());
  } finally {
    await app.stop();
  }
}

/** Log in through the real form; returns the session cookie. */
async function logIn(base: string, email: string, password: string): Promise<string> {
  const page = await fetch(`${base}/login`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const first = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const res = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { cookie: first, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, password, _csrf: csrf }) });
  if (res.status !== 303) throw new Error(`login answered ${res.status}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') || first;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
