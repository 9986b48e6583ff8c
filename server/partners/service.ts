// Partners and their links: the rules. HTTP-agnostic, so the merchant pages, the CSV import and the REST API share them.
import type { DB } from '../../db';
import type { Partner, PartnerStatus, NotEarningReason } from '../../db/tables/partners';
import type { Clock } from '../lib/clock';
import { addDays } from '../lib/clock';
import { newId } from '../lib/ids';
import { AppError } from '../http/errors';
import { parse } from '../http/validate';
import { audit } from '../audit';
import { isUniqueViolation } from '../accounts/service';
import { getSettings } from '../accounts/store';
import { isOnSite } from '../tracking/destination';
import { codeFromName, slugCandidate } from './codes';
import { PartnerInput, PartnerPatch, StatusChange, PartnerListQuery, LinkInput, type CommissionOverride, type ParsedPartnerInput } from './schema';
import * as store from './store';

export const affiliateNotFound = () => new AppError(404, 'affiliate_not_found', 'No such partner.', 'id');

const codeTaken = () => new AppError(409, 'code_taken', 'Another partner of this program already uses this code.', 'code');
const emailTaken = () => new AppError(409, 'email_taken', 'Another partner of this program already uses this email.', 'email');

/** Which unique index a failed insert hit: both dialects name the column or constraint in the message. */
export function conflictError(err: unknown): AppError | undefined {
  if (!isUniqueViolation(err)) return undefined;
  const text = `${(err as { constraint?: string }).constraint ?? ''} ${(err as Error).message}`;
  if (/email/.test(text)) return emailTaken();
  if (/code/.test(text)) return codeTaken();
  if (/slug/.test(text)) return new AppError(409, 'slug_taken', 'That link slug is already taken; choose another.', 'slug');
  return undefined;
}

/** Why clicks and sales of a partner in this status do not earn (null when they do). */
export const notEarningReason = (status: PartnerStatus): NotEarningReason | null => (status === 'active' ? null : `partner_${status}`);

const overrideOf = (p: Pick<Partner, 'commissionOverrideType' | 'commissionOverrideValue'>): CommissionOverride | null =>
  p.commissionOverrideType && p.commissionOverrideValue !== null ? { type: p.commissionOverrideType, value: p.commissionOverrideValue } : null;

/** A globally unique slug for a new link of `code`: the code itself when free, else code plus a suffix. */
async function freeSlug(db: DB, code: string): Promise<string> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const slug = slugCandidate(code, attempt);
    if (!(await db.selectFrom('links').select('id').where('slug', '=', slug).executeTakeFirst())) return slug;
  }
  throw new AppError(409, 'slug_taken', 'Could not find a free link slug; try again.', 'slug');
}

async function freeCode(db: DB, merchantId: string, name: string): Promise<string> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const code = codeFromName(name);
    if (!(await store.findPartnerByCodeOrId(db, merchantId, code))) return code;
  }
  throw codeTaken();
}

/**
 * Create a partner and its default link (which follows the program's destination URL) in one
 * transaction. Throws `email_taken` / `code_taken` (409) on duplicates within the merchant.
 */
export async function createPartner(db: DB, clock: Clock, merchantId: string, input: PartnerInput, actor = 'system'): Promise<Partner> {
  const data = parse(PartnerInput, input);
  try {
    return await db.transaction().execute((trx) => insertPartnerWithLink(trx, clock, merchantId, data, actor));
  } catch (err) {
    throw conflictError(err) ?? err;
  }
}

