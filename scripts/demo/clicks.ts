// Ninety days of referral traffic: clicks per partner and day following a slow growth trend, quieter
// weekends and a few launch spikes, with link-preview bots and the odd repeat visitor mixed in. Rows are
// shaped exactly as the redirect records them (server/tracking) and inserted in batches.
import crypto from 'node:crypto';
import type { DB } from '../../db';
import type { NewClick } from '../../db/tables/partners';
import { newId } from '../../server/lib/ids';
import { BOT_AGENTS, HUMAN_AGENTS, type CastPartner } from './cast';
import type { Rng } from './random';

const DAY_MS = 86_400_000;
/** The redirect's repeat window: a click by the same visitor within it counts once in stats. */
const REPEAT_WINDOW_MS = 30 * 60_000;
const BOT_SHARE = 0.07;
const REPEAT_SHARE = 0.05;

export interface DemoLink {
  id: string;
  slug: string;
  campaign: string | null;
}

export interface PartnerTraffic {
  partnerId: string;
  code: string;
  cast: CastPartner;
  links: DemoLink[];
  /** Recent clicks stop earning (the partner is paused): the days before now when that started. */
  pausedForDays?: number;
}

/** A human click a sale can be attributed to. */
export interface SeedClick {
  id: string;
  partnerId: string;
  at: number;
}

/** How many clicks a partner gets on a given day (days ago), before noise. */
function expectedClicks(p: PartnerTraffic, daysAgo: number, perTrafficUnit: number, nowMs: number): number {
  const trend = 0.6 + 0.4 * ((90 - daysAgo) / 90); // a program that grew over the quarter
  const weekday = new Date(nowMs - daysAgo * DAY_MS).getUTCDay();
  const weekend = weekday === 0 || weekday === 6 ? 0.65 : 1;
  // Launch days: Maya's review video, Leo's feature issue, Priya's "best tools" post.
  const spike = (p.code === 'maya' && daysAgo >= 40 && daysAgo <= 42) || (p.code === 'leo' && daysAgo === 20) || (p.code === 'priya' && daysAgo >= 63 && daysAgo <= 64) ? 4 : 1;
  return p.cast.traffic * perTrafficUnit * trend * weekend * spike;
}

/** Clicks land mostly in the visitor's daytime: a bump in the middle of the day. */
function timeOfDay(rng: Rng): number {
  const hour = Math.min(23.99, Math.max(0, 14 + (rng.next() + rng.next() + rng.next() - 1.5) * 9));
  return hour * 3_600_000;
}

export interface ClickPlan {
  rows: NewClick[];
  /** Human, earning clicks per partner, oldest first: what sales are attributed to. */
  byPartner: Map<string, SeedClick[]>;
}

/**
 * Generate the traffic of the 90 days before `now`. `scale` 1 gives about four thousand clicks;
 * tests use less.
 */
export function planClicks(rng: Rng, opts: { merchantId: string; now: Date; partners: PartnerTraffic[]; destinationUrl: string; cookieDays: number; scale: number }): ClickPlan {
  const { merchantId, now, partners } = opts;
  const nowMs = now.getTime();
  const perTrafficUnit = 0.62 * opts.scale; // ≈4,000 clicks over the quarter at scale 1
  const rows: NewClick[] = [];
  const byPartner = new Map<string, SeedClick[]>();
  const startOfToday = Math.floor(nowMs / DAY_MS) * DAY_MS;

  for (const p of partners) {
    const earned: SeedClick[] = [];
    let last: { ipHash: string; userAgent: string; at: number } | undefined;
    for (let daysAgo = Math.min(89, p.cast.joinedDaysAgo - 1); daysAgo >= 0; daysAgo--) {
      const expected = expectedClicks(p, daysAgo, perTrafficUnit, nowMs);
      const count = Math.max(0, Math.round(expected * (0.75 + rng.next() * 0.5)));
      const dayStart = startOfToday - daysAgo * DAY_MS;
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const at = dayStart + timeOfDay(rng);
        if (at < nowMs - 5 * 60_000) times.push(at);
      }
      times.sort((a, b) => a - b);
      for (const at of times) {
        const isBot = rng.chance(BOT_SHARE);
        const repeat = !isBot && last !== undefined && rng.chance(REPEAT_SHARE);
        const userAgent = isBot ? rng.pick(BOT_AGENTS) : repeat ? last!.userAgent : rng.pick(HUMAN_AGENTS);
        const ipHash = repeat ? last!.ipHash : crypto.randomBytes(32).toString('hex');
        const clickAt = repeat ? Math.min(nowMs - 60_000, last!.at + rng.int(1, 20) * 60_000) : at;
        const viaCode = !isBot && rng.chance(p.cast.viaCode ?? 0);
        const link = viaCode ? undefined : p.links.length > 1 && rng.chance(0.4) ? rng.pick(p.links.slice(1)) : p.links[0]!;
        const id = newId('clk');
        const paused = p.pausedForDays !== undefined && clickAt >= nowMs - p.pausedForDays * DAY_MS;
        const landing = new URL(opts.destinationUrl);
        landing.searchParams.set('via', p.code);
        if (!viaCode) landing.searchParams.set('referral', id);
        rows.push({
          id,
          merchantId,
          partnerId: p.partnerId,
          linkId: link?.id ?? null,
          createdAt: new Date(clickAt).toISOString(),
          repeatSince: new Date(clickAt - REPEAT_WINDOW_MS).toISOString(),
          expiresAt: new Date(clickAt + opts.cookieDays * DAY_MS).toISOString(),
          referrer: isBot ? null : rng.pick(p.cast.referrers),
          userAgent,
          ipHash,
          landingUrl: landing.toString(),
          isBot: isBot ? 1 : 0,
          earning: paused ? 0 : 1,
          notEarningReason: paused ? 'partner_paused' : null,
          // A `?via=` deep link is recorded by the snippet through the public click endpoint.
          source: viaCode ? 'snippet' : 'link',
        });
        if (!isBot) last = { ipHash, userAgent, at: clickAt };
        if (!isBot && !repeat && !paused) earned.push({ id, partnerId: p.partnerId, at: clickAt });
      }
    }
    byPartner.set(p.partnerId, earned.sort((a, b) => a.at - b.at));
  }
  return { rows, byPartner };
}

/** Insert in batches: one statement per few hundred rows keeps SQLite and PostgreSQL both quick. */
export async function insertClicks(db: DB, rows: NewClick[], batch = 250): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) {
    await db.insertInto('clicks').values(rows.slice(i, i + batch)).execute();
  }
}
