// npm run bench:seed [-- --db <sqlite file | postgres://…> --scale 1 --force]
// Builds the benchmark dataset (10,000 partners, 1,000,000 clicks, 100,000 ledger rows at scale 1) in a
// fresh database and writes <db>.json with what the benchmarks need (login, API key, slugs).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDb, isPostgresUrl, sqlitePath } from '../../db';
import { migrateToLatest } from '../../db/migrate';
import { FULL_COUNTS, seedBenchMerchant, type BenchManifest } from './lib/dataset';
import { BENCH_DIR, manifestPath } from './lib/paths';

export const DEFAULT_SEED_DB = path.join(BENCH_DIR, 'seed.db');

/** Drop and recreate a PostgreSQL database's public schema: the seed always starts empty. */
export async function resetPostgres(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('drop schema if exists public cascade');
  await c.query('create schema public');
  await c.end();
}

export async function seed(url: string, options: { scale?: number; force?: boolean; log?: (l: string) => void } = {}): Promise<BenchManifest> {
  const log = options.log ?? ((l: string) => console.log(l));
  const scale = options.scale ?? 1;
  const counts = { partners: Math.round(FULL_COUNTS.partners * scale), clicks: Math.round(FULL_COUNTS.clicks * scale), commissions: Math.round(FULL_COUNTS.commissions * scale) };
  if (isPostgresUrl(url)) {
    if (!options.force) throw new Error(`refusing to wipe ${url} without --force`);
    await resetPostgres(url);
  } else {
    const file = sqlitePath(url);
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
  const started = process.hrtime.bigint();
  const db = createDb(url, { poolSize: 4 });
  try {
    await migrateToLatest(db.kysely);
    if (db.sqlite) {
      // A bulk load into a file nobody else has open: no need to sync every batch, nor to write every page
      // twice (to the WAL, then the checkpoint: 400 MB of clicks, 5 s). A crash mid-seed leaves a file the
      // next seed deletes anyway. The file is back in WAL mode, as the app opens it, before anyone reads it.
      db.sqlite.pragma('synchronous = OFF');
      db.sqlite.pragma('cache_size = -262144');
      db.sqlite.pragma('journal_mode = MEMORY');
    }
    const t0 = Date.now();
    const manifest = await seedBenchMerchant(db, url, { counts, log: (l) => log(`  ${((Date.now() - t0) / 1000).toFixed(1)} s  ${l}`) });
    if (db.sqlite) {
      db.sqlite.pragma('journal_mode = WAL');
      db.sqlite.pragma('synchronous = NORMAL');
      db.sqlite.exec('analyze');
      db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    } else await db.pool!.query('analyze');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const full: BenchManifest = { ...manifest, seconds: Math.round(seconds * 10) / 10 };
    fs.writeFileSync(manifestPath(url), JSON.stringify(full, null, 2));
    log(`seeded ${url} in ${full.seconds} s (${counts.partners} partners, ${counts.clicks} clicks, ${counts.commissions} commissions)`);
    return full;
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { db: { type: 'string' }, scale: { type: 'string' }, force: { type: 'boolean' } } });
  seed(values.db ?? DEFAULT_SEED_DB, { scale: values.scale ? Number(values.scale) : 1, force: values.force }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
