// Tenant isolation over the app's route table. Merchant A has one of everything; merchant B, with its
// owner's session, its API keys, its partner's portal session, its Stripe account and referral codes,
// goes at every route with A's ids. B never gets an answer containing A's data, and A's rows never
// change. Every route needs a rule below: a route added without one fails this test.
import request from 'supertest';
import { sql } from 'kysely';
import type Stripe from 'stripe';
import type { Db } from '../../db';
import { browser, settle, type Browser } from '../helpers/app';
import { buildTestAppWithStripe, deliver, type StripeTestApp } from '../helpers/stripe';
import { portalLinkFor, tokenOf } from '../helpers/portal';
import { build } from '../fake-stripe';
import { buildTenant, fillPath, type Tenant } from './world';

let t: StripeTestApp;
let a: Tenant;
let b: Tenant;
beforeAll(async () => {
  t = await buildTestAppWithStripe({ env: { API_RATE_LIMIT_GET: '100000', API_RATE_LIMIT_POST: '100000' } });
  a = await buildTenant(t, 'Alpha');
  b = await buildTenant(t, 'Bravo');
  await settle(t);
}, 120_000);
afterAll(async () => {
  await a.receiver.close();
  await b.receiver.close();
  await t.close();
});

type Actor = 'owner' | 'partner' | 'key' | 'anonymous' | 'stripe';
interface Probe {
  as: Actor;
  /** Path parameters to take from somewhere other than A (e.g. B's program in a portal URL). */
  params?: Record<string, string>;
  query?: string;
  body?: Record<string, unknown> | unknown[];
  status: number[];
  /** A public page of A's by design (its apply page, its portal's sign-in page): A's program may show. */
  publicPage?: boolean;
  check?: (res: request.Response) => void;
}
type Rule = (x: { a: Tenant; b: Tenant }) => Probe[];

const NOT_YOURS = [404];
const GONE_OR_REFUSED = [302, 303, 401, 403, 404];
/** B's own page: it renders, with B's data only. */
const own = (status = [200]): Rule => () => [{ as: 'owner', status }];
/** A's object in a B session: not found. */
const notFound = (body?: Record<string, unknown>): Rule => () => [{ as: 'owner', body, status: NOT_YOURS }];
/** B's key on A's object, with both of B's keys. */
const apiNotFound = (body?: Record<string, unknown>): Rule => () => [{ as: 'key', body, status: NOT_YOURS }];
/** B's partner at A's portal (turned away), and in B's own portal with A's ids (not found) or on its own page. */
const portal = (ownStatus: number[]): Rule => ({ b }) => [
  { as: 'partner', status: GONE_OR_REFUSED },
  { as: 'partner', params: { programPublicId: b.m.publicId }, status: ownStatus },
];

