// Tables for partners, links, clicks, applications. Columns camelCase here, snake_case in SQL.
import type { Insertable, Selectable } from 'kysely';

export type PartnerStatus = 'pending' | 'active' | 'paused' | 'banned';
export type CommissionOverrideType = 'percent' | 'flat';

export interface PartnersTable {
  id: string; // aff_…
  merchantId: string;
  name: string;
  /** Lower-case; unique per merchant. */
  email: string;
  /** Lower-case letters, digits, hyphens; unique per merchant; the `via=` value. */
  code: string;
  status: PartnerStatus;
  /** Replaces the program's commission for this partner when set. */
  commissionOverrideType: CommissionOverrideType | null;
  /** Basis points (percent) or minor units of the program currency (flat). */
  commissionOverrideValue: number | null;
  payoutEmail: string | null;
  /** Why the partner was paused or banned (shown to the merchant, never to visitors). */
  statusReason: string | null;
  createdAt: string;
  /** First time the partner became active; kept through later pauses. */
  activatedAt: string | null;
  updatedAt: string;
}

export interface LinksTable {
  id: string; // lnk_…
  merchantId: string;
  partnerId: string;
  /** Public `/r/:slug`, unique across the whole server. */
  slug: string;
  /** Null means "the program's destination URL", so default links follow a change in settings. */
  destinationUrl: string | null;
  campaign: string | null;
  isDefault: number; // 0 | 1
  disabledAt: string | null;
  createdAt: string;
}

export type ClickSource = 'link' | 'snippet';
export type NotEarningReason = 'partner_pending' | 'partner_paused' | 'partner_banned';

export interface ClicksTable {
  id: string; // clk_…
  merchantId: string;
  partnerId: string;
  /** Null when recorded by the public click endpoint from a `?via=` deep link. */
  linkId: string | null;
  createdAt: string;
  /** A click by the same visitor for the same partner at or after this instant makes this one a repeat in stats. */
  repeatSince: string;
  /** End of the cookie window promised when the click happened. */
  expiresAt: string;
  referrer: string | null;
  userAgent: string | null;
  /** HMAC of the IP with a server-side salt; raw IPs are never stored. */
  ipHash: string | null;
  landingUrl: string | null;
  isBot: number; // 0 | 1
  earning: number; // 0 | 1
  notEarningReason: NotEarningReason | null;
  source: ClickSource;
}

export type ApplicationStatus = 'pending' | 'approved' | 'rejected';

export interface ApplicationsTable {
  id: string; // app_…
  merchantId: string;
  /** Lower-case; one application per email per program. */
  email: string;
  name: string;
  company: string | null;
  website: string | null;
  reason: string | null;
  status: ApplicationStatus;
  rejectionReason: string | null;
  /** The partner created on approval. */
  partnerId: string | null;
  createdAt: string;
  decidedAt: string | null;
  /** usr_… or key_… of whoever approved or rejected. */
  decidedBy: string | null;
}

export interface PartnersTables {
  partners: PartnersTable;
  links: LinksTable;
  clicks: ClicksTable;
  applications: ApplicationsTable;
}

export type Partner = Selectable<PartnersTable>;
export type NewPartner = Insertable<PartnersTable>;
export type Link = Selectable<LinksTable>;
export type NewLink = Insertable<LinksTable>;
export type Click = Selectable<ClicksTable>;
export type NewClick = Insertable<ClicksTable>;
export type Application = Selectable<ApplicationsTable>;
