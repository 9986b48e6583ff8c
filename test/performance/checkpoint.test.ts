import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { createDb, type Db } from '../../db';
import { startCheckpointer } from '../../db/checkpoint';

// The server's SQLite file (not the suite's database: this is about how a file-backed SQLite is run).
let dir: string;
let db: Db | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refcut-ckpt-'));
});
afterEach(async () => {
  await db?.close();
  db = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** The wal-index (https://sqlite.org/walformat.html): frames in the log (mxFrame) and frames copied back (nBackfill). */
function walIndexOf(file: string) {
  const shm = fs.readFileSync(`${file}-shm`);
  return { frames: shm.readUInt32LE(16), copied: shm.readUInt32LE(96) };
}

describe('WAL checkpoints in the background', () => {
  it('take over from the committing connection and copy the log back into the database file', async () => {
    const file = path.join(dir, 'app.db');
    db = createDb(file, { backgroundCheckpoints: true });
    const sqlite = db.sqlite!;
    await until(() => sqlite.pragma('wal_autocheckpoint', { simple: true }) === 0);
    sqlite.exec('create table t (id integer primary key, v text)');
    const insert = sqlite.prepare('insert into t (v) values (?)');
    for (let i = 0; i < 2000; i++) insert.run('x'.repeat(200));
    // Nothing in this connection checkpoints any more, so only the thread can copy the frames back.
    const walIndex = () => walIndexOf(file);
    expect(walIndex().frames).toBeGreaterThan(0);
    await until(() => walIndex().copied === walIndex().frames);

    await db.close();
    db = undefined;
    const reopened = createDb(file);
    expect((reopened.sqlite!.prepare('select count(*) as n from t').get() as { n: number }).n).toBe(2000);
    await reopened.close();
  });

  it('restart a log that passive checkpoints cannot finish, and stop once it is copied, however large the file', async () => {
    const file = path.join(dir, 'grow.db');
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.exec('create table t (id integer primary key, v text)');
    const checkpointer = startCheckpointer(file, sqlite, { intervalMs: 20, restartBytes: 256 * 1024, restartCopyBytes: 16 * 2 ** 20 });
    const walIndex = () => walIndexOf(file);
    try {
      const insert = sqlite.prepare('insert into t (v) values (?)');
      // A reader holding an old snapshot keeps passive checkpoints from copying the new frames, as a busy
      // server's reads can: past the limit the thread tries a restart, which the reader holds off.
      const reader = new SQLite(file);
      reader.exec('begin');
      reader.prepare('select count(*) from t').get();
      for (let i = 0; i < 500; i++) insert.run('x'.repeat(2000));
      await until(() => checkpointer.restarts().tried > 0);
      expect(checkpointer.restarts().done).toBe(0);
      reader.exec('commit');
      reader.close();
      // Let go, the whole log is copied. Idle, it keeps its length until the next write (no restart needed);
      // that write starts it over, and the file keeps its size (which once made every tick restart).
      await until(() => walIndex().copied === walIndex().frames);
      await new Promise((r) => setTimeout(r, 100));
      const tried = checkpointer.restarts().tried;
      await new Promise((r) => setTimeout(r, 300));
      expect(checkpointer.restarts().tried).toBe(tried);
      insert.run('after the copy');
      expect(walIndex().frames).toBeLessThan(10);
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(256 * 1024);
      await new Promise((r) => setTimeout(r, 300));
      expect(checkpointer.restarts().tried).toBe(tried);
    } finally {
      await checkpointer.stop();
      sqlite.close();
    }
  });

  it('never hold the writer up for long: a restart gives up on a reader at once', async () => {
    const file = path.join(dir, 'reader.db');
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.exec('create table t (id integer primary key, v text)');
    const insert = sqlite.prepare('insert into t (v) values (?)');
    const reader = new SQLite(file);
    const checkpointer = startCheckpointer(file, sqlite, { intervalMs: 50, restartBytes: 64 * 1024, restartCopyBytes: 16 * 2 ** 20 });
    try {
      reader.exec('begin');
      reader.prepare('select count(*) from t').get();
      // The reader holds a snapshot from before every frame: restarts are tried and wait on it while
      // holding the write lock. The server's writes wait out their busy_timeout meanwhile (5 s in the app):
      // a restart that waited a second for readers made them fail with SQLITE_BUSY under a long report.
      sqlite.pragma('busy_timeout = 200');
      const end = Date.now() + 600;
      while (Date.now() < end) {
        insert.run('x'.repeat(2000));
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(checkpointer.restarts().tried).toBeGreaterThan(3);
      expect(checkpointer.restarts().done).toBe(0);
    } finally {
      reader.exec('commit');
      reader.close();
      await checkpointer.stop();
      sqlite.close();
    }
  });

  it('leave a long uncopied log to passive checkpoints (a restart would copy it all with the writer blocked)', async () => {
    const file = path.join(dir, 'long.db');
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.exec('create table t (id integer primary key, v text)');
    const insert = sqlite.prepare('insert into t (v) values (?)');
    const reader = new SQLite(file);
    const checkpointer = startCheckpointer(file, sqlite, { intervalMs: 10, restartBytes: 1536 * 1024, restartCopyBytes: 64 * 1024 });
    try {
      reader.exec('begin');
      reader.prepare('select count(*) from t').get();
      for (let i = 0; i < 500; i++) insert.run('x'.repeat(2000));
      expect(walIndexOf(file).frames * 4120).toBeGreaterThan(1536 * 1024);
      expect(walIndexOf(file).frames * 4120).toBeLessThan(4 * 1536 * 1024);
      // Long enough for a restart that waited out its busy_timeout (the earlier second) to report back.
      await new Promise((r) => setTimeout(r, 1200));
      expect(checkpointer.restarts().tried).toBe(0);
      // Once the reader lets go, passive checkpoints copy it all and the next write starts the log over.
      reader.exec('commit');
      await until(() => walIndexOf(file).copied === walIndexOf(file).frames);
      insert.run('after the copy');
      expect(walIndexOf(file).frames).toBeLessThan(10);
    } finally {
      reader.close();
      await checkpointer.stop();
      sqlite.close();
    }
  });

  it('try a restart past four times the limit even with a long remainder (a writer that outruns every pass)', async () => {
    const file = path.join(dir, 'ceiling.db');
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.exec('create table t (id integer primary key, v text)');
    const insert = sqlite.prepare('insert into t (v) values (?)');
    const reader = new SQLite(file);
    // The same long remainder as above, but the log is past four times the limit: the restart is tried (so a
    // writer on a slow disk cannot grow the log for as long as the load lasts), and gives up on the reader.
    const checkpointer = startCheckpointer(file, sqlite, { intervalMs: 10, restartBytes: 64 * 1024, restartCopyBytes: 64 * 1024 });
    try {
      reader.exec('begin');
      reader.prepare('select count(*) from t').get();
      for (let i = 0; i < 500; i++) insert.run('x'.repeat(2000));
      await until(() => checkpointer.restarts().tried > 0);
      expect(checkpointer.restarts().done).toBe(0);
    } finally {
      reader.exec('commit');
      reader.close();
      await checkpointer.stop();
      sqlite.close();
    }
  });

  it('leave checkpoints to SQLite as usual when not asked for, and for in-memory databases', async () => {
    db = createDb(path.join(dir, 'script.db'));
    expect(db.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await db.close();
    db = createDb(':memory:', { backgroundCheckpoints: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(db.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });
});
