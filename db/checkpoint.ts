// WAL checkpoints off the request path. SQLite copies the write-ahead log back into the database file
// (and, with synchronous=NORMAL, fsyncs it) on the commit that crosses wal_autocheckpoint: with
// better-sqlite3 that commit, and the event loop with it, stalls for 5 to 20 ms every few hundred
// clicks. A worker thread with its own connection runs PASSIVE checkpoints instead, which never block
// the writer; the server's connection stops checkpointing only once that thread is running.
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file);
// A restart holds the write lock while it waits for readers: it must give up quickly rather than stall the
// server's writes (whose own busy_timeout then ran out with SQLITE_BUSY under a long-running reader).
db.pragma('busy_timeout = ' + workerData.restartWaitMs);
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
/** Copy what no reader still needs back into the database file; returns the log's length and what is left to copy. */
const passive = () => {
  const [{ log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)');
  return { log: log * frameBytes, left: (log - checkpointed) * frameBytes };
};
const checkpoint = () => {
  try {
    let r = passive();
    // Under a steady stream of writes a passive checkpoint never catches up with the log, which then
    // only grows: past the limit, restart it. The log's length in frames decides, not the file's size:
    // SQLite reuses the file from its start after a restart without shrinking it, so its size stays past
    // the limit and every tick restarted (blocking the writer five times a second). A log the passive
    // checkpoint copied entirely needs no restart: the next write starts it over (and until then, say on an
    // idle server after a burst, it keeps reporting its old length).
    if (r.log <= workerData.restartBytes || r.left === 0) return;
    // A restart blocks the writer while it syncs the log, copies the rest and syncs the database: the
    // frames appended since the last pass decide how long (80 to 140 ms in the webhook benchmark after one
    // pass). Each further pass copies what the writer appended during the one before, so the remainder
    // shrinks to what a restart copies in a few ms. A remainder that does not shrink is held by a reader on
    // an old snapshot (a backup, a long report): a restart could neither copy past it nor start the log over.
    for (let i = 0; i < 4 && r.left > workerData.restartCopyBytes; i++) {
      const before = r.left;
      r = passive();
      if (r.left >= before) break;
    }
    // Past four times the limit, restart anyway: a writer fast enough (or a disk slow enough) that every pass
    // leaves more than the short remainder behind would otherwise grow the log for as long as the load lasts.
    // A reader on an old snapshot still makes the restart give up after restartWaitMs, before copying.
    const ceiling = r.log > 4 * workerData.restartBytes;
    if (r.left === 0 || (r.left > workerData.restartCopyBytes && !ceiling)) return;
    const [{ busy }] = db.pragma('wal_checkpoint(RESTART)');
    parentPort.postMessage({ restart: busy === 0 });
  } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
parentPort.postMessage('ready');
`;

/** SQLite's default, restored if the checkpoint thread goes away. */
const DEFAULT_AUTOCHECKPOINT = 1000;

export interface Checkpointer {
  /** How many restarts of the log were tried (each blocks the writer briefly) and how many went through. */
  restarts(): { tried: number; done: number };
  stop(): Promise<void>;
}

export interface CheckpointOptions {
  /** How often the thread checkpoints. */
  intervalMs?: number;
  /** A log longer than this is restarted when little of it is left to copy; past four times this, in any case. */
  restartBytes?: number;
  /** The most a restart may copy while it blocks the writer. */
  restartCopyBytes?: number;
  /** How long a restart waits for readers (holding the write lock) before it gives up until the next tick. */
  restartWaitMs?: number;
  onError?: (message: string) => void;
}

export function startCheckpointer(file: string, sqlite: SQLite.Database, opts: CheckpointOptions = {}): Checkpointer {
  const workerData = {
    file,
    driver: require.resolve('better-sqlite3'),
    intervalMs: opts.intervalMs ?? 200,
    restartBytes: opts.restartBytes ?? 16 * 2 ** 20,
    restartCopyBytes: opts.restartCopyBytes ?? 256 * 1024,
    restartWaitMs: opts.restartWaitMs ?? 10,
  };
  const worker = new Worker(WORKER, { eval: true, workerData });
  worker.unref();
  let running = false;
  const restarts = { tried: 0, done: 0 };
  const fallBack = () => {
    if (running && sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    running = false;
  };
  worker.on('message', (m: unknown) => {
    if (m && typeof m === 'object' && 'restart' in m) {
      restarts.tried += 1;
      if ((m as { restart: boolean }).restart) restarts.done += 1;
    } else if (m === 'ready') {
      running = true;
      if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 0');
    } else if (m && typeof m === 'object' && 'error' in m) opts.onError?.(String((m as { error: unknown }).error));
  });
  worker.on('error', (err) => {
    fallBack();
    opts.onError?.(err.message);
  });
  worker.on('exit', fallBack);
  return {
    restarts: () => ({ ...restarts }),
    stop: () =>
      new Promise<void>((resolve) => {
        fallBack();
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}
