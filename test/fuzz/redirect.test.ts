// Property-based fuzzing (fast-check, fixed seed) of the click redirect `/r/:slug`: odd slugs (unicode,
// invalid UTF-8 percent escapes, CR/LF, very long), odd query strings (header injection, other sites,
// `javascript:`). Sent over a raw socket so nothing is cleaned up on the way. The answer is a 302 to the
// merchant's own site or a 404 (or the HTTP parser's 400), never a 500; no header is ever injected and
// no redirect leaves the merchant's site.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { buildTestApp, signUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner, defaultLink, setProgram } from '../helpers/partners';
import { hasStackTrace } from './mutations';

const SEED = 4_404;
const SITE = 'https://shop.example.com';
let t: TestApp;
let server: http.Server;
let port: number;
let slug: string;

beforeAll(async () => {
  t = await buildTestApp();
  const m = await signUpMerchant(t);
  await setProgram(t, m.merchantId, { destinationUrl: `${SITE}/pricing?plan=pro#top` });
  const jane = await buildPartner(t.db.kysely, m.merchantId, { code: 'jane', clock: t.clock });
  slug = (await defaultLink(t.db.kysely, jane.id)).slug;
  server = http.createServer(t.http);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

/** A raw GET: the path goes on the wire exactly as given (Node only refuses bytes HTTP forbids). */
function get(path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET', headers: { 'User-Agent': 'fuzz' }, insecureHTTPParser: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const escapes = fc.constantFrom('%FF', '%C3%28', '%ED%A0%80', '%E2%82', '%00', '%0d%0a', '%0D%0ASet-Cookie:%20x=1', '%2F%2Fevil.example', '%2e%2e%2F', '%25', '%', '%zz', '%C0%AF');
const slugPart = fc.oneof(
  fc.constant(() => slug),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => () => encodeURIComponent(s)),
  fc.array(fc.oneof(escapes, fc.constantFrom('a', 'JANE', '-', '.', '..', '~')), { minLength: 1, maxLength: 12 }).map((xs) => () => xs.join('')),
  fc.integer({ min: 200, max: 12_000 }).map((n) => () => 'a'.repeat(n)),
);
const queryPart = fc.oneof(
  fc.constant(''),
  fc.array(
    fc.tuple(
      fc.constantFrom('via', 'referral', 'next', 'url', 'redirect', 'plan', 'utm_source', 'x'),
      fc.oneof(escapes, fc.constantFrom('https://evil.example/', '//evil.example', 'javascript:alert(1)', 'other-partner', 'clk_forged'), fc.string({ maxLength: 30 }).map(encodeURIComponent)),
    ),
    { maxLength: 6 },
  ).map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
  fc.integer({ min: 1_000, max: 40_000 }).map((n) => `?q=${'x'.repeat(n)}`),
);

describe('the click redirect under odd slugs and query strings', () => {
  it('redirects only to the merchant’s site, never injects a header, never answers 500', async () => {
    const statuses: Record<number, number> = {};
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(slugPart, queryPart, async (makeSlug, query) => {
        tried += 1;
        const res = await get(`/r/${makeSlug()}${query}`);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        expect([302, 400, 404, 414, 431]).toContain(res.status);
        expect(hasStackTrace(res.body)).toBe(false);
        for (const [name, value] of Object.entries(res.headers)) expect([name, /[\r\n]/.test(String(value))]).toEqual([name, false]);
        const cookies = res.headers['set-cookie'] ?? [];
        // Only our own cookies, with our own values: the click id on a redirect, a session on a page.
        for (const c of cookies) expect(c).toMatch(res.status === 302 ? /^refcut_ref=clk_[0-9A-Za-z]{20}; / : /^refcut\.sid=s%3A[\w-]+\.[\w%]+; /);
        if (res.status === 302) {
          const location = new URL(res.headers.location!);
          expect(location.origin).toBe(SITE);
          expect(location.pathname).toBe('/pricing');
          // The link's own parameters win; `via` and `referral` are always ours.
          expect(location.searchParams.getAll('plan')).toEqual(['pro']);
          expect(location.searchParams.getAll('via')).toEqual(['jane']);
          expect(location.searchParams.getAll('referral')).toEqual([expect.stringMatching(/^clk_[0-9A-Za-z]{20}$/)]);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
    expect(statuses[302]).toBeGreaterThan(20);
    console.log(`redirect fuzz: ${tried} requests ${JSON.stringify(statuses)}, every redirect on ${SITE}`);
  }, 60_000);
});