const RULES: Record<string, Rule> = {
  'get /healthz': () => [{ as: 'anonymous', status: [200] }],
  'get /': own([303]),
  'get /signup': () => [{ as: 'anonymous', status: [200] }],
  'post /signup': () => [{ as: 'anonymous', body: { name: 'Curious', email: 'curious@c.test', password: 'correct horse battery' }, status: [303] }],
  'get /login': () => [{ as: 'anonymous', status: [200] }],
  'post /login': ({ a }) => [{ as: 'anonymous', body: { email: a.m.email, password: 'not the password' }, status: [401] }],
  'post /logout': () => [{ as: 'anonymous', status: [303] }],
  'get /settings': own(),
  'post /settings': () => [{ as: 'owner', body: { commissionType: 'percent' }, status: [400] }],
  'get /team': own(),
  'post /team/invites': () => [{ as: 'owner', body: { role: 'read_only' }, status: [201] }],
  'post /team/:userId': notFound({ role: 'read_only' }),
  'get /invite/:token': () => [{ as: 'owner', params: { token: 'not-an-invite-of-anyone-0123456789' }, status: [404] }],
  'post /invite/:token': () => [{ as: 'owner', params: { token: 'not-an-invite-of-anyone-0123456789' }, status: [404] }],
  'get /partners': () => [{ as: 'owner', query: `?search=${encodeURIComponent(a.partner.email)}`, status: [200] }],
  'get /partners/new': own(),
  // A's partner code is free in B's program (codes are unique per merchant, never across).
  'post /partners': ({ a }) => [{ as: 'owner', body: { name: 'Copycat', email: 'copycat@bravo.test', code: a.partner.code }, status: [303] }],
  'get /partners/import': own(),
  'post /partners/import': () => [{ as: 'owner', status: [400] }],
  'get /partners/:id': notFound(),
  'get /partners/:id/edit': notFound(),
  'post /partners/:id': notFound({ name: 'Hijacked', email: 'hijack@b.test', code: 'hijacked' }),
  'post /partners/:id/status': notFound({ status: 'banned', reason: 'hijack' }),
  'post /partners/:id/links': notFound({ destinationUrl: '', campaign: 'hijack', slug: 'hijacked-link' }),
  'post /partners/:id/links/:linkId/disable': ({ b }) => [
    { as: 'owner', status: NOT_YOURS },
    { as: 'owner', params: { id: b.partner.id }, status: NOT_YOURS },
  ],
  'get /applications': own(),
  'post /applications/:id/approve': notFound({ code: 'stolen' }),
  'post /applications/:id/reject': notFound({ reason: 'x' }),
  'get /apply/:publicId': () => [{ as: 'anonymous', status: [200], publicPage: true }],
  'post /apply/:publicId': () => [{ as: 'anonymous', body: { name: '', email: 'not-an-email' }, status: [400], publicPage: true }],
  // B's own link, with A's partner code and click id in the query: the redirect names B's partner.
  'get /r/:slug': ({ a, b }) => [{ as: 'anonymous', params: { slug: b.ids.slug! }, query: `?via=${a.partner.code}&referral=${a.ids.click}`, status: [302], check: (res) => expect(new URL(res.headers.location!).searchParams.get('via')).toBe(b.partner.code) }],
  'get /refcut.js': () => [{ as: 'anonymous', status: [200] }],
  'options /api/v1/track/click': () => [{ as: 'anonymous', status: [204] }],
  'post /api/v1/track/click': ({ a, b }) => [
    { as: 'anonymous', body: { programId: b.m.publicId, code: a.partner2.code }, status: [404] },
    { as: 'anonymous', body: { programId: b.m.publicId, referral: a.ids.click }, status: [404] },
  ],
  'get /stripe': own(),
  'get /connect/stripe': own([302, 303]),
  'get /connect/stripe/callback': own([303, 400]),
  'post /stripe/disconnect': own([303]),
  'post /webhooks/stripe': () => [{ as: 'stripe', status: [200] }],
  'get /events': own(),
  'post /events/sync': () => [{ as: 'owner', body: { since: '2026-11-20' }, status: [303] }],
  'get /events/:id': notFound(),
  'post /events/:id/rerun': notFound(),
  'get /commissions': own(),
  'get /commissions/:id': notFound(),
  'get /unattributed': own(),
  'post /conversions/:id/assign': ({ a, b }) => [
    { as: 'owner', body: { partner: b.partner.code }, status: NOT_YOURS },
    { as: 'owner', params: { id: b.ids.conversion! }, body: { partner: a.partner2.id }, status: NOT_YOURS },
  ],
  'post /customers/:id/rebind': ({ a, b }) => [
    { as: 'owner', body: { partner: b.partner.code }, status: NOT_YOURS },
    { as: 'owner', params: { id: b.ids.binding! }, body: { partner: a.partner.id }, status: NOT_YOURS },
  ],
  'get /settings/api-keys': own(),
  'post /settings/api-keys': () => [{ as: 'owner', body: { name: 'another', mode: 'test' }, status: [201] }],
  'post /settings/api-keys/:id/revoke': notFound(),
  'get /api/v1/program': () => [{ as: 'key', status: [200], check: (res) => expect(res.body.id).toBe(b.m.publicId) }],
  'get /api/v1/affiliates': ({ a }) => [{ as: 'key', query: `?email=${encodeURIComponent(a.partner2.email)}`, status: [200], check: (res) => expect(res.body.data).toEqual([]) }],
  'post /api/v1/affiliates': () => [{ as: 'key', body: { name: 'Copy', email: 'copy@bravo.test', code: 'copy-by-api' }, status: [201, 409] }],
  'get /api/v1/affiliates/by-customer/:customerId': () => [{ as: 'key', status: [200, 404], check: (res) => res.status === 200 && expect(res.body).toEqual({ enrolled: false }) }],
  'get /api/v1/affiliates/:id': apiNotFound(),
  'patch /api/v1/affiliates/:id': apiNotFound({ status: 'banned' }),
  'post /api/v1/affiliates/apply': () => [{ as: 'key', body: { email: 'applicant-at-b@bravo.test', name: 'Applicant at B' }, status: [201, 409] }],
  'get /api/v1/affiliates/apply/status': () => [{ as: 'key', query: '?email=applicant@alpha.test', status: [200] }],
  'get /api/v1/applications': () => [{ as: 'key', status: [200] }],
  'post /api/v1/applications/:id/review': apiNotFound({ action: 'approve' }),
  'get /api/v1/conversions': ({ a }) => [{ as: 'key', query: `?affiliateId=${a.partner.id}`, status: [200], check: (res) => expect(res.body.data).toEqual([]) }],
  'post /api/v1/conversions': ({ a }) => [{ as: 'key', body: { affiliateId: a.partner.id, amount: 100 }, status: NOT_YOURS }],
  'post /api/v1/track/lead': ({ a }) => [
    { as: 'key', body: { clickId: a.ids.click, customerExternalId: 'stolen-lead' }, status: NOT_YOURS },
    { as: 'key', body: { clickId: a.partner2.code, customerExternalId: 'stolen-lead' }, status: NOT_YOURS },
  ],
  // B's sale naming A's click: recorded in B, unattributed.
  'post /api/v1/track/sale': ({ a }) => [{ as: 'key', body: { customerExternalId: 'b-buyer', amount: 5000, clickId: a.ids.click }, status: [200], check: (res) => expect([res.body.affiliateId, res.body.commission]).toEqual([null, null]) }],
  'post /api/v1/track/refund': ({ a }) => [{ as: 'key', body: { conversionId: a.ids.conversion, amount: 1 }, status: NOT_YOURS }],
  'get /api/v1/affiliates/:id/balance': apiNotFound(),
  'post /api/v1/exchange-rates': () => [{ as: 'key', body: { fromCurrency: 'gbp', toCurrency: 'usd', effectiveOn: '2026-11-03', rate: '1.27' }, status: [200, 201] }],
  'get /api/v1/affiliates/:id/portal-link': apiNotFound(),
  'get /settings/webhooks': own(),
  'post /settings/webhooks': ({ b }) => [{ as: 'owner', body: { url: b.receiver.url, events: 'payout.paid', mode: 'live' }, status: [201] }],
  'post /settings/webhooks/:id/enable': notFound(),
  'post /settings/webhooks/:id/disable': notFound(),
  'post /settings/webhooks/:id/delete': notFound(),
  'get /settings/webhooks/:id': notFound(),
  'post /settings/webhooks/deliveries/:deliveryId/resend': notFound(),
  'get /payouts': own(),
  'post /payouts/run': () => [{ as: 'owner', body: { mode: 'test' }, status: [303] }],
  'get /payouts/commissions': own(),
  'post /commissions/actions': ({ a }) => [
    { as: 'owner', body: { action: 'reject', ids: [a.ids.commission], reason: 'hijack' }, status: [303, 404] },
    { as: 'owner', body: { action: 'approve', ids: [a.ids.commission] }, status: [303, 404] },
  ],
  'get /payouts/rates': own(),
  'post /payouts/rates': () => [{ as: 'owner', body: { fromCurrency: 'eur', toCurrency: 'usd', effectiveOn: '2026-11-01', rate: '9.99' }, status: [303, 400, 409] }],
  'post /payouts/rates/:id/delete': notFound(),
  'get /payouts/runs/:id/paypal.csv': notFound(),
  'get /payouts/runs/:id/payouts.csv': notFound(),
  'get /payouts/:id': notFound(),
  'get /payouts/:id/statement.csv': notFound(),
  'post /payouts/:id/paid': notFound({ paidOn: '2026-11-25', externalReference: 'HIJACK' }),
  'post /payouts/:id/failed': notFound({ reason: 'hijack' }),
  'get /balances': own(),
  'get /balances/:partnerId/months/:month': notFound(),
  'get /balances/:partnerId/months/:month/statement.csv': notFound(),
  'get /audit': own(),
  'get /audit.csv': own(),
  'get /settings/product-rules': own(),
  'post /settings/product-rules': () => [{ as: 'owner', body: { matchType: 'product', matchId: 'prod_alpha', action: 'rate', rate: '50' }, status: [303] }],
  'post /settings/product-rules/:id/delete': notFound(),
  'get /settings/promotion-codes': own(),
  'post /settings/promotion-codes': ({ a }) => [{ as: 'owner', body: { promotionCodeId: 'promo_alpha', code: '', partner: a.partner2.id }, status: [400, 404] }],
  // Deleting is idempotent: B's (absent) mapping of that promotion code; A's stays (checked below).
  'post /settings/promotion-codes/:id/delete': () => [{ as: 'owner', status: [303, 404] }],
  'get /settings/import-referrals': own(),
  'post /settings/import-referrals': () => [{ as: 'owner', status: [400] }],
  'post /stripe/backfill': own([303, 409]),
  'get /portal/:programPublicId/brand.css': () => [{ as: 'anonymous', status: [200], publicPage: true }],
  'get /portal/:programPublicId/login': () => [{ as: 'anonymous', status: [200], publicPage: true }],
  'post /portal/:programPublicId/login': ({ b }) => [{ as: 'anonymous', body: { email: b.partner.email }, status: [200, 303], publicPage: true }],
  'get /portal/:programPublicId/enter': () => [{ as: 'anonymous', query: '?token=notatoken', status: [200, 400, 404, 410], publicPage: true }],
  // B's partner's own sign-in link, spent at A's portal: refused.
  'post /portal/:programPublicId/enter': () => [{ as: 'anonymous', body: { token: bPortalToken }, status: [400, 401, 403, 404, 410], publicPage: true }],
  'post /portal/:programPublicId/logout': () => [{ as: 'anonymous', status: [303], publicPage: true }],
  'get /portal/:programPublicId': portal([200]),
  'get /portal/:programPublicId/links': portal([200]),
  'get /portal/:programPublicId/links/:linkId': portal(NOT_YOURS),
  'get /portal/:programPublicId/customers': portal([200]),
  'get /portal/:programPublicId/deals': portal([200]),
  'post /portal/:programPublicId/deals': () => [{ as: 'partner', body: { email: 'lead@alpha.test', name: 'Stolen lead' }, status: GONE_OR_REFUSED }],
  'get /portal/:programPublicId/settings': portal([200]),
  'post /portal/:programPublicId/settings': () => [{ as: 'partner', body: { payoutEmail: 'thief@b.test' }, status: GONE_OR_REFUSED }],
  'get /portal/:programPublicId/commissions': portal([200]),
  'get /portal/:programPublicId/commissions/:id': portal(NOT_YOURS),
  'get /portal/:programPublicId/payouts': portal([200]),
  'get /portal/:programPublicId/payouts/:id': portal(NOT_YOURS),
  'get /portal/:programPublicId/payouts/:id/statement.csv': portal(NOT_YOURS),
  'get /portal/:programPublicId/statements/:month': portal([200]),
  'get /portal/:programPublicId/statements/:month/statement.csv': portal([200]),
  'post /partners/:id/portal-link': notFound(),
  'get /deals': own(),
  'post /deals/:id/:decision': notFound(),
  'get /dashboard': own(),
  'get /dashboard/partners': own(),
  'get /dashboard/partners.csv': own(),
  'get /dashboard/daily.csv': own(),
  'get /dashboard/integration': own(),
  'get /partners.csv': own(),
  'get /applications.csv': own(),
  'get /commissions.csv': own(),
  'get /unattributed.csv': own(),
  'get /payouts.csv': own(),
  'get /events.csv': own(),
  'get /customers': own(),
  'get /customers.csv': own(),
  'get /notifications': own(),
  'get /settings/notifications': own(),
  'post /settings/notifications': () => [{ as: 'owner', body: {}, status: [303] }],
  'get /privacy': ({ a }) => [
    { as: 'owner', query: `?kind=partner&q=${encodeURIComponent(a.partner.email)}`, status: [200] },
    { as: 'owner', query: `?kind=customer&q=${encodeURIComponent(a.ids.customer!)}`, status: [200] },
  ],
  'get /privacy/partners/:id/export.json': notFound(),
  'post /privacy/partners/:id/erase': notFound({ confirm: 'ERASE' }),
  'get /privacy/customers/export.json': ({ a }) => [{ as: 'owner', query: `?ref=${encodeURIComponent(a.ids.customer!)}`, status: NOT_YOURS }],
  'post /privacy/customers/erase': ({ a }) => [{ as: 'owner', body: { ref: a.ids.customer, confirm: 'ERASE' }, status: NOT_YOURS }],
};

