// The query plans behind a request: the app is built in this process on a logging kysely (same dialect,
// same plugins as db/index.ts), each request runs once through supertest, and every SQL statement it
// ran is explained with its own parameters (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL).
import SQLite from 'better-sqlite3';
import pg from 'pg';
import request from 'supertest';
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';
import { isPostgresUrl, type Db } from '../../../db';
import type { Database } from '../../../db/schema';
import { createApp } from '../../../server/app';
import { parseConfig } from '../../../server/config';
import { systemClock } from '../../../server/lib/clock';
import { createLogger } from '../../../server/lib/logger';
import { createStripe } from '../../../server/stripe/client';

export interface PlannedQuery {
  sql: string;
  /** How long it ran here (one cold-ish execution, in this process: a hint, not a benchmark). */
  ms: number;
  plan: string[];
  /** Plan lines that read the clicks table without an index (a full scan). */
  clickScans: string[];
}

export interface Endpoint {
  name: string;
  path: string;
  api?: boolean;
}

function loggingDb(url: string, onQuery: (sql: string, params: readonly unknown[], ms: number) => void): Db & { explain(sql: string, params: readonly unknown[]): Promise<string[]> } {
  const log = (e: LogEvent) => {
    if (e.level === 'query') onQuery(e.query.sql, e.query.parameters, e.queryDurationMillis);
  };
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()], log });
    return {
      kysely,
      dialect: 'postgres',
      pool,
      close: () => kysely.destroy(),
      explain: async (sql, params) => (await pool.query(`explain ${sql}`, params as unknown[])).rows.map((r: Record<string, string>) => r['QUERY PLAN']!),
    };
  }
  const sqlite = new SQLite(url);
  sqlite.pragma('foreign_keys = ON');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), plugins: [new CamelCasePlugin()], log });
  return {
    kysely,
    dialect: 'sqlite',
    sqlite,
    close: () => kysely.destroy(),
    explain: async (sql, params) => (sqlite.prepare(`explain query plan ${sql}`).all(params as unknown[]) as { detail: string }[]).map((r) => r.detail),
  };
}

/** Aliases the statement gives the clicks table (`clicks as c`), so plan lines can be matched to it. */
function clickNames(sql: string): string[] {
  const names = new Set<string>();
  for (const m of sql.matchAll(/"clicks"(?:\s+as\s+"(\w+)")?/gi)) names.add(m[1] ?? 'clicks');
  return [...names];
}

function scansOfClicks(sql: string, plan: string[], postgres: boolean): string[] {
  const names = clickNames(sql);
  if (names.length === 0) return [];
  return plan.filter((line) =>
    postgres ? /Seq Scan on clicks\b/.test(line) : names.some((n) => new RegExp(`^SCAN ${n}\\b`).test(line.trim()) && !/USING (COVERING )?INDEX/.test(line)),
  );
}

/** Run each endpoint once as the logged-in merchant (or with the API key) and explain every query it made. */
export interface ExplainedRequest {
  /** The request's time in this process (logging kysely, supertest): a hint of where time goes. */
  ms: number;
  queries: PlannedQuery[];
}

export async function explainEndpoints(url: string, login: { email: string; password: string; apiKey: string }, endpoints: Endpoint[]): Promise<Map<string, ExplainedRequest>> {
  let current: { sql: string; params: readonly unknown[]; ms: number }[] = [];
  const db = loggingDb(url, (sql, params, ms) => current.push({ sql, params, ms }));
  const config = parseConfig({
    NODE_ENV: 'production',
    PUBLIC_URL: 'http://127.0.0.1',
    DATABASE_URL: url,
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123456789',
    STRIPE_SECRET_KEY: 'sk_test_bench_platform',
    STRIPE_CLIENT_ID: 'ca_bench_platform',
    STRIPE_WEBHOOK_SECRET: 'whsec_bench_secret',
    LOG_LEVEL: 'silent',
    API_RATE_LIMIT_GET: '1000000',
  });
  const app = createApp({ db, config, clock: systemClock, stripe: createStripe(config), logger: createLogger('silent') });
  const agent = request.agent(app.express);
  try {
    const page = await agent.get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const login_ = await agent.post('/login').type('form').send({ email: login.email, password: login.password, _csrf: csrf });
    if (login_.status !== 303) throw new Error(`login answered ${login_.status}`);
    const out = new Map<string, ExplainedRequest>();
    for (const e of endpoints) {
      current = [];
      const get = () => (e.api ? request(app.express).get(e.path).set('Authorization', `Bearer ${login.apiKey}`) : agent.get(e.path));
      await get(); // the second run is the one explained: caches warm, as in the benchmark
      current = [];
      const started = process.hrtime.bigint();
      const res = await get();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (res.status !== 200) throw new Error(`${e.path} answered ${res.status}`);
      const planned: PlannedQuery[] = [];
      for (const q of current) {
        if (/^(begin|commit|rollback)/i.test(q.sql)) continue;
        const plan = await db.explain(q.sql, q.params);
        planned.push({ sql: q.sql, ms: q.ms, plan, clickScans: scansOfClicks(q.sql, plan, db.dialect === 'postgres') });
      }
      out.set(e.name, { ms, queries: planned });
    }
    return out;
  } finally {
    await db.close();
  }
}
