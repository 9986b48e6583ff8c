import request from 'supertest';
import { browser, buildTestApp, signUpMerchant, type SignedUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner } from '../helpers/partners';
import { apiAs, createApiKey } from '../helpers/api';
import { enterWith, sentMagicLinks, pathOf, portalLinkFor, signedInPartner, tokenOf } from '../helpers/portal';
import { sha256 } from '../../server/lib/ids';
import type { Partner } from '../../db/tables/partners';

let t: TestApp;
let m: SignedUpMerchant;
let jane: Partner;
beforeEach(async () => {
  t = await buildTestApp();
  m = await signUpMerchant(t, { name: 'Acme Tools' });
  jane = await buildPartner(t.db.kysely, m.merchantId, { name: 'Jane Smith', email: 'jane@partners.test', code: 'jane', clock: t.clock });
});
afterEach(() => t.close());

const portal = () => `/portal/${m.publicId}`;
const sid = (res: request.Response) => /refcut\.sid=([^;]+)/.exec(String(res.headers['set-cookie'] ?? ''))?.[1];
const tokens = () => t.db.kysely.selectFrom('portalTokens').selectAll().orderBy('createdAt').orderBy('id').execute();

describe('signing in with a magic link', () => {
  it('emails (logs) a one-time link, stores only its hash, and signs the partner in once', async () => {
    const b = browser(t);
    const asked = await b.submit(`${portal()}/login`, { email: ' Jane@Partners.test ' });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('a sign-in link is on its way');
    const [link] = await sentMagicLinks(t);
    expect(link).toEqual({ to: 'jane@partners.test', subject: 'Your sign-in link to the Acme Tools partner portal', url: expect.stringMatching(new RegExp(`^http://refcut\\.test/portal/${m.publicId}/enter\\?token=[0-9A-Za-z]{40}$`)), status: expect.any(String) });
    const [email] = await t.db.kysely.selectFrom('notifications').select(['body', 'secret']).where('kind', '=', 'portal_login').execute();
    expect(email!.secret).toBe(1);
    expect(email!.body).toContain('It works once, until 2026-11-26 12:00 UTC.');
    const [row] = await tokens();
    expect(row).toMatchObject({ partnerId: jane.id, merchantId: m.merchantId, purpose: 'magic_link', createdBy: 'partner', tokenHash: sha256(tokenOf(link!.url)), expiresAt: '2026-11-26T12:00:00.000Z', usedAt: null });
    expect(JSON.stringify(await tokens())).not.toContain(tokenOf(link!.url));

    // Opening the link only shows a button (link scanners do not spend it); pressing it signs in.
    const { page, res, browser: partner } = await enterWith(t, link!.url);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Welcome, Jane Smith');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(portal());
    const home = await partner.agent.get(portal());
    expect(home.status).toBe(200);
    expect(home.text).toContain('Hello, Jane Smith');
    expect((await tokens())[0]!.usedAt).toBe('2026-11-25T12:00:00.000Z');

    const again = await enterWith(t, link!.url);
    expect(again.page.status).toBe(410);
    expect(again.res.status).toBe(410);
    expect(again.res.text).toContain('does not work any more');
  });

  it('answers the same for an unknown email, a banned partner and a partner, and sends nothing to the first two', async () => {
    await buildPartner(t.db.kysely, m.merchantId, { name: 'Bad Actor', email: 'banned@partners.test', status: 'banned' });
    const bodies: string[] = [];
    for (const email of ['nobody@nowhere.test', 'banned@partners.test', 'jane@partners.test']) {
      const res = await browser(t).submit(`${portal()}/login`, { email });
      expect(res.status).toBe(200);
      bodies.push(res.text.replace(/name="_csrf" value="[^"]+"/, '').replaceAll(email, 'EMAIL'));
    }
    expect(bodies[0]).toBe(bodies[2]);
    expect(bodies[1]).toBe(bodies[2]);
    expect((await sentMagicLinks(t)).map((l) => l.to)).toEqual(['jane@partners.test']);
    expect((await tokens()).map((r) => r.partnerId)).toEqual([jane.id]);
  });

  it('refuses a malformed email with the form, and throttles repeated requests for one email', async () => {
    const bad = await browser(t).submit(`${portal()}/login`, { email: 'not-an-email' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a valid email address.');
    const b = browser(t);
    for (let i = 0; i < 5; i++) expect((await b.submit(`${portal()}/login`, { email: 'nobody@nowhere.test' })).status).toBe(200);
    const sixth = await b.submit(`${portal()}/login`, { email: 'nobody@nowhere.test' });
    expect(sixth.status).toBe(429);
    expect(sixth.text).toContain('Too many sign-in requests');
  });

  it('expires after 24 hours on the clock', async () => {
    await browser(t).submit(`${portal()}/login`, { email: 'jane@partners.test' });
    const [link] = await sentMagicLinks(t);
    t.clock.advance(24 * 3_600_000);
    const late = await enterWith(t, link!.url);
    expect([late.page.status, late.res.status]).toEqual([410, 410]);
    expect((await tokens())[0]!.usedAt).toBeNull();
  });
});

describe('signing in with a portal link the merchant generates', () => {
  it('shows the link once on the partner page button, valid 24 hours, audited', async () => {
    const url = await portalLinkFor(m, jane.id);
    expect(url).toMatch(new RegExp(`^http://refcut\\.test/portal/${m.publicId}/enter\\?token=[0-9A-Za-z]{40}$`));
    const [row] = await tokens();
    expect(row).toMatchObject({ purpose: 'portal_link', createdBy: m.userId, expiresAt: '2026-11-26T12:00:00.000Z', usedAt: null });
    const audit = await t.db.kysely.selectFrom('auditLog').select(['action', 'subjectId', 'actor']).where('action', '=', 'portal.link_created').execute();
    expect(audit).toEqual([{ action: 'portal.link_created', subjectId: jane.id, actor: m.userId }]);

    t.clock.advance(24 * 3_600_000 - 1);
    const partner = await signedInPartner(t, url);
    expect((await partner.agent.get(portal())).text).toContain('Hello, Jane Smith');
    expect((await enterWith(t, url)).res.status).toBe(410);
  });

  it('comes from the API as { url, expiresAt } and works the same', async () => {
    const api = apiAs(t, await createApiKey(m));
    const res = await api.get(`/api/v1/affiliates/${jane.id}/portal-link`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ url: expect.stringContaining(`http://refcut.test/portal/${m.publicId}/enter?token=`), expiresAt: '2026-11-26T12:00:00.000Z' });
    const partner = await signedInPartner(t, res.body.url);
    expect((await partner.agent.get(portal())).status).toBe(200);

    const banned = await buildPartner(t.db.kysely, m.merchantId, { name: 'Banned', email: 'b@partners.test', status: 'banned' });
    const refused = await api.get(`/api/v1/affiliates/${banned.id}/portal-link`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('unprocessable');
    expect((await api.get('/api/v1/affiliates/aff_nobody/portal-link')).body.error.code).toBe('affiliate_not_found');
  });

  it("does not work on another program's portal, and another merchant's partner cannot sign in here", async () => {
    const other = await signUpMerchant(t, { name: 'Other Shop' });
    const otherPartner = await buildPartner(t.db.kysely, other.merchantId, { name: 'Olga', email: 'olga@partners.test', code: 'olga', clock: t.clock });
    const otherUrl = await portalLinkFor(other, otherPartner.id);
    // The same token on this program's address: refused, and still usable where it belongs.
    const misplaced = otherUrl.replace(other.publicId, m.publicId);
    const wrong = await enterWith(t, misplaced);
    expect([wrong.page.status, wrong.res.status]).toEqual([410, 410]);
    // Olga asks this program for a magic link: nothing is sent.
    await browser(t).submit(`${portal()}/login`, { email: 'olga@partners.test' });
    expect(await sentMagicLinks(t)).toEqual([]);
    // Signed in to her own program, she is sent to this program's sign-in page.
    const olga = await signedInPartner(t, otherUrl);
    expect((await olga.agent.get(`/portal/${other.publicId}`)).status).toBe(200);
    const here = await olga.agent.get(portal());
    expect([here.status, here.headers.location]).toEqual([303, `${portal()}/login`]);
    expect((await olga.agent.get(`${portal()}/commissions`)).status).toBe(303);
  });
});

describe('portal sessions', () => {
  it('get a new session id at sign-in, never grant merchant pages, and end at sign-out', async () => {
    const url = await portalLinkFor(m, jane.id);
    const b = browser(t);
    const page = await b.agent.get(pathOf(url));
    const before = sid(page);
    const { res } = await enterWith(t, url, b);
    expect(sid(res)).toBeDefined();
    expect(sid(res)).not.toBe(before);
    for (const path of ['/dashboard', '/partners', `/partners/${jane.id}`, '/balances', '/deals']) {
      const r = await b.agent.get(path);
      expect([path, r.status, r.headers.location]).toEqual([path, 303, `/login?next=${encodeURIComponent(path)}`]);
    }
    const out = await b.submit(`${portal()}/logout`, {}, portal());
    expect([out.status, out.headers.location]).toEqual([303, `${portal()}/login`]);
    expect((await b.agent.get(portal())).status).toBe(303);
  });

  it("are not granted by a merchant's login, and a merchant signing in as a partner leaves the merchant session", async () => {
    const r = await m.browser.agent.get(portal());
    expect([r.status, r.headers.location]).toEqual([303, `${portal()}/login`]);
    expect((await m.browser.agent.post(`${portal()}/settings`).type('form').send({ payoutEmail: 'x@y.test', _csrf: await m.browser.csrf('/dashboard') })).status).toBe(401);
    const url = await portalLinkFor(m, jane.id);
    await enterWith(t, url, m.browser);
    expect((await m.browser.agent.get(portal())).status).toBe(200);
    expect((await m.browser.agent.get('/dashboard')).status).toBe(303);
  });

  it('end at once when the partner is banned', async () => {
    const partner = await signedInPartner(t, await portalLinkFor(m, jane.id));
    await t.db.kysely.updateTable('partners').set({ status: 'banned' }).where('id', '=', jane.id).execute();
    expect((await partner.agent.get(portal())).status).toBe(303);
  });
});
