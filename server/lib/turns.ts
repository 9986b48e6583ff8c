/**
 * Background work that shares a thread with requests takes turns with them: each call resolves on a turn
 * of the event loop of its own, one caller per turn, first come first served, with the requests that
 * arrived meanwhile handled in between.
 *
 * Why one gate for every job: on SQLite a job's step never waits for I/O (better-sqlite3 is synchronous),
 * so a step holds the thread until it ends. When each job yielded with its own setImmediate, the steps
 * of all the jobs that were busy (the Stripe event worker, the email sender, the notification scan, the
 * fan-out) ran back to back in the same turn, and a webhook acknowledgement arriving then waited for all
 * of them (docs/performance.md, section 2).
 */
const waiting: (() => void)[] = [];
let scheduled = false;

function releaseOne(): void {
  scheduled = false;
  const next = waiting.shift();
  // setImmediate from inside an immediate callback runs on the next turn, after that turn's I/O.
  if (waiting.length > 0) schedule();
  next?.();
}

function schedule(): void {
  scheduled = true;
  setImmediate(releaseOne);
}

/** Wait for a turn of the event loop that runs no other background step. */
export function backgroundTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) schedule();
  });
}
