// Bad input at the edges: request bodies are size-capped; every API field and every form field has a
// length limit (an oversized value is refused, never stored); no redirect leaves the site; and a
// `javascript:` URL, wherever it got into the database, is never rendered as a link.
import request from 'supertest';
import { sql } from 'kysely';
import type { Db } from '../../db';
import { buildTestAppWithStripe, deliver, type StripeTestApp } from '../helpers/stripe';
import { browser } from '../helpers/app';
import { build } from '../fake-stripe';
import { isUiAccess } from '../../server/http/routes';
import { buildTenant, fillPath, type Tenant } from './world';

let t: StripeTestApp;
let a: Tenant;
beforeAll(async () => {
  t = await buildTestAppWithStripe({ env: { API_RATE_LIMIT_GET: '100000', API_RATE_LIMIT_POST: '100000' } });
  a = await buildTenant(t, 'Alpha');
}, 60_000);
afterAll(async () => {
  await a.receiver.close();
  await t.close();
});

const HUGE = 'x'.repeat(5_000);

/** Columns allowed to hold long text: raw payloads, serialised JSON the app builds itself, session data. */
const LONG_TEXT_OK = new Set(['stripe_events.payload', 'sessions.data', 'commissions.explanation', 'commissions.rule', 'conversions.attribution', 'conversions.lines', 'conversions.metadata', 'outbox_events.data', 'audit_log.before', 'audit_log.after', 'notifications.body', 'idempotency_keys.response_body', 'webhook_endpoints.events']);

/** Every stored text value longer than `max` outside the allowed columns, as table.column. */
async function oversized(db: Db, max: number): Promise<string[]> {
  const raw = db.kysely.withoutPlugins();
  const tables = (
    await (db.dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`
      : sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_name not like 'kysely_%'`
    ).execute(raw)
  ).rows.map((r) => r.name);
  const found = new Set<string>();
  for (const table of tables) {
    for (const row of (await raw.selectFrom(table as never).selectAll().execute()) as Record<string, unknown>[]) {
      for (const [column, value] of Object.entries(row)) if (typeof value === 'string' && value.length > max && !LONG_TEXT_OK.has(`${table}.${column}`)) found.add(`${table}.${column} (${value.length})`);
    }
  }
  return [...found];
}

describe('request bodies', () => {
  it('are capped: a bigger body is refused with 413 before any work', async () => {
    const big = (n: number) => JSON.stringify({ customerExternalId: 'x', amount: 1, metadata: { blob: 'y'.repeat(n) } });
    const api = await request(t.http).post('/api/v1/track/sale').set('Authorization', `Bearer ${a.liveKey}`).set('Content-Type', 'application/json').send(big(150_000));
    expect([api.status, api.body.error?.code]).toEqual([413, 'body_too_large']);
    const form = await a.m.browser.agent.post('/settings').type('form').send(`name=${'z'.repeat(150_000)}`);
    expect(form.status).toBe(413);
    const hook = await request(t.http).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', 't=1,v1=00').send(big(1_100_000));
    expect([hook.status, hook.body.error?.code]).toEqual([413, 'body_too_large']);
    const click = await request(t.http).post('/api/v1/track/click').set('Content-Type', 'text/plain').send(big(20_000));
    expect(click.status).toBe(413);
  });
});

/** A valid body for each API write, to oversize one field at a time. A new endpoint needs one here. */
const API_BODIES: Record<string, (tn: Tenant) => Record<string, unknown>> = {
  'post /api/v1/affiliates': () => ({ name: 'New One', email: 'new-one@alpha.test', code: 'new-one', payoutEmail: 'pay@alpha.test' }),
  'patch /api/v1/affiliates/:id': () => ({ status: 'paused', statusReason: 'checking', payoutEmail: 'pay@alpha.test' }),
  'post /api/v1/affiliates/apply': () => ({ email: 'apply@alpha.test', name: 'Applicant', company: 'Co', website: 'https://co.example', reason: 'because' }),
  'post /api/v1/applications/:id/review': () => ({ action: 'reject', rejectionReason: 'not now' }),
  'post /api/v1/conversions': (tn) => ({ affiliateId: tn.partner.id, amount: 100, currency: 'usd', externalId: 'ext-limits' }),
  'post /api/v1/track/lead': (tn) => ({ clickId: tn.partner.code, customerExternalId: 'lead-limits', eventName: 'Sign up', customerEmail: 'lead@alpha.test', customerName: 'Lead' }),
  'post /api/v1/track/sale': (tn) => ({ customerExternalId: 'sale-limits', amount: 100, currency: 'usd', eventName: 'Purchase', invoiceId: 'inv-limits', clickId: tn.partner.code, customerName: 'C', customerEmail: 'c@alpha.test', customerAvatar: 'https://img.example/c.png', leadEventName: 'Sign up' }),
  'post /api/v1/track/refund': () => ({ invoiceId: 'inv-limits', amount: 1, refundId: 're-limits' }),
  'post /api/v1/exchange-rates': () => ({ fromCurrency: 'eur', toCurrency: 'usd', effectiveOn: '2026-11-02', rate: '1.1' }),
};

