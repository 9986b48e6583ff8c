// Signing in to the partner portal without a password: one-time links, 24 hours, only their hash stored.
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { PortalTokenPurpose } from '../../db/tables/portal';
import { newId, randomToken, sha256 } from '../lib/ids';
import { AppError } from '../http/errors';
import { audit } from '../audit';
import { findPartner } from '../partners/store';
import type { SendSignInLink } from './delivery';
import * as store from './store';

export const TOKEN_TTL_MS = 24 * 3_600_000;

export interface PortalDeps {
  db: DB;
  clock: Clock;
  logger: Logger;
  publicUrl: string;
  sendSignInLink: SendSignInLink;
}

export const portalPath = (publicId: string) => `/portal/${encodeURIComponent(publicId)}`;

/** Mint a sign-in link for a partner. The token appears in the URL only; the database keeps its SHA-256. */
async function issueLink(d: PortalDeps, t: { merchantId: string; publicId: string; partnerId: string; purpose: PortalTokenPurpose; createdBy: string }) {
  const token = randomToken(40);
  const now = d.clock.now();
  const expiresAt = new Date(now.getTime() + TOKEN_TTL_MS).toISOString();
  const id = newId('ptk');
  await store.insertToken(d.db, { id, merchantId: t.merchantId, partnerId: t.partnerId, tokenHash: sha256(token), purpose: t.purpose, createdBy: t.createdBy, createdAt: now.toISOString(), expiresAt, usedAt: null });
  // The token travels in the query string: request logs keep only the path.
  return { id, url: `${d.publicUrl}${portalPath(t.publicId)}/enter?token=${token}`, expiresAt };
}

/**
 * A partner asked for a magic link on the program's sign-in page. Whether the email belongs to a
 * partner is never revealed: the caller answers the same either way (the email is queued, not sent, here).
 */
export async function requestMagicLink(d: PortalDeps, publicId: string, email: string): Promise<void> {
  const program = await store.findProgram(d.db, publicId);
  if (!program) return;
  const partner = await store.findSignInPartner(d.db, program.id, email);
  if (!partner) {
    d.logger.info({ program: publicId }, 'portal magic link requested for an email that is not a partner of this program');
    return;
  }
  const link = await issueLink(d, { merchantId: program.id, publicId, partnerId: partner.id, purpose: 'magic_link', createdBy: 'partner' });
  const livemode = (await store.programLivemode(d.db, program.id)) === 1;
  await d.sendSignInLink({ merchantId: program.id, livemode, tokenId: link.id, to: partner.email, partnerName: partner.name, programName: program.name, url: link.url, expiresAt: link.expiresAt });
}

/** The merchant (a user or an API key) generates a portal link for one of its partners. */
export async function createPortalLink(d: PortalDeps, merchantId: string, partnerId: string, actor: string) {
  const partner = await findPartner(d.db, merchantId, partnerId);
  if (!partner) throw new AppError(404, 'affiliate_not_found', `No affiliate with the id ${partnerId}.`, 'id');
  if (!(store.SIGN_IN_STATUSES as readonly string[]).includes(partner.status)) {
    throw new AppError(422, 'unprocessable', `${partner.name} is ${partner.status}: only active or paused partners can sign in to the portal.`, 'id');
  }
  const merchant = await d.db.selectFrom('merchants').select('publicId').where('id', '=', merchantId).executeTakeFirstOrThrow();
  const link = await issueLink(d, { merchantId, publicId: merchant.publicId, partnerId, purpose: 'portal_link', createdBy: actor });
  await audit(d.db, { merchantId, actor, action: 'portal.link_created', subjectType: 'partner', subjectId: partnerId, after: { expiresAt: link.expiresAt }, at: d.clock.now() });
  return { url: link.url, expiresAt: link.expiresAt, partner };
}

/** The token's row when it is a usable link of this program: unused, unexpired, for a partner who may sign in. */
async function usableToken(d: Pick<PortalDeps, 'db' | 'clock'>, publicId: string, token: string) {
  const row = await store.findTokenByHash(d.db, sha256(token));
  const usable = row && row.publicId === publicId && !row.usedAt && row.expiresAt > d.clock.now().toISOString() && (store.SIGN_IN_STATUSES as readonly string[]).includes(row.partnerStatus);
  return usable ? row : undefined;
}

/** Looks only: opening the link's page does not spend it (mail scanners open links). */
export async function checkToken(d: Pick<PortalDeps, 'db' | 'clock'>, publicId: string, token: string): Promise<{ partnerName: string } | undefined> {
  const row = await usableToken(d, publicId, token);
  return row ? { partnerName: row.partnerName } : undefined;
}

/** Spend the link: the partner id to start a session for, once; undefined when invalid, expired, used or of another program. */
export async function spendToken(d: Pick<PortalDeps, 'db' | 'clock'>, publicId: string, token: string): Promise<string | undefined> {
  const row = await usableToken(d, publicId, token);
  if (!row || !(await store.claimToken(d.db, row.id, d.clock.now().toISOString()))) return undefined;
  return row.partnerId;
}
