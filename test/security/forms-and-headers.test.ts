// Over the whole route table: every state-changing form refuses a request without the session's CSRF
// token (and changes nothing); only Stripe's signed webhook, the API (key in a header) and the public
// click endpoint (no cookies) take writes without one; and every answer carries the security headers,
// every HTML page a Content-Security-Policy that allows no inline script.
import request from 'supertest';
import { sql } from 'kysely';
import type { Db } from '../../db';
import { browser } from '../helpers/app';
import { buildTestAppWithStripe, type StripeTestApp } from '../helpers/stripe';
import { isEarlyAccess, isUiAccess } from '../../server/http/routes';
import { buildTenant, fillPath, type Tenant } from './world';

let t: StripeTestApp;
let a: Tenant;
beforeAll(async () => {
  t = await buildTestAppWithStripe();
  a = await buildTenant(t, 'Alpha');
}, 60_000);
afterAll(async () => {
  await a.receiver.close();
  await t.close();
});

/** Row counts of every table but the ones a request touches by nature (sessions, rate-limit counters). */
async function counts(db: Db): Promise<Record<string, number>> {
  const raw = db.kysely.withoutPlugins();
  const tables = (
    await (db.dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`
      : sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_name not like 'kysely_%'`
    ).execute(raw)
  ).rows.map((r) => r.name);
  const out: Record<string, number> = {};
  for (const table of tables.filter((x) => x !== 'sessions' && x !== 'rate_limits').sort()) {
    out[table] = Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(raw)).rows[0]!.n);
  }
  return out;
}

const WRITES = new Set(['post', 'put', 'patch', 'delete']);

describe('CSRF over the route table', () => {
  it('takes state-changing requests without a CSRF token only where no cookie can authenticate them', () => {
    const unprotected = t.app.routes.filter((r) => WRITES.has(r.method) && !isUiAccess(r.access));
    expect([...new Set(unprotected.map((r) => r.access))].sort()).toEqual(['api', 'public_api', 'webhook']);
    expect(t.app.routes.filter((r) => WRITES.has(r.method) && r.access === 'redirect')).toEqual([]);
  });

  it('refuses every form posted without the session’s token, or with another session’s, and changes nothing', async () => {
    const forms = t.app.routes.filter((r) => WRITES.has(r.method) && isUiAccess(r.access));
    expect(forms.length).toBeGreaterThan(45);
    const stranger = browser(t);
    const foreignToken = await stranger.csrf('/login');
    const before = await counts(t.db);
    for (const r of forms) {
      const path = fillPath(r.path, a.ids);
      const agent = r.access === 'partner' ? a.portal.agent : a.m.browser.agent;
      for (const token of [undefined, foreignToken]) {
        const res = await agent[r.method as 'post'](path).type('form').send({ ...(token ? { _csrf: token } : {}), confirm: 'ERASE', role: 'admin', name: 'x', email: 'x@example.com' });
        expect([`${r.method} ${r.path}`, res.status, res.text.includes('This form has expired')]).toEqual([`${r.method} ${r.path}`, 403, true]);
      }
    }
    expect(await counts(t.db)).toEqual(before);
  }, 60_000);
});

/** What every answer of the app must carry, and every HTML page on top of it. */
function expectSecurityHeaders(what: string, res: request.Response, early = false) {
  expect([what, res.headers['x-powered-by']]).toEqual([what, undefined]);
  // A bodiless redirect of the click path has nothing to sniff or frame.
  if (early && res.status >= 300 && res.status < 400) return;
  expect([what, res.headers['x-content-type-options']]).toEqual([what, 'nosniff']);
  if (!/text\/html/.test(res.headers['content-type'] ?? '')) return;
  const csp = String(res.headers['content-security-policy'] ?? '');
  const directive = (name: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? '';
  expect([what, directive('default-src')]).toEqual([what, "default-src 'self'"]);
  expect([what, /unsafe-inline|unsafe-eval|\*/.test(directive('script-src') || directive('default-src'))]).toEqual([what, false]);
  expect([what, directive('frame-ancestors'), directive('object-src')]).toEqual([what, "frame-ancestors 'none'", "object-src 'none'"]);
  if (early) return;
  expect([what, res.headers['x-frame-options']]).toEqual([what, 'SAMEORIGIN']);
  expect([what, res.headers['referrer-policy']]).toEqual([what, 'no-referrer']);
}

describe('security headers over the route table', () => {
  it('sends them on every page, file and error, signed in or not', async () => {
    const gets = t.app.routes.filter((r) => r.method === 'get');
    expect(gets.length).toBeGreaterThan(60);
    for (const r of gets) {
      const path = fillPath(r.path, a.ids);
      const agent = r.access === 'partner' ? a.portal.agent : r.access === 'api' ? request(t.http) : a.m.browser.agent;
      const res = await (r.access === 'api' ? request(t.http).get(path).set('Authorization', `Bearer ${a.liveKey}`) : agent.get(path));
      expect([`${r.path}`, res.status < 500]).toEqual([r.path, true]);
      // Early routes (the redirect, the snippet, public JSON) skip helmet on purpose; they set their own.
      const early = isEarlyAccess(r.access);
      expectSecurityHeaders(`get ${r.path} (${res.status})`, res, early);
      if (r.access !== 'api') expectSecurityHeaders(`anonymous get ${r.path}`, await request(t.http).get(path), early);
    }
    for (const path of ['/no/such/page', '/api/v1/no-such-thing', '/static/app.css', '/static/missing.js']) expectSecurityHeaders(`get ${path}`, await request(t.http).get(path));
    expectSecurityHeaders('get /r/no-such-link', await request(t.http).get('/r/no-such-link'), true);
  }, 60_000);
});
