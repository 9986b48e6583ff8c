import request from 'supertest';
import { buildTestApp, signUpMerchant, type SignedUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner, clicksOf, defaultLink, setProgram } from '../helpers/partners';
import { ipHasher } from '../../server/tracking/visitor';
import { clickStats } from '../../server/partners/store';
import type { Partner } from '../../db/tables/partners';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

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

const visit = (path: string, ua = CHROME, ip = '203.0.113.7') => request(t.http).get(path).set('User-Agent', ua).set('X-Forwarded-For', ip);

describe('following a referral link', () => {
  it('records the click and redirects with via and referral added, keeping every query parameter', async () => {
    const res = await visit('/r/jane?utm_source=newsletter&plan=free&via=forged&referral=clk_forged#top').set('Referer', 'https://blog.example.org/post');
    expect(res.status).toBe(302);
    const [click] = await clicksOf(t.db.kysely, jane.id);
    expect(res.headers.location).toBe(`https://shop.example.com/pricing?plan=pro&utm_source=newsletter&via=jane&referral=${click!.id}`);
    const link = await defaultLink(t.db.kysely, jane.id);
    expect(click).toEqual({
      id: expect.stringMatching(/^clk_[A-Za-z0-9]{20}$/),
      merchantId: m.merchantId,
      partnerId: jane.id,
      linkId: link.id,
      createdAt: '2026-11-25T12:00:00.000Z',
      repeatSince: '2026-11-25T11:30:00.000Z',
      expiresAt: '2027-01-09T12:00:00.000Z',
      referrer: 'https://blog.example.org/post',
      userAgent: CHROME,
      ipHash: ipHasher(t.config.sessionSecret)('203.0.113.7'),
      landingUrl: res.headers.location,
      isBot: 0,
      earning: 1,
      notEarningReason: null,
      source: 'link',
    });
    expect(click!.ipHash).toMatch(/^[0-9a-f]{32}$/);
    expect(click!.ipHash).not.toBe(ipHasher('another-secret-of-at-least-32-characters')('203.0.113.7'));
    expect(res.headers['set-cookie']).toEqual([`refcut_ref=${click!.id}; Max-Age=${45 * 86400}; Path=/; HttpOnly; SameSite=Lax`]);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toBe('');
  });

  it('keeps a paused partner\'s link working but marks the click as not earning, with the reason', async () => {
    await t.db.kysely.updateTable('partners').set({ status: 'paused' }).where('id', '=', jane.id).execute();
    const res = await visit('/r/JANE');
    expect(res.status).toBe(302);
    const [click] = await clicksOf(t.db.kysely, jane.id);
    expect(res.headers.location).toBe(`https://shop.example.com/pricing?plan=pro&via=jane&referral=${click!.id}`);
    expect([click!.earning, click!.notEarningReason]).toEqual([0, 'partner_paused']);
  });

  it('answers an unknown or disabled slug with a friendly 404 and records nothing', async () => {
    const unknown = await visit('/r/nobody-here');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('This link is not active');
    expect(unknown.headers['set-cookie']).toBeUndefined();

    const link = await defaultLink(t.db.kysely, jane.id);
    const disable = await m.browser.submit(`/partners/${jane.id}/links/${link.id}/disable`, {}, `/partners/${jane.id}`);
    expect(disable.status).toBe(303);
    const disabled = await visit('/r/jane');
    expect(disabled.status).toBe(404);
    expect(disabled.text).toContain('<a href="https://shop.example.com/pricing?plan=pro">Continue to shop.example.com</a>');
    expect(await clicksOf(t.db.kysely, jane.id)).toHaveLength(0);
  });

  it('does not redirect anywhere until the program has a destination URL', async () => {
    await setProgram(t, m.merchantId, { destinationUrl: null });
    const res = await visit('/r/jane');
    expect(res.status).toBe(404);
    expect(await clicksOf(t.db.kysely, jane.id)).toHaveLength(0);
  });
});

