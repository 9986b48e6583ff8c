// The benchmark merchant: 10,000 partners with a link each, 1,000,000 clicks over 90 days and 100,000
// ledger rows (credits, some refund reversals, a paid payout history). The merchant, its owner, its
// settings and its API key go through the real services; the volume goes in as bulk inserts of rows
// shaped exactly as the app writes them (server/tracking, server/commissions).
import crypto from 'node:crypto';
import type { Db } from '../../../db';
import { FixedClock, systemClock } from '../../../server/lib/clock';
import { newId } from '../../../server/lib/ids';
import { signUp, saveSettings } from '../../../server/accounts/service';
import { SettingsForm } from '../../../server/accounts/settings-schema';
import { createKey } from '../../../server/api/service';
import { markPaid, runPayouts } from '../../../server/payouts/service';
import { LAG_MS, rollupAll } from '../../../server/dashboard/rollup';
import { rebuildTotals } from '../../../server/commissions/totals';
import { seededRng, type Rng } from '../../demo/random';
import { bulkInsert, withoutSecondaryIndexes, type BulkTable } from './bulk';

const DAY_MS = 86_400_000;
const HOLDING_DAYS = 30;
const COOKIE_DAYS = 60;

export interface SeedCounts {
  partners: number;
  clicks: number;
  commissions: number;
}

export const FULL_COUNTS: SeedCounts = { partners: 10_000, clicks: 1_000_000, commissions: 100_000 };

/** What the benchmarks need to know about the seeded merchant (written next to the database). */
export interface BenchManifest {
  databaseUrl: string;
  counts: SeedCounts;
  seededAt: string;
  seconds: number;
  merchantId: string;
  publicId: string;
  userId: string;
  email: string;
  password: string;
  apiKey: string;
  /** Slugs of active partners' links, busiest first: what the redirect benchmark requests. */
  slugs: string[];
  /** Partners with the most ledger rows, for the balance page. */
  topPartnerIds: string[];
  connectionAccount: string;
}

export const BENCH_EMAIL = 'owner@bench.refcut.test';
export const BENCH_PASSWORD = 'bench-password-0123';

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
];
const BOTS = ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'facebookexternalhit/1.1', 'Twitterbot/1.0', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'];
const REFERRERS = ['https://www.youtube.com/', 'https://twitter.com/', 'https://www.reddit.com/', 'https://news.ycombinator.com/', null, null, null];

