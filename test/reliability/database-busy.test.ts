// The database busy: another process holds the write lock (a maintenance script on the SQLite file, a
// long transaction on PostgreSQL) while Stripe delivers events. The server waits for the lock (SQLite's
// busy_timeout, BEGIN IMMEDIATE; PostgreSQL's row and table locks) instead of answering 500 with
// SQLITE_BUSY, and every event is acknowledged and processed once the lock is gone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Db } from '../../db';
import { createTestDb, testDialect } from '../helpers/db';
import { expectLedgerConsistent } from '../helpers/reliability';
import { FixedClock } from '../../server/lib/clock';
import { generateStorm } from './storm';
import { stormWorld } from './storm-world';
import { databaseUrlOf, startServer, type ServerProcess } from './server-process';
import type { FakeStripe } from '../fake-stripe';

let dir: string;
let db: Db | undefined;
let fake: FakeStripe | undefined;
let server: ServerProcess | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refcut-busy-'));
});
afterEach(async () => {
  await server?.kill('SIGKILL');
  await fake?.close();
  await db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Take the database's write lock from outside the server; resolves to the function that releases it. */
async function holdWriteLock(file: string, url: string): Promise<() => Promise<void>> {
  if (testDialect === 'sqlite') {
    const other = new SQLite(file);
    other.prepare('begin immediate').run();
    return async () => {
      other.prepare('commit').run();
      other.close();
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('begin');
  await client.query('lock table stripe_events in exclusive mode');
  return async () => {
    await client.query('commit');
    await client.end();
  };
}

describe(`webhooks while the ${testDialect} database is locked by another process`, () => {
  it('wait for the lock and acknowledge every event, then process them all', async () => {
    const storm = generateStorm(5, 40, new FixedClock().now());
    const file = path.join(dir, 'app.db');
    db = await createTestDb({ file });
    const world = await stormWorld(storm, { db });
    fake = await world.detach();
    const databaseUrl = databaseUrlOf(db, file);
    server = await startServer({ databaseUrl, stripeApiBase: fake.url });

    const release = await holdWriteLock(file, databaseUrl);
    let answered = 0;
    const deliveries = Promise.all(
      storm.events.map(async (e) => {
        const status = await server!.deliver(e);
        answered += 1;
        return status;
      }),
    );
    // Real time on purpose: the server's busy wait is in real time. Whatever the timing, the assertions
    // hold; the count of answers before the release shows the requests really waited.
    await new Promise((r) => setTimeout(r, 1_500));
    const answeredWhileLocked = answered;
    await release();
    const statuses = await deliveries;
    expect(answeredWhileLocked).toBe(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    const until = Date.now() + 30_000;
    while ((await db.kysely.selectFrom('stripeEvents').select('id').where('status', 'in', ['pending', 'processing']).execute()).length > 0) {
      if (Date.now() > until) throw new Error('events still unprocessed');
      await new Promise((r) => setTimeout(r, 100));
    }
    await server.kill('SIGTERM');
    expect(server.lines.filter((l) => /SQLITE_BUSY|database is locked|"level":50/.test(l))).toEqual([]);
    server = undefined;
    expect(await db.kysely.selectFrom('stripeEvents').select('id').execute()).toHaveLength(storm.events.length);
    await expectLedgerConsistent(db, { now: new Date() });
  }, 60_000);
});
