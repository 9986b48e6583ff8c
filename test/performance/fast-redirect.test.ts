import express from 'express';
import request from 'supertest';
import { buildTestApp, signUpMerchant, type SignedUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner, clicksOf, setProgram } from '../helpers/partners';
import { clientIp, type TrustFn } from '../../server/tracking/fast-redirect';
import { ipHasher } from '../../server/tracking/visitor';
import type { Partner } from '../../db/tables/partners';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

let t: TestApp;
let m: SignedUpMerchant;
let jane: Partner;
beforeEach(async () => {
  t = await buildTestApp();
  m = await signUpMerchant(t);
  await setProgram(t, m.merchantId, { destinationUrl: 'https://shop.example.com/pricing?plan=pro', cookieDays: 45 });
  jane = await buildPartner(t.db.kysely, m.merchantId, { name: 'Jane', email: 'jane@example.com', code: 'jane', clock: t.clock });
});
afterEach(() => t.close());

const visit = (path: string) => request(t.http).get(path).set('User-Agent', CHROME).set('X-Forwarded-For', '203.0.113.7').set('Referer', 'https://blog.example.org/');
const redirectLogLines = () => t.logs.filter((l) => l.msg === 'request completed' && (l.req as { url: string }).url.startsWith('/r/'));

/** The response with what differs per click (its id, the request id, the date) masked. */
function shape(res: request.Response, clickId: string) {
  const headers = { ...res.headers } as Record<string, string | string[]>;
  delete headers.date;
  expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  headers['x-request-id'] = '<request id>';
  return JSON.parse(JSON.stringify({ status: res.status, headers, body: res.text }).replaceAll(clickId, '<click id>'));
}

describe('the lean redirect path', () => {
  it('answers exactly as the Express route does (which still serves URLs it leaves alone)', async () => {
    // A percent-encoded slug is decoded by Express: the lean path hands such URLs to the route.
    const viaRoute = await visit('/r/%6Aane?utm_source=x');
    const viaFast = await visit('/r/jane?utm_source=x');
    // Both clicks share the test clock's time, so find each by the id its response handed out.
    const clicks = await clicksOf(t.db.kysely, jane.id);
    const idOf = (res: request.Response) => new URL(res.headers.location!).searchParams.get('referral');
    const first = clicks.find((c) => c.id === idOf(viaRoute));
    const second = clicks.find((c) => c.id === idOf(viaFast));
    expect(clicks).toHaveLength(2);
    expect(shape(viaFast, second!.id)).toEqual(shape(viaRoute, first!.id));
    expect(viaFast.headers.location).toBe(`https://shop.example.com/pricing?plan=pro&utm_source=x&via=jane&referral=${second!.id}`);
    expect(Object.keys(viaFast.headers).sort()).toEqual(['cache-control', 'connection', 'content-length', 'content-security-policy', 'date', 'location', 'set-cookie', 'x-content-type-options', 'x-request-id', 'x-robots-tag']);
    const { id: _a, createdAt: _b, ...routeRow } = first!;
    const { id: _c, createdAt: _d, ...fastRow } = second!;
    expect({ ...fastRow, landingUrl: null }).toEqual({ ...routeRow, landingUrl: null });
    expect(fastRow.ipHash).toBe(ipHasher(t.config.sessionSecret)('203.0.113.7'));
    expect(fastRow.referrer).toBe('https://blog.example.org/');
  });

  it('has stored the click before the visitor gets its id', async () => {
    const res = await visit('/R/JANE/');
    expect(res.status).toBe(302);
    const id = new URL(res.headers.location!).searchParams.get('referral');
    expect((await clicksOf(t.db.kysely, jane.id)).map((c) => c.id)).toEqual([id]);
  });

  it('hands unknown links to the route, which renders the page, and logs every request once', async () => {
    const missing = await visit('/r/nobody-here');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('This link is not active');
    expect(missing.headers['content-security-policy']).toContain("script-src 'self'");
    const head = await request(t.http).head('/r/jane').set('User-Agent', CHROME);
    expect(head.status).toBe(302);
    expect((await clicksOf(t.db.kysely, jane.id)).map((c) => c.isBot)).toEqual([1]);
    expect(redirectLogLines().map((l) => [(l.req as { url: string }).url, (l.res as { statusCode: number }).statusCode])).toEqual([
      ['/r/nobody-here', 404],
      ['/r/jane', 302],
    ]);
  });
});

describe('the client address of a click', () => {
  // The same addresses Express computes as req.ip, for the trust settings people use behind proxies.
  const cases: { trust: string | number; xff: string }[] = [
    { trust: 'loopback', xff: '' },
    { trust: 'loopback', xff: '203.0.113.7' },
    { trust: 'loopback', xff: '198.51.100.1, 203.0.113.7' },
    { trust: 'loopback', xff: '198.51.100.1,127.0.0.1' },
    { trust: 'loopback, 10.0.0.0/8', xff: '198.51.100.1, 203.0.113.9, 10.1.2.3' },
    { trust: 1, xff: '198.51.100.1, 203.0.113.9' },
    { trust: 2, xff: '198.51.100.1, 203.0.113.9' },
    { trust: 'uniquelocal', xff: '198.51.100.1' },
  ];
  it.each(cases)('matches Express behind trust proxy $trust with X-Forwarded-For $xff', async ({ trust, xff }) => {
    const app = express();
    app.set('trust proxy', trust);
    app.get('/', (req, res) => {
      res.json({ express: req.ip, ours: clientIp(req, app.get('trust proxy fn') as TrustFn) });
    });
    const r = request(app).get('/');
    const res = await (xff ? r.set('X-Forwarded-For', xff) : r);
    expect(res.body.ours).toBe(res.body.express);
  });
});
