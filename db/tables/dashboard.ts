// Tables of the merchant dashboard (daily rollups) and of email notifications. Columns camelCase here,
// snake_case in SQL. Money is integer minor units of `currency`.

/**
 * One row per (merchant, mode, day in the merchant's time zone, partner, currency): what the overview
 * reads instead of scanning clicks and the ledger. Counts without a currency (clicks, leads, customers)
 * sit in the row whose currency is ''. Clicks have no mode, so they are written to both modes' rows.
 */
export interface DailyStatsTable {
  merchantId: string;
  livemode: number;
  /** YYYY-MM-DD in the time zone recorded in dashboard_rollups when the row was written. */
  day: string;
  partnerId: string;
  /** Lower-case ISO code, or '' for the counts that have none. */
  currency: string;
  /** Human clicks, repeats counted once (the partner page's rule). */
  clicks: number;
  /** New bindings whose source is a tracked lead. */
  leads: number;
  /** New bindings (referred customers). */
  customers: number;
  /** Attributed conversions and their amounts (tax excluded). */
  sales: number;
  revenue: number;
  /** Net commission of rows dated that day: pending + approved + on hold, and paid. Rejected rows count nowhere. */
  commissionsOwed: number;
  commissionsPaid: number;
  updatedAt: string;
}

/**
 * How far the rollups of one merchant go: clicks created before `clicksThrough` are counted in
 * daily_stats; ledger changes made before `ledgerThrough` are reflected. Both null: nothing rolled up yet.
 */
export interface DashboardRollupsTable {
  merchantId: string;
  timeZone: string;
  clicksThrough: string | null;
  ledgerThrough: string | null;
  /** The last local day of the periods period_stats holds (null: none kept yet). */
  periodsThrough: string | null;
  updatedAt: string;
}

/**
 * daily_stats summed over the `span` days ending on dashboard_rollups.periods_through, one row per (mode,
 * span, partner, currency): what the partner ranking of the overview's longer periods reads. `days` is how
 * many daily_stats rows are in the sum; rows whose `days` fell to 0 are left in place and mean nothing.
 */
export interface PeriodStatsTable extends Omit<DailyStatsTable, 'day' | 'updatedAt'> {
  span: number;
  days: number;
}

/** Per-merchant switches of the emails Refcut sends (1 = on). A missing row means every email is on. */
export interface NotificationSettingsTable {
  merchantId: string;
  partnerApplicationDecided: number;
  partnerCommissionEarned: number;
  partnerPayoutSent: number;
  merchantApplicationReceived: number;
  updatedAt: string;
}

export type NotificationKind =
  | 'application_received'
  | 'application_approved'
  | 'application_rejected'
  | 'commission_earned'
  | 'payout_sent'
  | 'portal_login';

/**
 * `pending` → `sent` (SMTP accepted it) or `logged` (no SMTP configured: written to the log and shown on
 * the Outbox page); `failed` after the last retry.
 */
export type NotificationStatus = 'pending' | 'sending' | 'sent' | 'logged' | 'failed';

/** One email to one recipient. Unique on (kind, source id, recipient): a source never mails anyone twice. */
export interface NotificationsTable {
  id: string; // ntf_…
  merchantId: string;
  livemode: number;
  kind: NotificationKind;
  /** What caused it: an outbox event id (evt_…), an application id (app_…), a login request. */
  sourceId: string;
  recipient: string;
  subject: string;
  /** Plain text. Emptied once sent when `secret` (a sign-in link must not outlive its delivery). */
  body: string;
  secret: number; // 0 | 1
  status: NotificationStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  lockedUntil: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** Sources (outbox events, applications) the notification scanner has handled, whatever it decided. */
export interface NotificationScansTable {
  sourceId: string;
  merchantId: string;
  createdAt: string;
}

/** The merchant's daily_stats of one day and currency summed (every partner): what the overview's totals and chart read. */
export type DailyTotalsTable = Omit<DailyStatsTable, 'partnerId'>;

export interface DashboardTables {
  dailyStats: DailyStatsTable;
  dailyTotals: DailyTotalsTable;
  periodStats: PeriodStatsTable;
  dashboardRollups: DashboardRollupsTable;
  notificationSettings: NotificationSettingsTable;
  notifications: NotificationsTable;
  notificationScans: NotificationScansTable;
}
