import express from 'express';
import request from 'supertest';
import { refcutReferral, checkoutParams, readReferral } from '../../sdk';
import { buildTestApp, signUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner, clicksOf, setProgram } from '../helpers/partners';
import { runSnippet, type FakeFetch } from './browser-sandbox';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const CLICK = 'clk_AbCdEfGhIjKlMnOpQrSt';

/** The merchant's own backend, using the helper. */
function merchantSite(options: Parameters<typeof refcutReferral>[0] = {}) {
  const app = express();
  app.set('trust proxy', true);
  app.use(refcutReferral({ cookieDays: 60, now: () => NOW, ...options }));
  app.use((req, res) => {
    const referral = (req as typeof req & { refcutReferral: string | null }).refcutReferral;
    res.json({ referral, checkout: checkoutParams(referral, 'subscription') });
  });
  return app;
}

describe('the server-side cookie helper (sdk)', () => {
  it('sets the referral as an HTTP cookie for the whole window when a visitor lands with ?referral=', async () => {
    const res = await request(merchantSite()).get(`/pricing?via=jane&referral=${CLICK}`).set('X-Forwarded-Proto', 'https');
    expect(res.headers['set-cookie']).toEqual([
      `refcut_ref=${CLICK}; Max-Age=5184000; Expires=Sun, 24 Jan 2027 12:00:00 GMT; Path=/; SameSite=Lax; Secure`,
      'refcut_exp=1800792000; Max-Age=5184000; Expires=Sun, 24 Jan 2027 12:00:00 GMT; Path=/; SameSite=Lax; Secure',
    ]);
    expect(res.body).toEqual({
      referral: CLICK,
      checkout: { client_reference_id: CLICK, metadata: { referral: CLICK }, subscription_data: { metadata: { referral: CLICK } } },
    });
  });

  it('re-issues a cookie the snippet wrote, keeping its expiry, so the browser\'s cap on script cookies does not apply', async () => {
    const expiry = NOW / 1000 + 10 * 86400;
    const res = await request(merchantSite()).get('/account').set('Cookie', `other=1; refcut_ref=${CLICK}; refcut_exp=${expiry}`);
    expect(res.headers['set-cookie']).toEqual([
      `refcut_ref=${CLICK}; Max-Age=864000; Expires=Sat, 05 Dec 2026 12:00:00 GMT; Path=/; SameSite=Lax`,
      `refcut_exp=${expiry}; Max-Age=864000; Expires=Sat, 05 Dec 2026 12:00:00 GMT; Path=/; SameSite=Lax`,
    ]);
    expect(res.body.referral).toBe(CLICK);
    const expired = await request(merchantSite()).get('/account').set('Cookie', `refcut_ref=${CLICK}; refcut_exp=${NOW / 1000 - 1}`);
    expect(expired.headers['set-cookie']).toBeUndefined();
  });

  it('keeps the first referral under first click and ignores malformed values', async () => {
    const first = await request(merchantSite({ attributionModel: 'first_click' })).get('/?referral=clk_NewerClick0000000000').set('Cookie', `refcut_ref=${CLICK}`);
    expect(first.headers['set-cookie']).toBeUndefined();
    expect(first.body.referral).toBe(CLICK);
    const junk = await request(merchantSite()).get('/?referral=%3Cscript%3E');
    expect(junk.headers['set-cookie']).toBeUndefined();
    expect(junk.body).toEqual({ referral: null, checkout: {} });
    expect(readReferral(`a=b; refcut_ref=${CLICK}`)).toBe(CLICK);
    expect(checkoutParams(CLICK, 'payment')).toEqual({ client_reference_id: CLICK, metadata: { referral: CLICK }, payment_intent_data: { metadata: { referral: CLICK } } });
  });
});

describe('link, server helper and snippet together', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(() => t.close());

  it('leaves the HTTP cookie set by the merchant\'s server alone instead of rewriting it from script', async () => {
    const m = await signUpMerchant(t);
    await setProgram(t, m.merchantId, { destinationUrl: 'https://shop.example.com/' });
    const jane = await buildPartner(t.db.kysely, m.merchantId, { code: 'jane' });
    const hop = await request(t.http).get('/r/jane').set('User-Agent', 'Mozilla/5.0 Firefox/128.0');
    const landing = new URL(hop.headers.location!);
    const served = await request(merchantSite()).get(landing.pathname + landing.search);
    const cookies = Object.fromEntries((served.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]!.split('=') as [string, string]));
    const appFetch: FakeFetch = async (url, init) => {
      const res = await request(t.http).post(new URL(url).pathname).set('Content-Type', init.headers['Content-Type']!).send(init.body);
      return { ok: res.status < 300, status: res.status, json: async () => res.body };
    };
    const p = runSnippet({ url: landing.toString(), clock: t.clock, fetch: appFetch, programId: m.publicId, cookies });
    const [click] = await clicksOf(t.db.kysely, jane.id);
    expect(await p.refcut.ready()).toBe(click!.id);
    expect(cookies.refcut_ref).toBe(click!.id);
    expect(p.writes).toEqual([]);
  });
});
