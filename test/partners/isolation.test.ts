import request from 'supertest';
import { buildTestApp, browser, signUpMerchant, type SignedUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner, defaultLink, setProgram } from '../helpers/partners';
import { submitApplication } from '../../server/partners/applications';
import type { Partner } from '../../db/tables/partners';

let t: TestApp;
let a: SignedUpMerchant;
let b: SignedUpMerchant;
let bPartner: Partner;
let aPartner: Partner;
beforeEach(async () => {
  t = await buildTestApp();
  a = await signUpMerchant(t);
  b = await signUpMerchant(t);
  await setProgram(t, a.merchantId, { destinationUrl: 'https://a.example.com/' });
  await setProgram(t, b.merchantId, { destinationUrl: 'https://b.example.com/' });
  aPartner = await buildPartner(t.db.kysely, a.merchantId, { name: 'Alice of A', email: 'alice@a.test', code: 'alice' });
  bPartner = await buildPartner(t.db.kysely, b.merchantId, { name: 'Bella of B', email: 'bella@b.test', code: 'bella' });
});
afterEach(() => t.close());

const bRow = () => t.db.kysely.selectFrom('partners').selectAll().where('id', '=', bPartner.id).executeTakeFirstOrThrow();

describe('tenant isolation', () => {
  it('declares every partner and application page behind a merchant login', () => {
    const pages = t.app.routes.filter((r) => /^\/(partners|applications)/.test(r.path));
    expect(pages.length).toBeGreaterThan(10);
    for (const r of pages) expect([r.path, r.method === 'get' ? ['member', 'editor'].includes(r.access) : r.access === 'editor']).toEqual([r.path, true]);
  });

  it("never lists, shows or edits another merchant's partners or links", async () => {
    const list = await a.browser.agent.get('/partners?search=bella');
    expect(list.text).not.toContain('bella@b.test');
    expect((await a.browser.agent.get('/partners')).text).not.toContain('Bella of B');
    for (const path of [`/partners/${bPartner.id}`, `/partners/${bPartner.id}/edit`]) expect((await a.browser.agent.get(path)).status).toBe(404);

    const before = await bRow();
    const from = `/partners/${aPartner.id}`;
    expect((await a.browser.submit(`/partners/${bPartner.id}`, { name: 'Hijacked', email: 'evil@a.test', code: 'hijack' }, from)).status).toBe(404);
    expect((await a.browser.submit(`/partners/${bPartner.id}/status`, { status: 'banned', reason: 'x' }, from)).status).toBe(404);
    expect((await a.browser.submit(`/partners/${bPartner.id}/links`, { destinationUrl: '', slug: 'stolen-link' }, from)).status).toBe(404);
    const bLink = await defaultLink(t.db.kysely, bPartner.id);
    expect((await a.browser.submit(`/partners/${bPartner.id}/links/${bLink.id}/disable`, {}, from)).status).toBe(404);
    expect((await a.browser.submit(`/partners/${aPartner.id}/links/${bLink.id}/disable`, {}, from)).status).toBe(404);
    expect(await bRow()).toEqual(before);
    expect((await defaultLink(t.db.kysely, bPartner.id)).disabledAt).toBeNull();
    expect(await t.db.kysely.selectFrom('links').select('id').where('slug', '=', 'stolen-link').execute()).toHaveLength(0);
  });

  it("imports only into the importer's own program, even with another merchant's emails and codes", async () => {
    const page = await a.browser.agent.get('/partners/import');
    const action = /action="(\/partners\/import\?_csrf=[0-9a-f]+)"/.exec(page.text)![1]!;
    const res = await a.browser.agent.post(action).attach('file', Buffer.from('name,email,code,status\nBella Copy,bella@b.test,bella,banned\n'), 'p.csv');
    expect(res.text).toContain('<strong>1</strong> created');
    expect(await bRow()).toMatchObject({ status: 'active', name: 'Bella of B' });
    const copy = await t.db.kysely.selectFrom('partners').selectAll().where('merchantId', '=', a.merchantId).where('email', '=', 'bella@b.test').executeTakeFirstOrThrow();
    expect(copy).toMatchObject({ code: 'bella', status: 'banned' });
  });

  it("never lists or decides another merchant's applications", async () => {
    const app = await submitApplication(t.db.kysely, t.clock, b.merchantId, { name: 'Applicant of B', email: 'applicant@b.test' });
    expect((await a.browser.agent.get('/applications')).text).not.toContain('applicant@b.test');
    expect((await a.browser.submit(`/applications/${app.id}/approve`, { code: 'grabbed' }, '/applications')).status).toBe(404);
    expect((await a.browser.submit(`/applications/${app.id}/reject`, { reason: 'no' }, '/applications')).status).toBe(404);
    const row = await t.db.kysely.selectFrom('applications').selectAll().where('id', '=', app.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
    expect(await t.db.kysely.selectFrom('partners').select('id').where('code', '=', 'grabbed').execute()).toHaveLength(0);
    // B's own page does show it.
    expect((await b.browser.agent.get('/applications')).text).toContain('applicant@b.test');
  });

  it("never credits another program's partner through this program's id", async () => {
    const res = await request(t.http).post('/api/v1/track/click').set('User-Agent', 'Mozilla/5.0 Firefox/128.0').send({ programId: a.publicId, code: 'bella' });
    expect(res.status).toBe(404);
    expect(await t.db.kysely.selectFrom('clicks').select('id').execute()).toHaveLength(0);
    expect((await browser(t).agent.get(`/partners/${bPartner.id}`)).status).toBe(303);
  });
});
