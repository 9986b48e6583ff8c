// Tables of the attribution tools (backfill on connect). Columns camelCase here, snake_case in SQL.

export type BackfillStatus = 'queued' | 'running' | 'done' | 'failed';

/**
 * One backfill of a connected account: list its active subscriptions and bind the customers whose
 * subscription or customer metadata names a partner. Worked page by page under a lease (`lockedBy`,
 * `lockedUntil`), so any process may continue it after a crash; `cursor` is the last subscription done.
 */
export interface AttributionBackfillsTable {
  id: string; // bfl_…
  merchantId: string;
  accountId: string;
  livemode: number;
  /** The merchant id while queued or running, NULL once ended: its UNIQUE index allows one open run per merchant. */
  openMerchantId: string | null;
  status: BackfillStatus;
  cursor: string | null;
  /** Active subscriptions seen. */
  listed: number;
  /** Customers this run bound. */
  bound: number;
  /** Customers that already had a binding (left as they were). */
  alreadyBound: number;
  /** Subscriptions with no referral value on the subscription or its customer. */
  noReferral: number;
  /** A referral value that names nothing of this program (unknown code, another program's, an expired click). */
  notMatched: number;
  /** Consecutive failed attempts (Stripe unreachable); the run fails for good after a few. */
  failures: number;
  /** Why it was skipped or failed, for the Stripe page. */
  note: string | null;
  lockedBy: string | null;
  lockedUntil: string | null;
  requestedBy: string; // usr_… | system
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface AttributionTables {
  attributionBackfills: AttributionBackfillsTable;
}
