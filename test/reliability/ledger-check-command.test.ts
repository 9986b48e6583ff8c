// `npm run ledger:check` on the configured database (DATABASE_URL), as an operator runs it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Db } from '../../db';
import { createTestDb, testDialect } from '../helpers/db';

const ROOT = path.resolve(__dirname, '../..');
let db: Db;
let databaseUrl: string;
let dir: string | undefined;

beforeEach(async () => {
  if (testDialect === 'sqlite') {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refcut-check-'));
    databaseUrl = path.join(dir, 'app.db');
    db = await createTestDb({ file: databaseUrl });
  } else {
    db = await createTestDb();
    // The test's private schema, named in the URL the way an operator would point at one.
    const schema = /search_path=(\S+)/.exec(String((db.pool as unknown as { options: { options?: string } }).options.options))![1]!;
    databaseUrl = `${process.env.TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  await db.kysely.insertInto('merchants').values({ id: 'mer_1', name: 'M', publicId: 'prg_1', createdAt: '2026-01-01T00:00:00.000Z' }).execute();
});
afterEach(async () => {
  await db.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const run = (...args: string[]): Promise<{ code: number; stdout: string }> =>
  promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/ledger-check.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );

describe('npm run ledger:check', () => {
  it('prints the report and exits 0 on a healthy database, 1 once an acknowledged event is lost', async () => {
    const healthy = await run();
    expect(healthy.stdout).toMatch(/^OK: 1 merchants, 0 sales, 0 ledger rows, 0 Stripe events checked at /);
    expect(healthy.code).toBe(0);

    await db.kysely
      .insertInto('stripeEvents')
      .values({ id: 'evt_lost', accountId: 'acct_1', merchantId: 'mer_1', connectionId: null, type: 'invoice.paid', objectId: null, livemode: 0, apiVersion: null, created: '2026-01-01T00:00:00.000Z', payload: '{}', source: 'webhook', receivedAt: '2026-01-01T00:00:00.000Z', status: 'pending', attempts: 0, lastError: null, nextAttemptAt: null, lockedUntil: null, lockedBy: null, processedAt: null, ignoredReason: null })
      .execute();
    const broken = await run();
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('✗ lost_event: 1');
    expect(broken.stdout).toContain('[mer_1 test] event evt_lost (received 2026-01-01T00:00:00.000Z) is stuck as pending');

    const json = await run('--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, counts: { lost_event: 1, double_credit: 0 }, violations: [{ invariant: 'lost_event', merchantId: 'mer_1', subject: 'evt_lost' }] });
  }, 60_000);
});