let bPortalToken = '';

/** A's rows, in every table that has a merchant_id (what B must never change). */
async function snapshotOf(db: Db, merchantId: string): Promise<Record<string, unknown[]>> {
  const raw = db.kysely.withoutPlugins();
  const tables = (
    await (db.dialect === 'sqlite'
      ? sql<{ name: string }>`select m.name from sqlite_master m join pragma_table_info(m.name) c where m.type = 'table' and c.name = 'merchant_id'`
      : sql<{ name: string }>`select table_name as name from information_schema.columns where table_schema = current_schema() and column_name = 'merchant_id'`
    ).execute(raw)
  ).rows.map((r) => r.name);
  const out: Record<string, unknown[]> = {};
  for (const table of tables.sort()) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)} where merchant_id = ${merchantId}`.execute(raw)).rows;
    out[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

/** Every id in A's rows, and A's markers: none may appear in an answer to B unless B sent it. */
function forbiddenOf(snapshot: Record<string, unknown[]>, tenant: Tenant): string[] {
  const out = new Set<string>(tenant.markers);
  for (const rows of Object.values(snapshot)) for (const r of rows as string[]) for (const m of r.matchAll(/"id":"([a-z]+_[0-9A-Za-z]{8,})"/g)) out.add(m[1]!);
  return [...out];
}

describe('tenant isolation over the route table', () => {
  it('has a rule for every route, and every rule names a route', () => {
    const names = t.app.routes.map((r) => `${r.method} ${r.path}`);
    expect(names.filter((n) => !(n in RULES))).toEqual([]);
    expect(Object.keys(RULES).filter((n) => !names.includes(n))).toEqual([]);
  });

  it('never shows B anything of A’s, never lets B change or earn from A’s data', async () => {
    bPortalToken = tokenOf(await portalLinkFor(b.m, b.partner.id));
    const before = await snapshotOf(t.db, a.m.merchantId);
    const forbidden = forbiddenOf(before, a);
    const anonymous = browser(t);
    // Stripe routes first and the disconnect last: B keeps its connection for the webhook probe.
    const routes = [...t.app.routes].sort((x, y) => Number(x.access !== 'webhook') - Number(y.access !== 'webhook') || Number(x.path === '/stripe/disconnect') - Number(y.path === '/stripe/disconnect'));
    let probes = 0;
    const problems: string[] = [];
    let allSent = `${a.partner.code} ${a.ids.click}`; // the Stripe probe's referral values
    for (const r of routes) {
      const name = `${r.method} ${r.path}`;
      for (const p of RULES[name]!({ a, b })) {
        probes += 1;
        const path = fillPath(r.path, a.ids, p.params) + (p.query ?? '');
        // What B itself sent, now or before (a flash message may echo it on the next page), is not a leak.
        allSent += ` ${decodeURIComponent(path)} ${JSON.stringify(p.body ?? null)}`;
        const sent = allSent;
        const res = await send(r.method, path, p, anonymous, r.access);
        const what = `${p.as}: ${r.method} ${path}`;
        if (!p.status.includes(res.status)) problems.push(`${what}: status ${res.status} (${res.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 160)})`);
        const leaks = forbidden.filter((f) => !sent.includes(f) && res.text.includes(f) && !(p.publicPage && f === a.m.publicId));
        if (leaks.length) problems.push(`${what}: shows A's ${leaks.join(', ')}`);
        try {
          p.check?.(res);
        } catch (err) {
          problems.push(`${what}: ${(err as Error).message.split('\n').slice(0, 6).join(' ')}`);
        }
      }
      await settle(t);
      const after = await snapshotOf(t.db, a.m.merchantId);
      const changed = Object.keys(before).filter((table) => JSON.stringify(before[table]) !== JSON.stringify(after[table]));
      if (changed.length) problems.push(`${name}: changed A's ${changed.join(', ')}`);
    }
    expect(problems).toEqual([]);
    expect(probes).toBeGreaterThan(150);
  }, 180_000);
});