describe('API fields', () => {
  it('each refuse a 5,000-character value, on every write endpoint', async () => {
    const doc = (await request(t.http).get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, { type?: string }> } }> } }>> };
    const writes = t.app.routes.filter((r) => r.access === 'api' && r.method !== 'get');
    expect(writes.length).toBeGreaterThanOrEqual(8);
    let tried = 0;
    for (const r of writes) {
      const name = `${r.method} ${r.path}`;
      expect([name, name in API_BODIES]).toEqual([name, true]);
      const props = doc.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method]?.requestBody?.content['application/json']?.schema.properties ?? {};
      const path = fillPath(r.path, a.ids);
      for (const [field, spec] of Object.entries(props)) {
        if (spec.type !== 'string' && spec.type !== undefined) continue;
        tried += 1;
        const body = { ...API_BODIES[name]!(a), [field]: HUGE };
        const res = await request(t.http)[r.method as 'post'](path).set('Authorization', `Bearer ${a.testKey}`).send(body);
        expect([name, field, res.status >= 400 && res.status < 500]).toEqual([name, field, true]);
      }
    }
    expect(tried).toBeGreaterThan(25);
    expect(await oversized(t.db, 2_000)).toEqual([]);
  });
});

/** The forms on a page: where they post, and the fields they send. */
function formsOf(html: string): { action: string; fields: Record<string, string> }[] {
  const out: { action: string; fields: Record<string, string> }[] = [];
  for (const m of html.matchAll(/<form[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/g)) {
    const action = /action="([^"]*)"/.exec(m[0])?.[1]?.replace(/&amp;/g, '&');
    if (!action || /multipart/.test(m[0])) continue;
    const fields: Record<string, string> = {};
    for (const i of m[1]!.matchAll(/<input([^>]*)>/g)) {
      const name = /name="([^"]+)"/.exec(i[1]!)?.[1];
      const type = /type="([^"]+)"/.exec(i[1]!)?.[1] ?? 'text';
      const value = /value="([^"]*)"/.exec(i[1]!)?.[1] ?? '';
      if (!name) continue;
      fields[name] = ['hidden', 'checkbox', 'radio', 'submit'].includes(type) ? value : HUGE;
    }
    for (const ta of m[1]!.matchAll(/<textarea[^>]*name="([^"]+)"/g)) fields[ta[1]!] = HUGE;
    for (const s of m[1]!.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) fields[s[1]!] = /<option[^>]*value="([^"]*)"/.exec(s[2]!)?.[1] ?? '';
    out.push({ action, fields });
  }
  return out;
}

describe('form fields', () => {
  it('each refuse (or cut) a 5,000-character value on every form of every page; nothing oversized is stored', async () => {
    const pages = t.app.routes.filter((r) => r.method === 'get' && isUiAccess(r.access) && !/\.(csv|json)$/.test(r.path));
    let submitted = 0;
    const seen = new Set<string>();
    for (const r of pages) {
      const agent = r.access === 'partner' ? a.portal.agent : a.m.browser.agent;
      const page = await agent.get(fillPath(r.path, a.ids));
      if (page.status !== 200) continue;
      for (const f of formsOf(page.text)) {
        // Signing out would end the crawl's own session; each form is tried once.
        if (/logout$/.test(f.action) || seen.has(f.action)) continue;
        seen.add(f.action);
        const res = await agent.post(f.action).type('form').send(f.fields);
        submitted += 1;
        expect([f.action, res.status < 500]).toEqual([f.action, true]);
      }
    }
    expect(submitted).toBeGreaterThan(25);
    expect(await oversized(t.db, 2_000)).toEqual([]);
  }, 60_000);
});

