// The hot statements (the redirect's link lookup and click insert, the webhook's event insert), prepared
// once per database handle instead of compiled by kysely on every call. The store functions in
// server/tracking/store.ts and server/stripe/store.ts use them when they are handed the root handle and
// keep their kysely queries for transactions; both paths write the same rows (test/performance).
import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import type { Kysely } from 'kysely';
import type { NewClick, PartnerStatus } from './tables/partners';
import type { StripeEventsTable } from './tables/stripe';

/** What `/r/:slug` needs: the link, its partner's code and status, the program's site and cookie window. */
export interface RedirectLink {
  id: string;
  merchantId: string;
  partnerId: string;
  destinationUrl: string | null;
  disabledAt: string | null;
  code: string;
  status: PartnerStatus;
  siteUrl: string | null;
  cookieDays: number;
}

export interface HotStatements {
  findLinkForRedirect(slug: string): Promise<RedirectLink | undefined>;
  insertClick(row: NewClick): Promise<void>;
  /** Returns whether this call stored the event (false: the id was already there). */
  insertEventIfNew(row: StripeEventsTable): Promise<boolean>;
  /** Whether an event with this id is stored (a read: no write lock for Stripe's retries). */
  eventExists(id: string): Promise<boolean>;
}

const FIND_LINK = `select l.id as "id", l.merchant_id as "merchantId", l.partner_id as "partnerId", l.destination_url as "destinationUrl",
  l.disabled_at as "disabledAt", p.code as "code", p.status as "status", s.destination_url as "siteUrl", s.cookie_days as "cookieDays"
  from links l join partners p on p.id = l.partner_id join program_settings s on s.merchant_id = l.merchant_id where l.slug = $1`;

const CLICK_COLUMNS = [
  ['id', 'id'],
  ['merchant_id', 'merchantId'],
  ['partner_id', 'partnerId'],
  ['link_id', 'linkId'],
  ['created_at', 'createdAt'],
  ['repeat_since', 'repeatSince'],
  ['expires_at', 'expiresAt'],
  ['referrer', 'referrer'],
  ['user_agent', 'userAgent'],
  ['ip_hash', 'ipHash'],
  ['landing_url', 'landingUrl'],
  ['is_bot', 'isBot'],
  ['earning', 'earning'],
  ['not_earning_reason', 'notEarningReason'],
  ['source', 'source'],
] as const satisfies readonly (readonly [string, keyof NewClick])[];

const EVENT_COLUMNS = [
  ['id', 'id'],
  ['account_id', 'accountId'],
  ['merchant_id', 'merchantId'],
  ['connection_id', 'connectionId'],
  ['type', 'type'],
  ['object_id', 'objectId'],
  ['livemode', 'livemode'],
  ['api_version', 'apiVersion'],
  ['created', 'created'],
  ['payload', 'payload'],
  ['source', 'source'],
  ['received_at', 'receivedAt'],
  ['status', 'status'],
  ['attempts', 'attempts'],
  ['last_error', 'lastError'],
  ['next_attempt_at', 'nextAttemptAt'],
  ['locked_until', 'lockedUntil'],
  ['locked_by', 'lockedBy'],
  ['processed_at', 'processedAt'],
  ['ignored_reason', 'ignoredReason'],
] as const satisfies readonly (readonly [string, keyof StripeEventsTable])[];

const insertSql = (table: string, columns: readonly (readonly [string, string])[], tail = '') =>
  `insert into ${table} (${columns.map(([c]) => c).join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})${tail}`;
const valuesOf = <T>(row: T, columns: readonly (readonly [string, keyof T])[]) => columns.map(([, k]) => row[k] ?? null);

const INSERT_CLICK = insertSql('clicks', CLICK_COLUMNS);
const INSERT_EVENT = insertSql('stripe_events', EVENT_COLUMNS, ' on conflict (id) do nothing');
const EVENT_EXISTS = 'select 1 as "one" from stripe_events where id = $1';

/**
 * SQLite: better-sqlite3 runs a statement synchronously, and kysely shares the same single connection.
 * While kysely holds an open transaction on it (`inTransaction`), a statement run here would silently
 * join that transaction (and vanish with its rollback), so the caller falls back to kysely, which queues
 * behind the transaction. Otherwise the statement runs and commits before the caller's promise settles.
 */
