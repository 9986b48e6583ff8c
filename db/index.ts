// createDb(url) → Kysely for SQLite (better-sqlite3) or PostgreSQL (pg). The only place that knows the dialect.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, SqliteDriver, CamelCasePlugin, CompiledQuery, sql, type DatabaseConnection, type Driver, type SqliteDatabase } from 'kysely';
import type { Database } from './schema';
import { registerHot, statementCache } from './hot';
import { startCheckpointer } from './checkpoint';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** The raw better-sqlite3 handle (SQLite only): for the few hot statements prepared once. */
  sqlite?: SQLite.Database;
  /** The raw pg pool (PostgreSQL only). */
  pool?: pg.Pool;
  close(): Promise<void>;
}

export type DB = Kysely<Database>;

// PostgreSQL returns int8 (bigint, count(*)) as strings; our money fits in 2^53, so parse to number.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v)); // numeric (sum() over bigint)

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export function sqlitePath(url: string): string {
  return url.replace(/^sqlite:(\/\/)?/, '');
}

export interface CreateDbOptions {
  /** PostgreSQL only: run every statement in this schema (tests isolate themselves this way). */
  schema?: string;
  poolSize?: number;
  /** SQLite file only: WAL checkpoints in a worker thread instead of on a request's commit (the server; see checkpoint.ts). */
  backgroundCheckpoints?: boolean;
  onCheckpointError?: (message: string) => void;
}

/** How long a transaction keeps asking for SQLite's write lock before it fails (busy_timeout's waits included). */
const BEGIN_PATIENCE_MS = 5000;
const BEGIN_RETRY_DELAYS_MS = [1, 2, 5, 10, 20, 50, 100];
const isBusy = (err: unknown) => String((err as { code?: unknown })?.code ?? '').startsWith('SQLITE_BUSY');

/**
 * SQLite transactions start with BEGIN IMMEDIATE: the write lock is taken up front, so a competing
 * writer (another process on the same file) waits out busy_timeout instead of failing with
 * SQLITE_BUSY when a deferred read transaction tries to become a write.
 * SQLite still answers SQLITE_BUSY at once, without waiting, in some cases (seen under the webhook
 * benchmark's load, a few times in some five-minute runs, while the checkpoint thread worked on the log): a Stripe event
 * then failed and waited a minute for its retry. Nothing was written, so the transaction asks again,
 * after a pause that lets the event loop run, until BEGIN_PATIENCE_MS have passed.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
        return;
      } catch (err) {
        if (!isBusy(err) || Date.now() - started >= BEGIN_PATIENCE_MS) throw err;
        const delay = BEGIN_RETRY_DELAYS_MS[Math.min(attempt, BEGIN_RETRY_DELAYS_MS.length - 1)]!;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly database: SqliteDatabase) {
    super({ database });
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.database });
  }
}

export function createDb(url: string, options: CreateDbOptions = {}): Db {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
    registerHot(kysely, { pool });
    return { kysely, dialect: 'postgres', pool, close: () => kysely.destroy() };
  }
  const file = sqlitePath(url);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Wait for a competing writer (another process, a maintenance script) instead of failing with SQLITE_BUSY.
  sqlite.pragma('busy_timeout = 5000');
  // The planner needs table statistics, which SQLite only gathers on ANALYZE: without them an update of a
  // few commissions by id picked a merchant-wide index and read all of them (a 10,000-partner payout run
  // took minutes). `optimize` analyzes the tables that never were or changed a lot, sampling at most
  // analysis_limit rows per index; main.ts repeats it periodically through optimize() below.
  sqlite.pragma('analysis_limit = 1000');
  sqlite.pragma('optimize = 0x10002');
  const kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(statementCache(sqlite)), plugins: [new CamelCasePlugin()] });
  registerHot(kysely, { sqlite });
  const checkpointer = options.backgroundCheckpoints && file !== ':memory:' ? startCheckpointer(file, sqlite, { onError: options.onCheckpointError }) : undefined;
  return {
    kysely,
    dialect: 'sqlite',
    sqlite,
    close: async () => {
      await checkpointer?.stop();
      await kysely.destroy();
    },
  };
}

/** Refresh SQLite's planner statistics where the data changed a lot (cheap when nothing did); PostgreSQL's autovacuum does this itself. */
export async function optimize(db: Db): Promise<void> {
  db.sqlite?.pragma('optimize');
}

/** One database round trip, for the health check. */
export async function ping(db: DB): Promise<void> {
  await sql`select 1`.execute(db);
}
