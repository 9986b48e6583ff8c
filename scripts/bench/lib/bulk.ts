// Bulk inserts for the seeders: SQLite through one prepared multi-row statement run in batched
// transactions, PostgreSQL through `insert … select * from unnest($1::type[], …)`, one round trip per batch.
import type { Db } from '../../../db';

export type PgType = 'text' | 'int' | 'bigint';

export interface BulkTable {
  table: string;
  /** snake_case column names and their PostgreSQL array element types. */
  columns: readonly (readonly [string, PgType])[];
}

const SQLITE_ROWS_PER_STATEMENT = 50;
const PG_ROWS_PER_BATCH = 5_000;

/** Insert `rows` (each an array in column order) and return how many were written. */
export async function bulkInsert(db: Db, t: BulkTable, rows: readonly unknown[][]): Promise<number> {
  if (rows.length === 0) return 0;
  const names = t.columns.map(([c]) => c).join(', ');
  if (db.sqlite) {
    const sqlite = db.sqlite;
    const tuple = `(${t.columns.map(() => '?').join(', ')})`;
    const many = sqlite.prepare(`insert into ${t.table} (${names}) values ${Array(SQLITE_ROWS_PER_STATEMENT).fill(tuple).join(', ')}`);
    const one = sqlite.prepare(`insert into ${t.table} (${names}) values ${tuple}`);
    const run = sqlite.transaction((batch: readonly unknown[][]) => {
      let i = 0;
      for (; i + SQLITE_ROWS_PER_STATEMENT <= batch.length; i += SQLITE_ROWS_PER_STATEMENT) many.run(batch.slice(i, i + SQLITE_ROWS_PER_STATEMENT).flat());
      for (; i < batch.length; i++) one.run(batch[i]);
    });
    for (let i = 0; i < rows.length; i += 20_000) run(rows.slice(i, i + 20_000));
    return rows.length;
  }
  if (!db.pool) throw new Error('bulkInsert: neither SQLite nor PostgreSQL');
  const select = t.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const text = `insert into ${t.table} (${names}) select * from unnest(${select})`;
  for (let i = 0; i < rows.length; i += PG_ROWS_PER_BATCH) {
    const batch = rows.slice(i, i + PG_ROWS_PER_BATCH);
    const columns = t.columns.map((_, c) => batch.map((r) => r[c] ?? null));
    await db.pool.query(text, columns);
  }
  return rows.length;
}

/**
 * Run `load` with the secondary indexes of `tables` dropped, then build them again: one sort per index
 * instead of a B-tree update per row, the usual way to bulk load. The indexes come back exactly as the
 * migrations defined them (their own CREATE INDEX text); primary keys and unique constraints stay.
 */
export async function withoutSecondaryIndexes<T>(db: Db, tables: string[], load: () => Promise<T>): Promise<T> {
  let ddl: string[];
  if (db.sqlite) {
    const marks = tables.map(() => '?').join(', ');
    ddl = db.sqlite.prepare(`select sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${marks}) order by name`).pluck().all(...tables) as string[];
    for (const name of db.sqlite.prepare(`select name from sqlite_master where type = 'index' and sql is not null and tbl_name in (${marks})`).pluck().all(...tables) as string[]) {
      db.sqlite.exec(`drop index "${name}"`);
    }
  } else {
    const rows = await db.pool!.query<{ indexname: string; indexdef: string }>(
      `select i.indexname, i.indexdef from pg_indexes i
        where i.schemaname = current_schema() and i.tablename = any($1)
          and not exists (select 1 from pg_constraint c where c.conindid = to_regclass(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname)))
        order by i.indexname`,
      [tables],
    );
    ddl = rows.rows.map((r) => r.indexdef);
    for (const r of rows.rows) await db.pool!.query(`drop index "${r.indexname}"`);
  }
  try {
    return await load();
  } finally {
    for (const statement of ddl) {
      if (db.sqlite) db.sqlite.exec(statement);
      else await db.pool!.query(statement);
    }
  }
}