describe('redirects', () => {
  it('never leave the site, whatever next or back says', async () => {
    const b = browser(t);
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '%2F%2Fevil.example', '/dashboard\r\nSet-Cookie: x=1']) {
      const form = await b.agent.get('/login');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
      const res = await b.agent.post(`/login?next=${encodeURIComponent(next)}`).type('form').send({ email: a.m.email, password: 'correct horse battery', _csrf: csrf });
      // Somewhere on this site (a path, never //host or /\host), with no header smuggled in.
      expect([next, res.status, /^\/(?![/\\])[^\r\n]*$/.test(res.headers.location ?? '')]).toEqual([next, 303, true]);
      if (next !== '/dashboard\r\nSet-Cookie: x=1') expect(res.headers.location).toBe('/dashboard');
      expect(String(res.headers['set-cookie'] ?? '')).not.toMatch(/(^|,)\s*x=1/);
    }
    const rerun = await a.m.browser.submit(`/events/${a.ids.event}/rerun`, { back: '//evil.example/events' }, '/events');
    expect(rerun.headers.location).toBe('/events');
    const rebind = await a.m.browser.submit(`/customers/${a.ids.binding}/rebind`, { partner: a.partner2.code, back: 'https://evil.example/commissions/x' }, '/commissions');
    expect(rebind.headers.location).toBe('/commissions');
  });

  it('send visitors only to the merchant’s site: off-site link destinations are refused', async () => {
    for (const destinationUrl of ['https://evil.example/', 'javascript:alert(1)', '//evil.example', 'http://shop-alpha.example.com.evil.example/']) {
      const res = await a.m.browser.submit(`/partners/${a.partner.id}/links`, { destinationUrl, campaign: '', slug: '' }, `/partners/${a.partner.id}`);
      expect([destinationUrl, res.status]).toEqual([destinationUrl, 400]);
    }
    const off = await t.db.kysely.selectFrom('links').select('destinationUrl').where('merchantId', '=', a.m.merchantId).execute();
    expect(off.filter((l) => l.destinationUrl !== null && !l.destinationUrl.startsWith('https://shop-alpha.example.com/'))).toEqual([]);
  });
});

describe('javascript: URLs', () => {
  it('are never rendered as links, on any page, however they got into the database', async () => {
    const js = 'javascript:alert(document.domain)';
    const k = t.db.kysely;
    // Past validation, as an old row or a hand edit would be.
    await k.updateTable('applications').set({ website: js }).where('merchantId', '=', a.m.merchantId).execute();
    await k.updateTable('links').set({ destinationUrl: ` ${js}` }).where('id', '=', a.ids.link!).execute();
    await k.updateTable('clicks').set({ referrer: js, landingUrl: 'JaVaScRiPt:alert(1)' }).where('merchantId', '=', a.m.merchantId).execute();
    await k.updateTable('conversions').set({ customerAvatar: js }).where('merchantId', '=', a.m.merchantId).execute();
    await k.updateTable('webhookEndpoints').set({ url: js }).where('merchantId', '=', a.m.merchantId).execute();
    await k.updateTable('programSettings').set({ destinationUrl: js }).where('merchantId', '=', a.m.merchantId).execute();
    await k.updateTable('partners').set({ payoutEmail: js }).where('merchantId', '=', a.m.merchantId).execute();
    const e = build.event('checkout.session.completed', build.checkoutSession({ client_reference_id: js, success_url: js }), { account: a.account });
    expect((await deliver(t, e)).status).toBe(200);

    const pages = t.app.routes.filter((r) => r.method === 'get' && (isUiAccess(r.access) || r.access === 'redirect'));
    let rendered = 0;
    for (const r of pages) {
      const agent = r.access === 'partner' ? a.portal.agent : a.m.browser.agent;
      const res = await agent.get(fillPath(r.path, a.ids));
      expect([r.path, res.status < 500]).toEqual([r.path, true]);
      if (!/text\/html/.test(res.headers['content-type'] ?? '')) continue;
      rendered += 1;
      const decoded = res.text.replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)));
      expect([r.path, /(href|src|action|formaction)\s*=\s*["']?\s*javascript:/i.test(decoded)]).toEqual([r.path, false]);
    }
    expect(rendered).toBeGreaterThan(40);
    const go = await request(t.http).get(`/r/${a.ids.slug}`);
    expect(go.headers.location ?? '').not.toMatch(/^\s*javascript:/i);
  }, 60_000);
});