async function send(method: string, path: string, p: Probe, anonymous: Browser, access: string): Promise<request.Response> {
  // The public click endpoint takes JSON from any site, without cookies or a token.
  if (access === 'public_api') return method === 'options' ? request(t.http).options(path) : request(t.http).post(path).send(p.body as object);
  if (p.as === 'key') {
    let last: request.Response | undefined;
    for (const key of [b.liveKey, b.testKey]) {
      const r = request(t.http)[method as 'get'](path).set('Authorization', `Bearer ${key}`);
      last = p.body === undefined ? await r : await r.send(p.body as object);
      if (!p.status.includes(last.status)) return last;
    }
    return last!;
  }
  if (p.as === 'stripe') {
    // B's own Stripe account reports a sale naming A's partner code and A's click.
    const session = build.checkoutSession({ client_reference_id: a.partner.code, metadata: { referral: a.ids.click! }, customer: 'cus_of_bravo_only' });
    t.fake.put(b.account, session, build.paymentIntent({ id: session.payment_intent as string }), build.customer({ id: session.customer as string }));
    const res = await deliver(t, build.event('checkout.session.completed', session, { account: b.account }) as Stripe.Event);
    await settle(t);
    const sale = await t.db.kysely.selectFrom('conversions').select(['merchantId', 'partnerId', 'unattributedReason']).where('paymentIntentId', '=', session.payment_intent as string).execute();
    expect(sale).toEqual([{ merchantId: b.m.merchantId, partnerId: null, unattributedReason: 'other_merchant_code' }]);
    return res;
  }
  const actor = p.as === 'owner' ? b.m.browser : p.as === 'partner' ? b.portal : anonymous;
  if (method === 'get' || method === 'options') return actor.agent[method](path);
  const from = p.as === 'owner' ? '/settings' : p.as === 'partner' ? `/portal/${b.m.publicId}/settings` : '/login';
  const token = await actor.csrf(from);
  return actor.agent[method as 'post'](path).type('form').send({ ...(p.body as Record<string, unknown>), _csrf: token });
}
