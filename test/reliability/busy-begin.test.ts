// SQLite sometimes answers BEGIN IMMEDIATE with SQLITE_BUSY at once, without waiting out busy_timeout
// (seen under the webhook benchmark while the checkpoint thread worked on the log): a Stripe event then
// failed and waited a minute for its retry. A transaction asks again for the lock, with short pauses.
// busy_timeout = 0 stands in for that case here: every BEGIN facing another writer fails at once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { createDb, type Db } from '../../db';
import { testDialect } from '../helpers/db';

const sqliteOnly = testDialect === 'sqlite' ? describe : describe.skip;

sqliteOnly('a transaction that finds the SQLite write lock taken', () => {
  let dir: string;
  let db: Db;
  let other: SQLite.Database;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refcut-begin-'));
    const file = path.join(dir, 'app.db');
    db = createDb(file);
    db.sqlite!.exec('create table t (id integer primary key, note text not null)');
    db.sqlite!.pragma('busy_timeout = 0');
    other = new SQLite(file);
  });
  afterEach(async () => {
    if (other.inTransaction) other.exec('rollback');
    other.close();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('waits for the lock without blocking the event loop, then commits', async () => {
    other.exec('begin immediate');
    // Proof that SQLite itself fails at once here: the retry is ours.
    expect(() => db.sqlite!.exec('begin immediate')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));

    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 5);
    setTimeout(() => other.exec('commit'), 150);
    const started = Date.now();
    await db.kysely.transaction().execute(async (trx) => {
      await sql`insert into t (note) values ('after the lock')`.execute(trx);
    });
    clearInterval(ticker);

    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(ticks).toBeGreaterThan(3);
    expect(db.sqlite!.prepare('select note from t').all()).toEqual([{ note: 'after the lock' }]);
  });
});
