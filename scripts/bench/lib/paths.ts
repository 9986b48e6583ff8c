// Where benchmark files live: outside the repository, so a run never touches the working tree.
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { isPostgresUrl, sqlitePath } from '../../../db';

export const BENCH_DIR = path.join(os.tmpdir(), 'refcut-bench');
export const REPO_ROOT = path.resolve(__dirname, '../../..');
/** Results of every run are appended here (one JSON object per line), and docs/performance.md is written from them. */
export const RESULTS_FILE = path.join(BENCH_DIR, 'results.jsonl');

/** The manifest of a seeded database: next to an SQLite file, or in BENCH_DIR for a PostgreSQL URL. */
export function manifestPath(url: string): string {
  if (!isPostgresUrl(url)) return `${sqlitePath(url)}.json`;
  return path.join(BENCH_DIR, `pg-${crypto.createHash('sha256').update(url).digest('hex').slice(0, 10)}.json`);
}
