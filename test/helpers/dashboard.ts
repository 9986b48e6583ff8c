// Helpers for the dashboard, customers and notifications scenarios: visitors following links, sales
// through signed Checkout events, and reading numbers back out of the server-rendered pages and CSVs.
import request from 'supertest';
import { parse as parseCsvSync } from 'csv-parse/sync';
import type Stripe from 'stripe';
import { build } from '../fake-stripe';
import type { TestApp } from './app';
import type { LedgerWorld } from './ledger';
import { defaultLink } from './partners';
import type { Partner } from '../../db/tables/partners';
import type { DB } from '../../db';
import { addDays } from '../../server/dashboard/days';
import { PERIOD_SPANS } from '../../server/dashboard/periods';

export const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
export const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
export const SLACKBOT = 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)';

/** A visitor (IP and browser) following a partner's default link at the app clock's now. */
export async function visit(t: TestApp, partner: Partner, who: { ip: string; ua: string }): Promise<void> {
  const { slug } = await defaultLink(t.db.kysely, partner.id);
  const res = await request(t.http).get(`/r/${slug}`).set('User-Agent', who.ua).set('X-Forwarded-For', who.ip);
  if (res.status !== 302) throw new Error(`/r/${slug} answered ${res.status}: ${res.text.slice(0, 200)}`);
}

/** A paid one-off Checkout purchase referred by `partner` (its code in client_reference_id), at the clock's now. */
export async function sell(w: LedgerWorld, partner: Partner, amount: number, currency: string, customer: string, email = 'buyer@example.com'): Promise<Stripe.Checkout.Session> {
  const details = { ...build.checkoutSession().customer_details!, email };
  const session = build.checkoutSession({ client_reference_id: partner.code, amount_total: amount, amount_subtotal: amount, currency, customer, customer_details: details });
  await w.send(build.event('checkout.session.completed', session, { account: w.account }));
  return session;
}

const unescape = (s: string) =>
  s
    .replace(/<br\s*\/?>/g, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

const rowsOf = (table: string) => [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => unescape(c[1]!)));

/** The text of every cell of the table with `id` (or the page's first table), row by row, header row first. */
export function tableRows(html: string, id?: string): string[][] {
  const m = id === undefined ? /<table[^>]*>([\s\S]*?)<\/table>/.exec(html) : new RegExp(`<table[^>]*id="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(html);
  if (!m) throw new Error(`no table ${id ?? ''} on the page`);
  return rowsOf(m[1]!);
}

/** The text of the element with `id`. */
export function textOf(html: string, id: string): string {
  const m = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  if (!m) throw new Error(`no #${id} on the page`);
  return unescape(m[1]!);
}

/** The polylines of one chart: series name → number of points. */
export function chartLines(html: string, chartId: string): Record<string, number> {
  const svg = new RegExp(`<svg[^>]*aria-labelledby="${chartId}-title[\\s\\S]*?</svg>`).exec(html);
  if (!svg) throw new Error(`no chart ${chartId}`);
  const out: Record<string, number> = {};
  for (const g of svg[0].matchAll(/data-series="([^"]+)"><polyline fill="none" points="([^"]*)"/g)) out[g[1]!] = g[2]!.trim().split(/\s+/).length;
  return out;
}

export function parseCsv(text: string): Record<string, string>[] {
  return parseCsvSync(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

const PERIOD_NUMBERS = ['clicks', 'leads', 'customers', 'sales', 'revenue', 'commissionsOwed', 'commissionsPaid'] as const;

/**
 * period_stats holds exactly the daily_stats rows of each kept span ending on periods_through, summed per
 * (mode, partner, currency) and counted in `days`; rows whose count fell to zero hold zeros. Returns the
 * day the periods end on.
 */
export async function expectPeriodsMatchStats(db: DB, merchantId: string): Promise<string | null> {
  const state = await db.selectFrom('dashboardRollups').select('periodsThrough').where('merchantId', '=', merchantId).executeTakeFirst();
  const through = state?.periodsThrough ?? null;
  const kept = await db.selectFrom('periodStats').select(['livemode', 'span', 'partnerId', 'currency', 'days', ...PERIOD_NUMBERS]).where('merchantId', '=', merchantId).execute();
  type Sum = { livemode: number; span: number; partnerId: string; currency: string; days: number | string } & Record<(typeof PERIOD_NUMBERS)[number], number | string>;
  const line = (r: Sum) =>
    [r.livemode, r.span, r.partnerId, r.currency, Number(r.days), ...PERIOD_NUMBERS.map((m) => Number(r[m]))].join(' ');
  if (through === null) {
    expect(kept).toEqual([]);
    return null;
  }
  const rows = await db.selectFrom('dailyStats').select(['livemode', 'day', 'partnerId', 'currency', ...PERIOD_NUMBERS]).where('merchantId', '=', merchantId).execute();
  const expected = new Map<string, Sum>();
  for (const span of PERIOD_SPANS) {
    const first = addDays(through, -(span - 1));
    for (const r of rows) {
      if (r.day < first || r.day > through) continue;
      const key = `${r.livemode} ${span} ${r.partnerId} ${r.currency}`;
      const e = expected.get(key) ?? { livemode: r.livemode, span, partnerId: r.partnerId, currency: r.currency, days: 0, clicks: 0, leads: 0, customers: 0, sales: 0, revenue: 0, commissionsOwed: 0, commissionsPaid: 0 };
      e.days = Number(e.days) + 1;
      for (const m of PERIOD_NUMBERS) e[m] = Number(e[m]) + Number(r[m]);
      expected.set(key, e);
    }
  }
  expect(kept.filter((r) => Number(r.days) === 0 && PERIOD_NUMBERS.some((m) => Number(r[m]) !== 0)).map(line)).toEqual([]);
  expect(kept.filter((r) => Number(r.days) !== 0).map(line).sort()).toEqual([...expected.values()].map(line).sort());
  return through;
}

/** The partner ids a ranking page lists, in order. */
export const shownIds = (html: string) => [...html.matchAll(/data-partner="([^"]+)"/g)].map((m) => m[1]!);

/** What a dashboard page shows: its tables' cells, the partners' ids and the pager. */
export function pageContent(html: string) {
  const tables = [...html.matchAll(/<table[^>]*id="([^"]+)"/g)].map((m) => m[1]!);
  return { tables: Object.fromEntries(tables.map((id) => [id, tableRows(html, id)])), ids: shownIds(html), pager: /Page \d+ of \d+ · \d+ in total/.exec(html)?.[0] };
}
