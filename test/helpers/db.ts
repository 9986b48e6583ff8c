import crypto from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../../db';
import { migrateToLatest } from '../../db/migrate';

/** 'postgres' when TEST_DATABASE_URL is set (CI runs the suite twice), else 'sqlite'. */
export const testDialect = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite';

/**
 * A fresh, migrated database for one test: an in-memory SQLite, or a private schema in the
 * PostgreSQL at TEST_DATABASE_URL, so tests never see each other's rows. `close()` drops it.
 */
export async function createTestDb(options: { file?: string } = {}): Promise<Db> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const db = createDb(options.file ?? ':memory:');
    await migrateToLatest(db.kysely);
    return db;
  }
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = createDb(url, { schema, poolSize: 5 });
  await migrateToLatest(db.kysely);
  const close = db.close;
  db.close = async () => {
    await close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`drop schema ${schema} cascade`);
    await c.end();
  };
  return db;
}

/** A second handle on the same PostgreSQL schema (a "second process"), for concurrency tests. */
export function reopen(db: Db): Db {
  const url = process.env.TEST_DATABASE_URL;
  if (!url || !db.pool) throw new Error('reopen() is for PostgreSQL tests');
  const schema = /search_path=(\S+)/.exec(String((db.pool as unknown as { options: { options?: string } }).options.options))?.[1];
  return createDb(url, { schema, poolSize: 5 });
}
