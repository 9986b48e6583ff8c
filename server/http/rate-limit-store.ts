import type { Store, Options, ClientRateLimitInfo, IncrementResponse } from 'express-rate-limit';
import type { DB } from '../../db';

/**
 * express-rate-limit counters in the shared database, so a limit holds across every app process.
 * One atomic upsert per hit: a window that has ended restarts at 1.
 */
export class DbRateLimitStore implements Store {
  windowMs = 60_000;
  prefix: string;
  localKeys = false;

  constructor(private readonly db: DB, prefix: string) {
    this.prefix = `${prefix}:`;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = await this.db.selectFrom('rateLimits').selectAll().where('key', '=', this.prefix + key).executeTakeFirst();
    if (!row || row.resetAt <= Date.now()) return undefined;
    return { totalHits: row.hits, resetTime: new Date(row.resetAt) };
  }

  async increment(key: string): Promise<IncrementResponse> {
    return hit(this.db, this.prefix + key, this.windowMs);
  }

  async decrement(key: string): Promise<void> {
    await this.db
      .updateTable('rateLimits')
      .set((eb) => ({ hits: eb('hits', '-', 1) }))
      .where('key', '=', this.prefix + key)
      .where('hits', '>', 0)
      .execute();
  }

  async resetKey(key: string): Promise<void> {
    await this.db.deleteFrom('rateLimits').where('key', '=', this.prefix + key).execute();
  }
}

/** Count one hit for `key` in a fixed window; returns the count so far and when the window ends. */
export async function hit(db: DB, key: string, windowMs: number): Promise<{ totalHits: number; resetTime: Date }> {
  const now = Date.now();
  const resetAt = now + windowMs;
  const row = await db
    .insertInto('rateLimits')
    .values({ key, hits: 1, resetAt })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        hits: eb.case().when('rateLimits.resetAt', '<=', now).then(1).else(eb('rateLimits.hits', '+', 1)).end(),
        resetAt: eb.case().when('rateLimits.resetAt', '<=', now).then(resetAt).else(eb.ref('rateLimits.resetAt')).end(),
      })),
    )
    .returning(['hits', 'resetAt'])
    .executeTakeFirstOrThrow();
  return { totalHits: row.hits, resetTime: new Date(row.resetAt) };
}

/**
 * Delete up to `batch` counters whose window ended before `nowMs`; returns how many went. A counter is
 * re-checked in the delete, so one that a hit restarted meanwhile stays; two processes pruning at once
 * at worst both try the same rows.
 */
export async function pruneExpiredRateLimits(db: DB, nowMs: number, batch: number): Promise<number> {
  const rows = await db.selectFrom('rateLimits').select('key').where('resetAt', '<=', nowMs).limit(batch).execute();
  if (rows.length === 0) return 0;
  const r = await db
    .deleteFrom('rateLimits')
    .where(
      'key',
      'in',
      rows.map((row) => row.key),
    )
    .where('resetAt', '<=', nowMs)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