const PARTNERS: BulkTable = {
  table: 'partners',
  columns: [
    ['id', 'text'], ['merchant_id', 'text'], ['name', 'text'], ['email', 'text'], ['code', 'text'], ['status', 'text'],
    ['commission_override_type', 'text'], ['commission_override_value', 'bigint'], ['payout_email', 'text'], ['status_reason', 'text'],
    ['created_at', 'text'], ['activated_at', 'text'], ['updated_at', 'text'],
  ],
};
const LINKS: BulkTable = {
  table: 'links',
  columns: [['id', 'text'], ['merchant_id', 'text'], ['partner_id', 'text'], ['slug', 'text'], ['destination_url', 'text'], ['campaign', 'text'], ['is_default', 'int'], ['disabled_at', 'text'], ['created_at', 'text']],
};
const CLICKS: BulkTable = {
  table: 'clicks',
  columns: [
    ['id', 'text'], ['merchant_id', 'text'], ['partner_id', 'text'], ['link_id', 'text'], ['created_at', 'text'], ['repeat_since', 'text'], ['expires_at', 'text'],
    ['referrer', 'text'], ['user_agent', 'text'], ['ip_hash', 'text'], ['landing_url', 'text'], ['is_bot', 'int'], ['earning', 'int'], ['not_earning_reason', 'text'], ['source', 'text'],
  ],
};
const CONVERSIONS: BulkTable = {
  table: 'conversions',
  columns: [
    ['id', 'text'], ['merchant_id', 'text'], ['livemode', 'int'], ['source_key', 'text'], ['source', 'text'], ['kind', 'text'], ['partner_id', 'text'], ['binding_id', 'text'],
    ['unattributed_reason', 'text'], ['attribution', 'text'], ['stripe_object_id', 'text'], ['payment_intent_id', 'text'], ['stripe_customer_id', 'text'], ['customer_key', 'text'],
    ['customer_email', 'text'], ['amount', 'bigint'], ['amount_paid', 'bigint'], ['currency', 'text'], ['occurred_at', 'text'], ['stripe_event_id', 'text'], ['created_at', 'text'],
  ],
};
const COMMISSIONS: BulkTable = {
  table: 'commissions',
  columns: [
    ['id', 'text'], ['merchant_id', 'text'], ['livemode', 'int'], ['partner_id', 'text'], ['conversion_id', 'text'], ['kind', 'text'], ['reverses_id', 'text'], ['ledger_key', 'text'],
    ['amount', 'bigint'], ['fee', 'bigint'], ['net', 'bigint'], ['currency', 'text'], ['rule', 'text'], ['explanation', 'text'], ['status', 'text'], ['status_reason', 'text'],
    ['hold_until', 'text'], ['cause_type', 'text'], ['cause_id', 'text'], ['stripe_object_id', 'text'], ['payout_id', 'text'], ['occurred_at', 'text'], ['created_at', 'text'],
  ],
};
const CONNECTIONS: BulkTable = {
  table: 'stripe_connections',
  columns: [
    ['id', 'text'], ['merchant_id', 'text'], ['account_id', 'text'], ['active_account_id', 'text'], ['active_merchant_id', 'text'], ['livemode', 'int'], ['scope', 'text'],
    ['connected_at', 'text'], ['connected_by', 'text'], ['disconnected_at', 'text'], ['disconnected_by', 'text'], ['disconnect_reason', 'text'],
  ],
};
export { CONNECTIONS, PARTNERS, LINKS };

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
let pool = Buffer.alloc(0);
let at = 0;
/** newId's format (prefix, 20 unbiased base62 characters) drawn from a pooled random buffer: a million ids in a fraction of a second. */
function fastId(prefix: string): string {
  let out = `${prefix}_`;
  while (out.length < prefix.length + 21) {
    if (at >= pool.length) {
      pool = crypto.randomBytes(1 << 16);
      at = 0;
    }
    const b = pool[at++]!;
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out;
}

/** Partner i's share of traffic and sales: a long tail, as in real programs (a few partners bring most). */
const weightOf = (i: number) => 1 / Math.pow(i + 8, 1.1);

function cumulative(n: number): Float64Array {
  const c = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) c[i] = s += weightOf(i);
  return c;
}
function pickIndex(cum: Float64Array, rng: Rng): number {
  const r = rng.next() * cum[cum.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A time in the last `days` days, weighted towards recent days (a growing program). */
const recentTime = (rng: Rng, nowMs: number, days: number) => nowMs - Math.pow(rng.next(), 1.4) * days * DAY_MS;
const iso = (ms: number) => new Date(ms).toISOString();
const hex = (rng: Rng, n: number) => {
  let s = '';
  while (s.length < n) s += Math.floor(rng.next() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, n);
};

export interface SeedOptions {
  counts?: SeedCounts;
  /** Stop after the ledger rows: no payout run, no rollups (profiling those). */
  ledgerOnly?: boolean;
  seed?: number;
  log?: (line: string) => void;
}

interface PartnerRow {
  id: string;
  code: string;
  linkId: string;
  status: 'active' | 'paused' | 'pending';
}

/** Seed an empty, migrated database. Returns the manifest (without timing, which the caller adds). */
export async function seedBenchMerchant(db: Db, databaseUrl: string, options: SeedOptions = {}): Promise<Omit<BenchManifest, 'seconds'>> {
  const counts = options.counts ?? FULL_COUNTS;
  const log = options.log ?? (() => {});
  const rng = seededRng(options.seed ?? 20261125);
  const nowMs = Math.floor(systemClock.now().getTime() / 1000) * 1000;
  const start = new FixedClock(new Date(nowMs - 120 * DAY_MS));
  const k = db.kysely;

  const { userId, merchantId } = await signUp(k, start, { name: 'Bench Store', email: BENCH_EMAIL, password: BENCH_PASSWORD });
  const settings = SettingsForm.parse({
    commissionType: 'percent', commissionValue: '20', durationType: 'lifetime', durationValue: '', cookieDays: String(COOKIE_DAYS), attributionModel: 'last_click',
    holdingDays: String(HOLDING_DAYS), minPayout: '50', currency: 'usd', platformFee: '0', destinationUrl: 'https://shop.example.com/pricing', extraMetadataKeys: '', timeZone: 'UTC', brandColor: '#4f46e5',
  });
  await saveSettings(k, start, merchantId, userId, settings);
  const { key: apiKey } = await createKey(k, start, merchantId, userId, { name: 'bench', mode: 'live' });
  const publicId = (await k.selectFrom('merchants').select('publicId').where('id', '=', merchantId).executeTakeFirstOrThrow()).publicId;
  const connectionAccount = 'acct_benchmain000001';
  await bulkInsert(db, CONNECTIONS, [[newId('scn'), merchantId, connectionAccount, connectionAccount, merchantId, 1, 'read_write', iso(start.now().getTime()), userId, null, null, null]]);

  // Partners and their default links.
  const partners: PartnerRow[] = [];
  const partnerRows: unknown[][] = [];
  const linkRows: unknown[][] = [];
  for (let i = 0; i < counts.partners; i++) {
    const status = i % 50 === 49 ? 'paused' : i % 40 === 39 ? 'pending' : 'active';
    const p: PartnerRow = { id: newId('aff'), code: `partner-${String(i + 1).padStart(5, '0')}`, linkId: newId('lnk'), status };
    partners.push(p);
    const created = iso(start.now().getTime() + Math.floor((i / counts.partners) * 20 * DAY_MS));
    partnerRows.push([p.id, merchantId, `Partner ${i + 1}`, `partner${i + 1}@bench.refcut.test`, p.code, status, null, null, `partner${i + 1}@paypal.bench.test`, null, created, status === 'pending' ? null : created, created]);
    linkRows.push([p.linkId, merchantId, p.id, p.code, null, null, 1, null, created]);
  }
  await bulkInsert(db, PARTNERS, partnerRows);
  await bulkInsert(db, LINKS, linkRows);
  log(`${counts.partners} partners and links`);

  // Clicks, oldest first (as they would have arrived), in chunks so memory stays flat.
  const cum = cumulative(counts.partners);
  const chunk = 100_000;
  await withoutSecondaryIndexes(db, ['clicks'], async () => {
    for (let done = 0; done < counts.clicks; done += chunk) {
      const n = Math.min(chunk, counts.clicks - done);
      const times = Array.from({ length: n }, () => recentTime(rng, nowMs, 90)).sort((a, b) => a - b);
      const rows: unknown[][] = [];
      for (const t of times) {
        const p = partners[pickIndex(cum, rng)]!;
        const bot = rng.chance(0.07);
        const id = fastId('clk');
        rows.push([
          id, merchantId, p.id, p.linkId, iso(t), iso(t - 30 * 60_000), iso(t + COOKIE_DAYS * DAY_MS), rng.pick(REFERRERS), bot ? rng.pick(BOTS) : rng.pick(BROWSERS), hex(rng, 32),
          `https://shop.example.com/pricing?via=${p.code}&referral=${id}`, bot ? 1 : 0, p.status === 'active' ? 1 : 0, p.status === 'active' ? null : `partner_${p.status}`, 'link',
        ]);
      }
      await bulkInsert(db, CLICKS, rows);
      log(`${done + n} clicks`);
    }
  });
  log('clicks indexed');

  // Sales and the ledger: one credit per attributed sale, a refund reversal for some, unattributed sales besides.
  const conversions: unknown[][] = [];
  const commissions: unknown[][] = [];
  const perPartner = new Map<string, number>();
  const nowIso = iso(nowMs);
  const rule = JSON.stringify({ type: 'percent', bps: 2000, source: 'program' });
  while (commissions.length < counts.commissions) {
    const t = recentTime(rng, nowMs, 85);
    const amount = rng.int(9, 299) * 100;
    const cnvId = fastId('cnv');
    const pi = `pi_${hex(rng, 24)}`;
    const attributed = rng.chance(0.95);
    const p = attributed ? partners[pickIndex(cum, rng)]! : undefined;
    const currency = rng.chance(0.1) ? 'eur' : 'usd';
    conversions.push([
      cnvId, merchantId, 1, `pi:${pi}`, 'stripe', 'checkout', p?.id ?? null, null, p ? null : 'no_referral_value', JSON.stringify({ value: p?.code ?? null, foundIn: p ? 'client_reference_id' : null }),
      `cs_${hex(rng, 24)}`, pi, `cus_${hex(rng, 14)}`, null, `buyer${conversions.length}@example.com`, amount, amount, currency, iso(t), `evt_${hex(rng, 24)}`, iso(t),
    ]);
    if (!p) continue;
    const commission = Math.round(amount * 0.2);
    const credit = fastId('com');
    const held = t + HOLDING_DAYS * DAY_MS;
    const status = p.status !== 'active' ? 'rejected' : held <= nowMs ? 'approved' : 'pending';
    const explanation = JSON.stringify({ base: amount, baseCurrency: currency, paid: amount, rule: JSON.parse(rule), formula: 'round(base × bps ÷ 10000), half away from zero', computed: commission, fee: 0, net: commission });
    commissions.push([
      credit, merchantId, 1, p.id, cnvId, 'credit', null, `credit:${cnvId}`, commission, 0, commission, currency, rule, explanation, status,
      status === 'rejected' ? `partner_${p.status}` : null, iso(held), 'stripe_event', `evt_${hex(rng, 24)}`, null, null, iso(t), iso(t),
    ]);
    perPartner.set(p.id, (perPartner.get(p.id) ?? 0) + 1);
    if (status !== 'rejected' && rng.chance(0.03) && commissions.length < counts.commissions) {
      const at = Math.min(t + rng.int(1, 20) * DAY_MS, nowMs);
      const re = `re_${hex(rng, 24)}`;
      commissions.push([
        fastId('com'), merchantId, 1, p.id, cnvId, 'reversal', credit, `refund:${re}`, -commission, 0, -commission, currency, rule, JSON.stringify({ refund: re, clawback: commission }), status,
        null, iso(held), 'stripe_event', `evt_${hex(rng, 24)}`, re, null, iso(at), iso(at),
      ]);
    }
  }
  await withoutSecondaryIndexes(db, ['conversions', 'commissions'], async () => {
    await bulkInsert(db, CONVERSIONS, conversions);
    await bulkInsert(db, COMMISSIONS, commissions);
  });
  // Rows loaded in bulk bypass the ledger writes that keep partner_totals; sum them once, as the migration does.
  await rebuildTotals(k, merchantId);
  log(`${conversions.length} conversions, ${commissions.length} commissions`);

  if (options.ledgerOnly) return { databaseUrl, counts, seededAt: nowIso, merchantId, publicId, userId, email: BENCH_EMAIL, password: BENCH_PASSWORD, apiKey, slugs: [], topPartnerIds: [], connectionAccount };

  // Statistics for the planner now that the tables are big, as a running installation has them (db/index.ts).
  if (db.sqlite) db.sqlite.exec('analyze');
  else await db.pool!.query('analyze');

  // Payout history through the real service: a run 35 days ago paid everything approved by then.
  const runAt = new Date(nowMs - 35 * DAY_MS);
  const run = await runPayouts({ db: k, clock: new FixedClock(runAt) }, merchantId, 1, userId);
  log(`payout run: ${run.payouts.length} payouts`);
  const paidOn = iso(runAt.getTime() + 2 * DAY_MS).slice(0, 10);
  for (const payout of run.payouts) {
    await markPaid({ db: k, clock: new FixedClock(`${paidOn}T15:00:00.000Z`) }, merchantId, payout.id, { paidOn, externalReference: `BENCH-${paidOn}` }, userId);
  }
  log(`payout run: ${run.payouts.length} payouts paid (as of ${paidOn})`);

  // The dashboard's daily rollups, as the app's job leaves them in a running installation.
  // The job stops LAG_MS before its clock's now, for transactions still in flight elsewhere. Here every write
  // is done, so its horizon is now: otherwise a seed faster than a minute leaves its own ledger rows after
  // the cursor, and the first minute of the app reads 100,000 "changes" from the source tables.
  const caughtUp = { now: () => new Date(Date.now() + LAG_MS) };
  while ((await rollupAll(k, caughtUp)) > 0) {
    /* next batch */
  }
  log('dashboard rollups');

  const slugs = partners.filter((p) => p.status === 'active').slice(0, 2_000).map((p) => p.code);
  const topPartnerIds = [...perPartner.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([id]) => id);
  return { databaseUrl, counts, seededAt: nowIso, merchantId, publicId, userId, email: BENCH_EMAIL, password: BENCH_PASSWORD, apiKey, slugs, topPartnerIds, connectionAccount };
}
