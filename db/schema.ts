// The Database interface: one type per table. Columns are snake_case in SQL and camelCase here
// (kysely's CamelCasePlugin converts). Times are ISO 8601 UTC strings; money is integer minor units;
// booleans are 0/1 integers so both dialects read the same; JSON is stored as text.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { PartnersTables } from './tables/partners';
import type { StripeTables } from './tables/stripe';
import type { ApiTables } from './tables/api';
import type { LedgerTables } from './tables/ledger';
import type { PayoutsTables } from './tables/payouts';
import type { ApiSalesTables } from './tables/api-sales';
import type { AttributionTables } from './tables/attribution';
import type { PortalTables } from './tables/portal';
import type { DashboardTables } from './tables/dashboard';

export type Role = 'owner' | 'admin' | 'read_only';

export interface MerchantsTable {
  id: string; // mer_…
  name: string;
  /** Public program id used by the tracking snippet, the public click endpoint and the application page. */
  publicId: string; // prg_…
  createdAt: string;
}

export type CommissionType = 'percent' | 'flat';
export type DurationType = 'lifetime' | 'first_payment' | 'months' | 'invoices';
export type AttributionModel = 'last_click' | 'first_click';

export interface ProgramSettingsTable {
  merchantId: string;
  commissionType: CommissionType;
  /** Basis points when commissionType is percent; minor units of `currency` when flat. */
  commissionValue: number;
  durationType: DurationType;
  /** Months or invoices, for the duration types that need a count. */
  durationValue: number | null;
  cookieDays: number;
  attributionModel: AttributionModel;
  holdingDays: number;
  minPayout: number;
  currency: string;
  platformFeeBps: number;
  destinationUrl: string | null;
  /** JSON array of extra metadata key names to read referral values from. */
  extraMetadataKeys: string;
  timeZone: string;
  brandColor: string;
  updatedAt: string;
}

export interface UsersTable {
  id: string; // usr_…
  email: string;
  name: string;
  passwordHash: string;
  createdAt: string;
}

export interface MembershipsTable {
  userId: string;
  merchantId: string;
  role: Role;
  createdAt: string;
}

export interface InvitesTable {
  id: string; // inv_…
  merchantId: string;
  role: Role;
  tokenHash: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  acceptedBy: string | null;
}

export interface SessionsTable {
  sid: string;
  data: string;
  expiresAt: number; // epoch ms, compared on every read
}

export interface RateLimitsTable {
  key: string;
  hits: number;
  resetAt: number; // epoch ms
}

export interface AuditLogTable {
  id: string; // aud_…
  merchantId: string;
  actor: string; // usr_… | key_… | system | stripe
  action: string;
  subjectType: string;
  subjectId: string;
  before: string | null; // JSON
  after: string | null; // JSON
  createdAt: string;
}

/** Every table: the foundation's below, each feature's in db/tables/<feature>.ts. */
export interface OutboxEventsTable {
  id: string; // evt_…
  merchantId: string;
  type: string;
  livemode: number; // 0 | 1
  data: string; // JSON
  createdAt: string;
  /** 1 until the outbound fan-out has handled the event (partial index: the fan-out reads only these). */
  fanoutPending: Generated<number>;
  /** 1 until the notifications scan has looked at the event (partial index: the scan reads only these). */
  notifyPending: Generated<number>;
}

export interface Database extends PartnersTables, StripeTables, ApiTables, LedgerTables, PayoutsTables, ApiSalesTables, AttributionTables, PortalTables, DashboardTables {
  merchants: MerchantsTable;
  programSettings: ProgramSettingsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  invites: InvitesTable;
  sessions: SessionsTable;
  rateLimits: RateLimitsTable;
  auditLog: AuditLogTable;
  outboxEvents: OutboxEventsTable;
}

export type Merchant = Selectable<MerchantsTable>;
export type ProgramSettings = Selectable<ProgramSettingsTable>;
export type NewProgramSettings = Insertable<ProgramSettingsTable>;
export type ProgramSettingsUpdate = Updateable<ProgramSettingsTable>;
export type User = Selectable<UsersTable>;
export type Membership = Selectable<MembershipsTable>;
export type Invite = Selectable<InvitesTable>;
export type AuditEntry = Selectable<AuditLogTable>;
// Generated<> is used by tables that add auto-filled columns later.
export type { Generated };
export type OutboxEvent = Selectable<OutboxEventsTable>;