/** The body of createPartner, for callers that already hold a transaction (approving an application). */
export async function insertPartnerWithLink(trx: DB, clock: Clock, merchantId: string, data: ParsedPartnerInput, actor: string): Promise<Partner> {
  const now = clock.now().toISOString();
  if (await store.findPartnerByEmail(trx, merchantId, data.email)) throw emailTaken();
  if (data.code && (await store.findPartnerByCodeOrId(trx, merchantId, data.code))) throw codeTaken();
  const code = data.code ?? (await freeCode(trx, merchantId, data.name));
  const partner: Partner = {
    id: newId('aff'),
    merchantId,
    name: data.name,
    email: data.email,
    code,
    status: data.status,
    commissionOverrideType: data.commissionOverride?.type ?? null,
    commissionOverrideValue: data.commissionOverride?.value ?? null,
    payoutEmail: data.payoutEmail ?? null,
    statusReason: null,
    createdAt: now,
    activatedAt: data.status === 'active' ? now : null,
    updatedAt: now,
  };
  await store.insertPartner(trx, partner);
  await store.insertLink(trx, { id: newId('lnk'), merchantId, partnerId: partner.id, slug: await freeSlug(trx, code), destinationUrl: null, campaign: null, isDefault: 1, disabledAt: null, createdAt: now });
  await audit(trx, { merchantId, actor, action: 'partner.created', subjectType: 'partner', subjectId: partner.id, after: { code, status: partner.status, commissionOverride: overrideOf(partner) }, at: clock.now() });
  return partner;
}

export async function getPartner(db: DB, merchantId: string, id: string): Promise<Partner> {
  const partner = await store.findPartner(db, merchantId, id);
  if (!partner) throw affiliateNotFound();
  return partner;
}

/** Change name, email, code, override or payout email. Override changes get their own audit entry. */
export async function updatePartner(db: DB, clock: Clock, merchantId: string, partnerId: string, patch: PartnerPatch, actor = 'system'): Promise<Partner> {
  const data = parse(PartnerPatch, patch);
  try {
    return await db.transaction().execute(async (trx) => {
      const before = await getPartner(trx, merchantId, partnerId);
      const changes: Partial<Partner> = {};
      if (data.name !== undefined && data.name !== before.name) changes.name = data.name;
      if (data.email !== undefined && data.email !== before.email) {
        if (await store.findPartnerByEmail(trx, merchantId, data.email)) throw emailTaken();
        changes.email = data.email;
      }
      if (data.code !== undefined && data.code !== before.code) {
        if (await store.findPartnerByCodeOrId(trx, merchantId, data.code)) throw codeTaken();
        changes.code = data.code;
      }
      if (data.payoutEmail !== undefined && data.payoutEmail !== before.payoutEmail) changes.payoutEmail = data.payoutEmail;
      const overrideBefore = overrideOf(before);
      const overrideChanged = data.commissionOverride !== undefined && JSON.stringify(data.commissionOverride) !== JSON.stringify(overrideBefore);
      if (overrideChanged) {
        changes.commissionOverrideType = data.commissionOverride?.type ?? null;
        changes.commissionOverrideValue = data.commissionOverride?.value ?? null;
      }
      if (Object.keys(changes).length === 0) return before;
      const at = clock.now();
      await store.updatePartnerRow(trx, merchantId, partnerId, { ...changes, updatedAt: at.toISOString() });
      if (overrideChanged) {
        await audit(trx, { merchantId, actor, action: 'partner.override_changed', subjectType: 'partner', subjectId: partnerId, before: { commissionOverride: overrideBefore }, after: { commissionOverride: data.commissionOverride ?? null }, at });
      }
      const { commissionOverrideType: _t, commissionOverrideValue: _v, ...plain } = changes;
      if (Object.keys(plain).length > 0) {
        const was = Object.fromEntries(Object.keys(plain).map((k) => [k, before[k as keyof Partner]]));
        await audit(trx, { merchantId, actor, action: 'partner.updated', subjectType: 'partner', subjectId: partnerId, before: was, after: plain, at });
      }
      return { ...before, ...changes, updatedAt: at.toISOString() };
    });
  } catch (err) {
    throw conflictError(err) ?? err;
  }
}

