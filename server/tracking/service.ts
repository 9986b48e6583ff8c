// Recording clicks: from a referral link (/r/:slug, the hot path) and from the snippet (public click endpoint).
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { addDays } from '../lib/clock';
import { newId } from '../lib/ids';
import { AppError } from '../http/errors';
import { parse } from '../http/validate';
import { CODE_PATTERN } from '../partners/codes';
import { notEarningReason } from '../partners/service';
import type { PartnerStatus } from '../../db/tables/partners';
import { redirectLocation } from './destination';
import { clip, isBot, REPEAT_WINDOW_MS } from './visitor';
import { TrackClickBody } from './schema';
import * as store from './store';

export interface Visit {
  method: string;
  userAgent: string | undefined;
  ipHash: string | null;
  referrer: string | undefined;
}

export type LinkClickResult = { found: true; location: string; clickId: string; cookieSeconds: number } | { found: false; siteUrl: string | null };

function clickTimes(clock: Clock, cookieDays: number) {
  const now = clock.now();
  return { createdAt: now.toISOString(), repeatSince: new Date(now.getTime() - REPEAT_WINDOW_MS).toISOString(), expiresAt: addDays(now, cookieDays).toISOString() };
}

const earningOf = (status: PartnerStatus) => {
  const reason = notEarningReason(status);
  return { earning: reason ? 0 : 1, notEarningReason: reason };
};

/**
 * One click through `/r/:slug`: one indexed read, one insert. Paused or banned partners' links still
 * redirect (the visitor should not notice), with the click marked as not earning and why.
 */
export async function recordLinkClick(db: DB, clock: Clock, slug: string, query: string, visit: Visit): Promise<LinkClickResult> {
  if (!CODE_PATTERN.test(slug)) return { found: false, siteUrl: null };
  const link = await store.findLinkForRedirect(db, slug);
  if (!link) return { found: false, siteUrl: null };
  const destination = link.destinationUrl ?? link.siteUrl;
  if (link.disabledAt || !destination) return { found: false, siteUrl: link.siteUrl };
  const clickId = newId('clk');
  const location = redirectLocation(destination, query, link.code, clickId);
  await store.insertClick(db, {
    id: clickId,
    merchantId: link.merchantId,
    partnerId: link.partnerId,
    linkId: link.id,
    ...clickTimes(clock, link.cookieDays),
    referrer: clip(visit.referrer, 2000),
    userAgent: clip(visit.userAgent, 500),
    ipHash: visit.ipHash,
    landingUrl: clip(location, 2000),
    isBot: isBot(visit.userAgent, visit.method) ? 1 : 0,
    ...earningOf(link.status),
    source: 'link',
  });
  return { found: true, location, clickId, cookieSeconds: link.cookieDays * 86_400 };
}

export interface PublicClick {
  clickId: string;
  partnerCode: string;
  expiresAt: string;
  attributionModel: 'last_click' | 'first_click';
  cookieDays: number;
  /** False when the referral named a click that is still valid: nothing new was recorded. */
  created: boolean;
}

// One message for every miss (unknown code, unknown click, another program's): callers cannot enumerate.
const noMatch = (param: string) => new AppError(404, 'affiliate_not_found', 'No partner or click matches that referral in this program.', param);

/**
 * The snippet's click: a partner code (`?via=` / `?ref=`) records a new click; a click id (`?referral=`)
 * that is still valid is confirmed as it is. Everything is looked up inside the program named by
 * `programId` only, so one program's id can never credit another program's partner.
 */
export async function recordPublicClick(db: DB, clock: Clock, body: unknown, visit: Visit): Promise<PublicClick> {
  const b = parse(TrackClickBody, body);
  const program = await store.findProgram(db, b.programId);
  if (!program) throw new AppError(404, 'program_not_found', 'Unknown program id.', 'programId');
  const param = b.code ? 'code' : 'referral';
  const value = (b.code || b.referral || '').trim();

  let partner: { id: string; code: string; status: PartnerStatus } | undefined;
  let linkId: string | null = null;
  if (value.startsWith('clk_')) {
    const click = await store.findClickWithPartner(db, program.merchantId, value);
    if (!click) throw noMatch(param);
    if (click.expiresAt > clock.now().toISOString()) {
      return { clickId: click.id, partnerCode: click.code, expiresAt: click.expiresAt, attributionModel: program.attributionModel, cookieDays: program.cookieDays, created: false };
    }
    // An old bookmarked link: the visitor is back through this partner now, so it is a new click.
    partner = { id: click.partnerId, code: click.code, status: click.status };
    linkId = click.linkId;
  } else {
    const code = value.toLowerCase();
    if (!CODE_PATTERN.test(code)) throw noMatch(param);
    partner = await store.findPartnerByCode(db, program.merchantId, code);
    if (!partner) throw noMatch(param);
  }

  const times = clickTimes(clock, program.cookieDays);
  const clickId = newId('clk');
  await store.insertClick(db, {
    id: clickId,
    merchantId: program.merchantId,
    partnerId: partner.id,
    linkId,
    ...times,
    referrer: b.referrer,
    userAgent: clip(visit.userAgent, 500),
    ipHash: visit.ipHash,
    landingUrl: b.url,
    isBot: isBot(visit.userAgent, visit.method) ? 1 : 0,
    ...earningOf(partner.status),
    source: 'snippet',
  });
  return { clickId, partnerCode: partner.code, expiresAt: times.expiresAt, attributionModel: program.attributionModel, cookieDays: program.cookieDays, created: true };
}
