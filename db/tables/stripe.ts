// Tables for Stripe connections, stored webhook events. Columns camelCase here, snake_case in SQL.

export type DisconnectReason = 'merchant' | 'deauthorized';

/**
 * One row per OAuth connection of a Stripe account to a merchant. Rows are never deleted: a disconnect
 * clears the two `active*` columns, whose UNIQUE indexes (many NULLs allowed on both dialects) enforce
 * "an account is connected to one merchant at a time" and "a merchant has one connected account".
 */
export interface StripeConnectionsTable {
  id: string; // scn_…
  merchantId: string;
  accountId: string; // acct_…
  activeAccountId: string | null;
  activeMerchantId: string | null;
  livemode: number; // 0 | 1: the mode of the platform key used for the token exchange
  scope: string;
  connectedAt: string;
  connectedBy: string; // usr_…
  disconnectedAt: string | null;
  disconnectedBy: string | null; // usr_… | 'stripe'
  disconnectReason: DisconnectReason | null;
}

/** Server-side OAuth `state`: only its hash is stored, bound to the user and session, single use. */
export interface StripeOauthStatesTable {
  stateHash: string;
  merchantId: string;
  userId: string;
  sessionHash: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export type StripeEventStatus = 'pending' | 'processing' | 'processed' | 'failed' | 'ignored';
export type StripeEventSource = 'webhook' | 'sync';

/** The inbox: every verified event, stored once (PRIMARY KEY on Stripe's event id) before processing. */
export interface StripeEventsTable {
  id: string; // evt_…
  accountId: string | null;
  merchantId: string | null;
  connectionId: string | null;
  type: string;
  /** `data.object.id` (cus_…, in_…, ca_…): what the event is about, for links on the events page. */
  objectId: string | null;
  livemode: number;
  apiVersion: string | null;
  /** When Stripe created the event (ISO). */
  created: string;
  /** The verified raw JSON, exactly as received. */
  payload: string;
  source: StripeEventSource;
  receivedAt: string;
  status: StripeEventStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  /** Lease of the worker processing it: another worker may take it over only after this time. */
  lockedUntil: string | null;
  lockedBy: string | null;
  processedAt: string | null;
  ignoredReason: string | null;
}

/** Latest known state of each subscription, per merchant; an older event never overwrites a newer one. */
export interface StripeSubscriptionsTable {
  merchantId: string;
  subscriptionId: string; // sub_…
  accountId: string;
  customerId: string | null;
  status: string;
  livemode: number;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: number;
  canceledAt: string | null;
  metadata: string; // JSON
  updatedFromEventId: string;
  /** `created` of the event that wrote this state (ISO): the ordering guard. */
  updatedFromEventCreated: string;
  /** When the state was read from Stripe: breaks ties between events created in the same second. */
  syncedAt: string;
}

export interface StripeTables {
  stripeConnections: StripeConnectionsTable;
  stripeOauthStates: StripeOauthStatesTable;
  stripeEvents: StripeEventsTable;
  stripeSubscriptions: StripeSubscriptionsTable;
}