/** Activate, pause or ban. Paused and banned partners keep their links working, but nothing they refer earns. */
export async function setPartnerStatus(db: DB, clock: Clock, merchantId: string, partnerId: string, change: { status: 'active' | 'paused' | 'banned'; reason?: string | null }, actor = 'system'): Promise<Partner> {
  const { status, reason } = parse(StatusChange, { status: change.status, reason: change.reason ?? '' });
  return db.transaction().execute(async (trx) => {
    const before = await getPartner(trx, merchantId, partnerId);
    if (before.status === status) return before;
    const at = clock.now();
    const after = { status, statusReason: status === 'active' ? null : reason, activatedAt: before.activatedAt ?? (status === 'active' ? at.toISOString() : null), updatedAt: at.toISOString() };
    await store.updatePartnerRow(trx, merchantId, partnerId, after);
    await audit(trx, { merchantId, actor, action: 'partner.status_changed', subjectType: 'partner', subjectId: partnerId, before: { status: before.status, statusReason: before.statusReason }, after: { status, statusReason: after.statusReason }, at });
    return { ...before, ...after };
  });
}

export async function listPartners(db: DB, merchantId: string, query: PartnerListQuery = {}) {
  const q = parse(PartnerListQuery, query);
  const { rows, total } = await store.listPartners(db, merchantId, { search: q.search, status: q.status, offset: (q.page - 1) * q.limit, limit: q.limit });
  return { data: rows, total, page: q.page, limit: q.limit, pages: Math.max(1, Math.ceil(total / q.limit)) };
}

/** A new referral link for a partner; its destination must stay on the program's destination site. */
export async function createLink(db: DB, clock: Clock, merchantId: string, partnerId: string, input: LinkInput, actor = 'system') {
  const data = parse(LinkInput, input);
  try {
    return await db.transaction().execute(async (trx) => {
      const partner = await getPartner(trx, merchantId, partnerId);
      const { destinationUrl: site } = await getSettings(trx, merchantId);
      if (!site) throw new AppError(400, 'invalid_request', 'Set the destination URL of your program in Settings first.', 'destinationUrl');
      if (data.destinationUrl && !isOnSite(data.destinationUrl, site)) {
        throw new AppError(400, 'invalid_request', `Link destinations must stay on ${new URL(site).origin}.`, 'destinationUrl');
      }
      const slug = data.slug ?? (await freeSlug(trx, partner.code));
      const link = { id: newId('lnk'), merchantId, partnerId, slug, destinationUrl: data.destinationUrl, campaign: data.campaign, isDefault: 0, disabledAt: null, createdAt: clock.now().toISOString() };
      await store.insertLink(trx, link);
      await audit(trx, { merchantId, actor, action: 'link.created', subjectType: 'link', subjectId: link.id, after: { partnerId, slug, destinationUrl: link.destinationUrl, campaign: link.campaign }, at: clock.now() });
      return link;
    });
  } catch (err) {
    throw conflictError(err) ?? err;
  }
}

/** Disable a link: `/r/<slug>` answers 404 from now on; its clicks stay. */
export async function disableLink(db: DB, clock: Clock, merchantId: string, partnerId: string, linkId: string, actor = 'system') {
  await db.transaction().execute(async (trx) => {
    const link = await store.findLink(trx, merchantId, partnerId, linkId);
    if (!link) throw new AppError(404, 'link_not_found', 'No such link.', 'linkId');
    if (link.disabledAt) return;
    await store.disableLinkRow(trx, merchantId, linkId, clock.now().toISOString());
    await audit(trx, { merchantId, actor, action: 'link.disabled', subjectType: 'link', subjectId: linkId, before: { slug: link.slug }, at: clock.now() });
  });
}

const STATS_DAYS = 30;

/** Everything the partner page shows: the partner, links, click counts for the last 30 days, recent clicks. */
export async function partnerOverview(db: DB, clock: Clock, merchantId: string, partnerId: string) {
  const partner = await getPartner(db, merchantId, partnerId);
  const since = addDays(clock.now(), -STATS_DAYS).toISOString();
  const [links, stats, clicks, settings] = await Promise.all([
    store.listLinks(db, merchantId, partnerId),
    store.clickStats(db, merchantId, partnerId, since),
    store.recentClicks(db, merchantId, partnerId, 20),
    getSettings(db, merchantId),
  ]);
  return { partner, links, stats, statsDays: STATS_DAYS, clicks, settings };
}
