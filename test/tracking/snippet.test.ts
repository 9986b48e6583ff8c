import request from 'supertest';
import { buildTestApp, signUpMerchant, type SignedUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner, clicksOf, setProgram } from '../helpers/partners';
import type { Partner } from '../../db/tables/partners';
import { FakeElement, runSnippet, SNIPPET_SOURCE, type FakeFetch } from './browser-sandbox';

const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

let t: TestApp;
let m: SignedUpMerchant;
let jane: Partner;
beforeEach(async () => {
  t = await buildTestApp();
  m = await signUpMerchant(t);
  await setProgram(t, m.merchantId, { destinationUrl: 'https://shop.example.com/', cookieDays: 60 });
  jane = await buildPartner(t.db.kysely, m.merchantId, { name: 'Jane', email: 'jane@example.com', code: 'jane' });
});
afterEach(() => t.close());

/** The snippet's fetch, answered by the real app. */
const appFetch: FakeFetch = async (url, init) => {
  const res = await request(t.http).post(new URL(url).pathname).set('Content-Type', init.headers['Content-Type']!).set('User-Agent', UA).send(init.body);
  return { ok: res.status >= 200 && res.status < 300, status: res.status, json: async () => res.body };
};
const page = (url: string, extra: Partial<Parameters<typeof runSnippet>[0]> = {}) => runSnippet({ url, clock: t.clock, fetch: appFetch, programId: m.publicId, ...extra });

describe('serving the snippet', () => {
  it('serves /refcut.js as JavaScript, cacheable for an hour and revalidated by ETag', async () => {
    const res = await request(t.http).get('/refcut.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=3600, stale-while-revalidate=86400');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).toBe(SNIPPET_SOURCE);
    const again = await request(t.http).get('/refcut.js').set('If-None-Match', res.headers.etag!);
    expect(again.status).toBe(304);
  });
});

describe('the snippet on the merchant\'s site', () => {
  it('records a click for ?via= and stores its id in a first-party cookie for the program\'s window', async () => {
    const p = page('https://shop.example.com/pricing?via=Jane', { referrer: 'https://news.example.net/' });
    const referral = await p.refcut.ready();
    const [click] = await clicksOf(t.db.kysely, jane.id);
    expect(referral).toBe(click!.id);
    expect(p.refcut.referral).toBe(click!.id);
    expect(click).toMatchObject({ source: 'snippet', landingUrl: 'https://shop.example.com/pricing?via=Jane', referrer: 'https://news.example.net/', isBot: 0 });
    expect(p.fetches).toEqual([
      {
        url: 'http://refcut.test/api/v1/track/click',
        body: { programId: m.publicId, code: 'jane', url: 'https://shop.example.com/pricing?via=Jane', referrer: 'https://news.example.net/' },
        headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
        credentials: 'omit',
      },
    ]);
    expect(p.writes[0]).toEqual({
      name: 'refcut_ref',
      value: click!.id,
      attributes: { 'Max-Age': String(60 * 86400), Expires: 'Sun, 24 Jan 2027 12:00:00 GMT', Path: '/', SameSite: 'Lax', Secure: true },
    });
    expect(p.writes[1]).toMatchObject({ name: 'refcut_exp', value: String(Date.parse('2027-01-24T12:00:00Z') / 1000) });
  });

  it('takes the click id from a /r/ redirect as it is, without recording a second click', async () => {
    const hop = await request(t.http).get('/r/jane').set('User-Agent', UA);
    const p = page(hop.headers.location!);
    const [click] = await clicksOf(t.db.kysely, jane.id);
    expect(await p.refcut.ready()).toBe(click!.id);
    expect(p.jar.get('refcut_ref')).toBe(click!.id);
    expect(await clicksOf(t.db.kysely, jane.id)).toHaveLength(1);
  });

  it('replaces an earlier referral under last click, and keeps it under first click', async () => {
    const earlier = 'clk_EarlierClick0000000';
    const last = page('https://shop.example.com/?ref=jane', { cookies: { refcut_ref: earlier } });
    const newest = await last.refcut.ready();
    expect(newest).not.toBe(earlier);
    expect(last.jar.get('refcut_ref')).toBe(newest);

    await setProgram(t, m.merchantId, { attributionModel: 'first_click' });
    const first = page('https://shop.example.com/?ref=jane', { cookies: { refcut_ref: earlier } });
    expect(await first.refcut.ready()).toBe(earlier);
    expect(first.jar.get('refcut_ref')).toBe(earlier);
    expect(first.writes).toEqual([]);
    // The click is still recorded for the partner's stats.
    expect(await clicksOf(t.db.kysely, jane.id)).toHaveLength(2);
  });

  it('exposes a stored referral on later pages without calling the server', async () => {
    const p = page('https://shop.example.com/checkout', { cookies: { refcut_ref: 'clk_StoredClick00000000' } });
    expect(p.refcut.referral).toBe('clk_StoredClick00000000');
    expect(await p.refcut.ready()).toBe('clk_StoredClick00000000');
    expect(p.fetches).toEqual([]);
  });

  it('stores and sends nothing until the consent hook allows it', async () => {
    let allowed = false;
    const p = page('https://shop.example.com/?via=jane', { config: { consent: () => allowed } });
    expect(await p.refcut.ready()).toBeNull();
    expect(p.fetches).toEqual([]);
    expect(p.writes).toEqual([]);
    expect(await clicksOf(t.db.kysely, jane.id)).toHaveLength(0);

    allowed = true;
    const referral = await p.refcut.grantConsent();
    const [click] = await clicksOf(t.db.kysely, jane.id);
    expect(referral).toBe(click!.id);
    expect(p.refcut.referral).toBe(click!.id);
    expect(p.jar.get('refcut_ref')).toBe(click!.id);

    const asyncYes = page('https://shop.example.com/?via=jane', { config: { consent: () => Promise.resolve(true) } });
    await asyncYes.refcut.ready();
    expect(asyncYes.fetches).toHaveLength(1);
  });

  it('adds the referral to Payment Links, pricing tables, buy buttons and marked inputs', async () => {
    const elements = [
      new FakeElement('a', { href: 'https://buy.stripe.com/test_abc?prefilled_email=a%40b.test' }),
      new FakeElement('a', { href: 'https://shop.example.com/about' }),
      new FakeElement('stripe-pricing-table', { 'pricing-table-id': 'prctbl_1' }),
      new FakeElement('stripe-buy-button', { 'buy-button-id': 'buy_btn_1' }),
      new FakeElement('input', { type: 'hidden', name: 'referral', 'data-refcut-referral': '' }),
    ];
    const p = page('https://shop.example.com/?via=jane', { elements });
    const referral = await p.refcut.ready();
    expect(elements[0]!.getAttribute('href')).toBe(`https://buy.stripe.com/test_abc?prefilled_email=a%40b.test&client_reference_id=${referral}`);
    expect(elements[1]!.getAttribute('href')).toBe('https://shop.example.com/about');
    expect(elements[2]!.getAttribute('client-reference-id')).toBe(referral);
    expect(elements[3]!.getAttribute('client-reference-id')).toBe(referral);
    expect(elements[4]!.value).toBe(referral);
  });

  it('ignores values that are not click ids or codes, and unknown codes', async () => {
    const junk = page('https://shop.example.com/?referral=<script>&via=x');
    expect(await junk.refcut.ready()).toBeNull();
    expect(junk.fetches).toEqual([]);
    const unknown = page('https://shop.example.com/?via=nobody');
    expect(await unknown.refcut.ready()).toBeNull();
    expect(unknown.writes).toEqual([]);
  });
});
