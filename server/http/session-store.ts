import session from 'express-session';
import type { DB } from '../../db';

/**
 * express-session store in our own database (SQLite or PostgreSQL), so sessions survive restarts and
 * are shared by every app process. Expiry is checked on read; expired rows are swept periodically.
 */
export class DbSessionStore extends session.Store {
  constructor(private readonly db: DB, private readonly defaultTtlMs = 7 * 86_400_000) {
    super();
  }

  private expiryOf(sess: session.SessionData): number {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + this.defaultTtlMs;
  }

  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    this.db
      .selectFrom('sessions')
      .select(['data', 'expiresAt'])
      .where('sid', '=', sid)
      .executeTakeFirst()
      .then((row) => cb(null, row && row.expiresAt > Date.now() ? (JSON.parse(row.data) as session.SessionData) : null), cb);
  }

  override set(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    const row = { sid, data: JSON.stringify(sess), expiresAt: this.expiryOf(sess) };
    this.db
      .insertInto('sessions')
      .values(row)
      .onConflict((oc) => oc.column('sid').doUpdateSet({ data: row.data, expiresAt: row.expiresAt }))
      .execute()
      .then(() => cb?.(), (err) => cb?.(err));
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.db.deleteFrom('sessions').where('sid', '=', sid).execute().then(() => cb?.(), (err) => cb?.(err));
  }

  override touch(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    this.db
      .updateTable('sessions')
      .set({ expiresAt: this.expiryOf(sess) })
      .where('sid', '=', sid)
      .execute()
      .then(() => cb?.(), (err) => cb?.(err));
  }

  /** Delete expired sessions; called by the background sweeper. */
  async sweep(): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('expiresAt', '<=', Date.now()).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    merchantId?: string;
    partnerId?: string;
    flash?: { kind: 'ok' | 'error'; message: string };
    oauthState?: { value: string; expiresAt: number };
  }
}