describe('bots and repeat clicks', () => {
  it('records bots, link previews and HEAD requests as bots, and leaves them out of stats', async () => {
    expect((await visit('/r/jane', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)')).status).toBe(302);
    expect((await visit('/r/jane', 'facebookexternalhit/1.1')).status).toBe(302);
    expect((await visit('/r/jane', '')).status).toBe(302);
    expect((await request(t.http).head('/r/jane').set('User-Agent', CHROME)).status).toBe(302);
    t.clock.advance(1000);
    await visit('/r/jane');
    const clicks = await clicksOf(t.db.kysely, jane.id);
    expect(clicks.map((c) => c.isBot)).toEqual([1, 1, 1, 1, 0].sort((a, b) => b - a));
    expect(await clickStats(t.db.kysely, m.merchantId, jane.id, '2026-11-01T00:00:00.000Z')).toEqual({ unique: 1, human: 1, bots: 4, notEarning: 0 });
  });

  it('counts repeated clicks from one visitor within 30 minutes once, but hands out the newest click id each time', async () => {
    const ids: string[] = [];
    for (const minutes of [0, 10, 10]) {
      t.clock.advance(minutes * 60_000);
      const res = await visit('/r/jane');
      ids.push(new URL(res.headers.location!).searchParams.get('referral')!);
    }
    expect(new Set(ids).size).toBe(3);
    t.clock.advance(45 * 60_000);
    await visit('/r/jane'); // a new visit: more than 30 minutes after the last click
    await visit('/r/jane', FIREFOX); // another browser behind the same IP
    await visit('/r/jane', CHROME, '198.51.100.20'); // another visitor
    expect(await clickStats(t.db.kysely, m.merchantId, jane.id, '2026-11-01T00:00:00.000Z')).toEqual({ unique: 4, human: 6, bots: 0, notEarning: 0 });
    const page = await m.browser.agent.get(`/partners/${jane.id}`);
    expect(page.text).toContain('<strong>4</strong> clicks');
    expect(page.text).toContain('6 including repeats from the same visitor');
  });
});

describe('creating links', () => {
  it('creates a link to a page on the program\'s site with a campaign, and redirects there', async () => {
    const res = await m.browser.submit(`/partners/${jane.id}/links`, { destinationUrl: 'https://shop.example.com/blog/launch?x=1', campaign: 'Launch post', slug: 'jane-launch' }, `/partners/${jane.id}`);
    expect(res.status).toBe(303);
    const link = await t.db.kysely.selectFrom('links').selectAll().where('slug', '=', 'jane-launch').executeTakeFirstOrThrow();
    expect(link).toMatchObject({ partnerId: jane.id, merchantId: m.merchantId, destinationUrl: 'https://shop.example.com/blog/launch?x=1', campaign: 'Launch post', isDefault: 0 });
    const go = await visit('/r/jane-launch?x=2');
    const [click] = await clicksOf(t.db.kysely, jane.id);
    expect(go.headers.location).toBe(`https://shop.example.com/blog/launch?x=1&via=jane&referral=${click!.id}`);
    expect(click!.linkId).toBe(link.id);
  });

  it('refuses destinations off the program\'s site (no open redirects) and taken slugs', async () => {
    for (const destinationUrl of ['https://evil.example/phish', 'http://shop.example.com/', 'https://shop.example.com.evil.example/', 'javascript:alert(1)']) {
      const res = await m.browser.submit(`/partners/${jane.id}/links`, { destinationUrl, campaign: '', slug: '' }, `/partners/${jane.id}`);
      expect(res.status).toBe(400);
    }
    const offSite = await m.browser.submit(`/partners/${jane.id}/links`, { destinationUrl: 'https://evil.example/phish' }, `/partners/${jane.id}`);
    expect(offSite.text).toContain('Link destinations must stay on https://shop.example.com.');
    const taken = await m.browser.submit(`/partners/${jane.id}/links`, { destinationUrl: '', slug: 'jane' }, `/partners/${jane.id}`);
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('That link slug is already taken');
    expect(await t.db.kysely.selectFrom('links').select('id').where('partnerId', '=', jane.id).execute()).toHaveLength(1);
  });
});
