import request from 'supertest';
import { buildTestApp, signUpMerchant, type SignedUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner, clicksOf, setProgram } from '../helpers/partners';
import { TRACK_CLICK_LIMIT } from '../../server/tracking/routes';
import type { Partner } from '../../db/tables/partners';

const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

let t: TestApp;
let a: SignedUpMerchant;
let b: SignedUpMerchant;
let jane: Partner;
let bob: Partner;
beforeEach(async () => {
  t = await buildTestApp();
  a = await signUpMerchant(t);
  b = await signUpMerchant(t);
  await setProgram(t, a.merchantId, { destinationUrl: 'https://a-shop.example.com/', cookieDays: 30, attributionModel: 'first_click' });
  jane = await buildPartner(t.db.kysely, a.merchantId, { name: 'Jane', email: 'jane@example.com', code: 'jane' });
  bob = await buildPartner(t.db.kysely, b.merchantId, { name: 'Bob', email: 'bob@example.com', code: 'bob-b' });
});
afterEach(() => t.close());

const track = (body: unknown, ip = '192.0.2.10') => request(t.http).post('/api/v1/track/click').set('User-Agent', UA).set('X-Forwarded-For', ip).set('Origin', 'https://a-shop.example.com').send(body as object);
const NO_MATCH = { error: { code: 'affiliate_not_found', message: 'No partner or click matches that referral in this program.', param: 'code' } };

describe('the public click endpoint', () => {
  it('records a click for a partner code and answers with its id and the cookie window', async () => {
    const res = await track({ programId: a.publicId, code: 'JANE', url: 'https://a-shop.example.com/?via=jane', referrer: 'https://news.example.net/' });
    expect(res.status).toBe(201);
    const [click] = await clicksOf(t.db.kysely, jane.id);
    expect(res.body).toEqual({ clickId: click!.id, partnerCode: 'jane', expiresAt: '2026-12-25T12:00:00.000Z', attributionModel: 'first_click', cookieDays: 30 });
    expect(click).toMatchObject({ merchantId: a.merchantId, linkId: null, source: 'snippet', landingUrl: 'https://a-shop.example.com/?via=jane', referrer: 'https://news.example.net/', userAgent: UA, isBot: 0, earning: 1, expiresAt: '2026-12-25T12:00:00.000Z' });
    expect(click!.ipHash).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('accepts a text/plain JSON body (no preflight) and answers the preflight when one is sent', async () => {
    const res = await request(t.http).post('/api/v1/track/click').set('Content-Type', 'text/plain;charset=UTF-8').set('User-Agent', UA).send(JSON.stringify({ programId: a.publicId, code: 'jane' }));
    expect(res.status).toBe(201);
    const pre = await request(t.http).options('/api/v1/track/click').set('Origin', 'https://a-shop.example.com').set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'content-type');
    expect(pre.status).toBe(204);
    expect(pre.headers).toMatchObject({ 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST, OPTIONS', 'access-control-allow-headers': 'Content-Type' });
    const bad = await request(t.http).post('/api/v1/track/click').set('Content-Type', 'text/plain').send('{not json');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_json');
  });

  it('confirms a still-valid click id from ?referral= without recording another click', async () => {
    const first = await track({ programId: a.publicId, code: 'jane' });
    t.clock.advanceDays(3);
    const again = await track({ programId: a.publicId, referral: first.body.clickId });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await clicksOf(t.db.kysely, jane.id)).toHaveLength(1);
    // Past its window, the same click id starts a new click for the same partner.
    t.clock.advanceDays(30);
    const late = await track({ programId: a.publicId, referral: first.body.clickId });
    expect(late.status).toBe(201);
    expect(late.body.clickId).not.toBe(first.body.clickId);
    expect(await clicksOf(t.db.kysely, jane.id)).toHaveLength(2);
  });

  it('records a paused partner\'s click as not earning without telling the caller', async () => {
    await t.db.kysely.updateTable('partners').set({ status: 'banned' }).where('id', '=', jane.id).execute();
    const res = await track({ programId: a.publicId, code: 'jane' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['attributionModel', 'clickId', 'cookieDays', 'expiresAt', 'partnerCode']);
    const [click] = await clicksOf(t.db.kysely, jane.id);
    expect([click!.earning, click!.notEarningReason]).toEqual([0, 'partner_banned']);
  });

  it('answers an unknown code, and another program\'s code or click id, with the same 404', async () => {
    expect((await track({ programId: a.publicId, code: 'nobody' })).body).toEqual(NO_MATCH);
    const other = await track({ programId: a.publicId, code: 'bob-b' });
    expect(other.status).toBe(404);
    expect(other.body).toEqual(NO_MATCH);
    const bobClick = await track({ programId: b.publicId, code: 'bob-b' });
    expect(bobClick.status).toBe(201);
    const crossClick = await track({ programId: a.publicId, referral: bobClick.body.clickId });
    expect(crossClick.status).toBe(404);
    expect(crossClick.body.error.message).toBe(NO_MATCH.error.message);
    expect(await clicksOf(t.db.kysely, bob.id)).toHaveLength(1);
    expect(await clicksOf(t.db.kysely, jane.id)).toHaveLength(0);
    expect((await track({ programId: 'prg_unknown', code: 'jane' })).status).toBe(404);
    expect((await track({ programId: a.publicId })).status).toBe(400);
  });

  it(`limits each IP to ${TRACK_CLICK_LIMIT} clicks a minute`, async () => {
    for (let i = 0; i < TRACK_CLICK_LIMIT; i++) expect((await track({ programId: a.publicId, code: 'nobody' }, '192.0.2.50')).status).toBe(404);
    const limited = await track({ programId: a.publicId, code: 'jane' }, '192.0.2.50');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.headers['access-control-allow-origin']).toBe('*');
    expect((await track({ programId: a.publicId, code: 'jane' }, '192.0.2.51')).status).toBe(201);
    expect(await clicksOf(t.db.kysely, jane.id)).toHaveLength(1);
  });
});