function sqliteHot(sqlite: SQLite.Database): { usable(): boolean; hot: HotStatements } {
  const positional = (text: string) => text.replace(/\$\d+/g, '?');
  let statements: { findLink: SQLite.Statement; insertClick: SQLite.Statement; insertEvent: SQLite.Statement; eventExists: SQLite.Statement } | undefined;
  // Prepared on first use: the tables do not exist before the migrations ran.
  const s = () =>
    (statements ??= {
      findLink: sqlite.prepare(positional(FIND_LINK)),
      insertClick: sqlite.prepare(positional(INSERT_CLICK)),
      insertEvent: sqlite.prepare(positional(INSERT_EVENT)),
      eventExists: sqlite.prepare(positional(EVENT_EXISTS)),
    });
  return {
    usable: () => sqlite.open && !sqlite.inTransaction,
    hot: {
      findLinkForRedirect: async (slug) => s().findLink.get(slug) as RedirectLink | undefined,
      insertClick: async (row) => {
        s().insertClick.run(valuesOf(row, CLICK_COLUMNS));
      },
      insertEventIfNew: async (row) => s().insertEvent.run(valuesOf(row, EVENT_COLUMNS)).changes === 1,
      eventExists: async (id) => s().eventExists.get(id) !== undefined,
    },
  };
}

/**
 * PostgreSQL: named statements, parsed and planned once per pooled connection by the server. Plain
 * pool queries commit on their own, like kysely's outside a transaction.
 */
function postgresHot(pool: pg.Pool): HotStatements {
  return {
    findLinkForRedirect: async (slug) => (await pool.query<RedirectLink>({ name: 'refcut_find_link', text: FIND_LINK, values: [slug] })).rows[0],
    insertClick: async (row) => {
      await pool.query({ name: 'refcut_insert_click', text: INSERT_CLICK, values: valuesOf(row, CLICK_COLUMNS) });
    },
    insertEventIfNew: async (row) => (await pool.query({ name: 'refcut_insert_event', text: INSERT_EVENT, values: valuesOf(row, EVENT_COLUMNS) })).rowCount === 1,
    eventExists: async (id) => ((await pool.query({ name: 'refcut_event_exists', text: EVENT_EXISTS, values: [id] })).rowCount ?? 0) > 0,
  };
}

/**
 * The database handle kysely's SQLite driver gets: better-sqlite3 with its statements cached by SQL text.
 * kysely asks for `prepare(sql)` on every query, and compiling SQL in SQLite costs more than running
 * most of our indexed queries; a query builder emits the same text for the same query shape, so a small
 * LRU answers nearly every call. Safe on the one connection: kysely runs one statement at a time on it,
 * and SQLite re-prepares a cached statement by itself after a schema change.
 */
export function statementCache(sqlite: SQLite.Database, max = 500): { prepare(sql: string): SQLite.Statement; close(): void } {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(text) {
      let stmt = cache.get(text);
      if (stmt) {
        // Most recently used goes last; the first entry is the one to evict.
        cache.delete(text);
      } else {
        stmt = sqlite.prepare(text);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, stmt);
      return stmt;
    },
    close: () => {
      cache.clear();
      sqlite.close();
    },
  };
}

const registry = new WeakMap<object, { usable(): boolean; hot: HotStatements }>();

/** Called by createDb: ties the prepared statements to that root kysely instance. */
export function registerHot(kysely: Kysely<any>, handle: { sqlite?: SQLite.Database; pool?: pg.Pool }): void {
  if (handle.sqlite) registry.set(kysely, sqliteHot(handle.sqlite));
  else if (handle.pool) {
    const hot = postgresHot(handle.pool);
    registry.set(kysely, { usable: () => true, hot });
  }
}

/**
 * The prepared statements for this handle, or undefined when the caller must use kysely: a transaction
 * (`trx` is not the registered root), a handle built elsewhere, or an SQLite connection that is inside
 * someone's transaction right now.
 */
export function hotFor(db: Kysely<any>): HotStatements | undefined {
  const entry = registry.get(db);
  return entry && entry.usable() ? entry.hot : undefined;
}
