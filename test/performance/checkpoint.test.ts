import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { createDb, type Db } from '../../db';
import { startCheckpointer, type CheckpointOptions } from '../../db/checkpoint';

// The server's SQLite file (not the suite's database: this is about how a file-backed SQLite is run).
let dir: string;
let db: Db | undefined;
/** What a test opened (connections, checkpoint threads), closed in reverse order after it. */
let cleanups: (() => unknown)[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refcut-ckpt-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
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

/** A WAL file that only the thread under test checkpoints, with a table to write ~2 KB rows to. */
function walFile(name: string, options: CheckpointOptions) {
  const file = path.join(dir, name);
  const sqlite = new SQLite(file);
  cleanups.push(() => sqlite.close());
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('wal_autocheckpoint = 0');
  sqlite.exec('create table t (id integer primary key, v text)');
  const insert = sqlite.prepare('insert into t (v) values (?)');
  const checkpointer = startCheckpointer(file, sqlite, options);
  cleanups.push(() => checkpointer.stop());
  const frameBytes = (sqlite.pragma('page_size', { simple: true }) as number) + 24;
  return {
    file,
    sqlite,
    insert,
    checkpointer,
    write: (rows: number) => {
      for (let i = 0; i < rows; i++) insert.run('x'.repeat(2000));
    },
    walIndex: () => walIndexOf(file),
    logBytes: () => walIndexOf(file).frames * frameBytes,
  };
}

/**
 * A second connection holding a snapshot from now, as a backup or a long report does: passive checkpoints
 * cannot copy the frames written after it, and a restart has to wait for it.
 */
function oldSnapshot(file: string) {
  const reader = new SQLite(file);
  reader.exec('begin');
  reader.prepare('select count(*) from t').get();
  const release = () => {
    if (!reader.open) return;
    reader.exec('commit');
    reader.close();
  };
  cleanups.push(release);
  return { release };
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
    const w = walFile('grow.db', { intervalMs: 20, restartBytes: 256 * 1024, restartCopyBytes: 16 * 2 ** 20 });
    // A reader holding an old snapshot keeps passive checkpoints from copying the new frames, as a busy
    // server's reads can: past the limit the thread tries a restart, which the reader holds off.
    const reader = oldSnapshot(w.file);
    w.write(500);
    await until(() => w.checkpointer.restarts().tried > 0);
    expect(w.checkpointer.restarts().done).toBe(0);
    reader.release();
    // Let go, the whole log is copied. Idle, it keeps its length until the next write (no restart needed);
    // that write starts it over, and the file keeps its size (which once made every tick restart).
    await until(() => w.walIndex().copied === w.walIndex().frames);
    await new Promise((r) => setTimeout(r, 100));
    const tried = w.checkpointer.restarts().tried;
    await new Promise((r) => setTimeout(r, 300));
    expect(w.checkpointer.restarts().tried).toBe(tried);
    w.insert.run('after the copy');
    expect(w.walIndex().frames).toBeLessThan(10);
    expect(fs.statSync(`${w.file}-wal`).size).toBeGreaterThan(256 * 1024);
    await new Promise((r) => setTimeout(r, 300));
    expect(w.checkpointer.restarts().tried).toBe(tried);
  });

  it('never hold the writer up for long: a restart gives up on a reader at once', async () => {
    const w = walFile('reader.db', { intervalMs: 50, restartBytes: 64 * 1024, restartCopyBytes: 16 * 2 ** 20 });
    oldSnapshot(w.file);
    // The reader holds a snapshot from before every frame: restarts are tried and wait on it while
    // holding the write lock. The server's writes wait out their busy_timeout meanwhile (5 s in the app):
    // a restart that waited a second for readers made them fail with SQLITE_BUSY under a long report.
    w.sqlite.pragma('busy_timeout = 200');
    const end = Date.now() + 600;
    while (Date.now() < end) {
      w.write(1);
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(w.checkpointer.restarts().tried).toBeGreaterThan(3);
    expect(w.checkpointer.restarts().done).toBe(0);
  });

  it('leave a long uncopied log to passive checkpoints (a restart would copy it all with the writer blocked)', async () => {
    const w = walFile('long.db', { intervalMs: 10, restartBytes: 1536 * 1024, restartCopyBytes: 64 * 1024 });
    const reader = oldSnapshot(w.file);
    w.write(500);
    expect(w.logBytes()).toBeGreaterThan(1536 * 1024);
    expect(w.logBytes()).toBeLessThan(4 * 1536 * 1024);
    // Long enough for a restart that waited out its busy_timeout (the earlier second) to report back.
    await new Promise((r) => setTimeout(r, 1200));
    expect(w.checkpointer.restarts().tried).toBe(0);
    // Once the reader lets go, passive checkpoints copy it all and the next write starts the log over.
    reader.release();
    await until(() => w.walIndex().copied === w.walIndex().frames);
    w.insert.run('after the copy');
    expect(w.walIndex().frames).toBeLessThan(10);
  });

  it('try a restart past four times the limit even with a long remainder (a writer that outruns every pass)', async () => {
    // The same long remainder as above, but the log is past four times the limit: the restart is tried (so a
    // writer on a slow disk cannot grow the log for as long as the load lasts), and gives up on the reader.
    const w = walFile('ceiling.db', { intervalMs: 10, restartBytes: 64 * 1024, restartCopyBytes: 64 * 1024 });
    oldSnapshot(w.file);
    w.write(500);
    await until(() => w.checkpointer.restarts().tried > 0);
    expect(w.checkpointer.restarts().done).toBe(0);
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
