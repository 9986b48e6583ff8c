import { buildTestApp, browser, signUpMerchant, type SignedUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner } from '../helpers/partners';
import { applicationStatus, submitApplication } from '../../server/partners/applications';

let t: TestApp;
let m: SignedUpMerchant;
beforeEach(async () => {
  t = await buildTestApp();
  m = await signUpMerchant(t, { name: 'Acme Analytics' });
});
afterEach(() => t.close());

const ANA = { name: 'Ana Lytics', email: 'Ana@Example.com', company: 'Ana Media', website: 'https://ana.example.net', reason: 'I write about analytics.' };
const apply = (b = browser(t), fields: Record<string, string> = ANA) => b.submit(`/apply/${m.publicId}`, fields);
const applicationRows = () => t.db.kysely.selectFrom('applications').selectAll().where('merchantId', '=', m.merchantId).execute();
const outbox = () => t.db.kysely.selectFrom('outboxEvents').selectAll().where('merchantId', '=', m.merchantId).execute();
const withoutTokens = (html: string) => html.replace(/value="[0-9a-f]{64,}"/g, 'value="csrf"');

describe('applying through the public page', () => {
  it('records a pending application and thanks the applicant', async () => {
    const page = await browser(t).agent.get(`/apply/${m.publicId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Become a partner of Acme Analytics');
    const res = await apply();
    expect(res.status).toBe(200);
    expect(res.text).toContain('Thanks! Acme Analytics has your application for ana@example.com.');
    expect(await applicationRows()).toEqual([
      {
        id: expect.stringMatching(/^app_/),
        merchantId: m.merchantId,
        email: 'ana@example.com',
        name: 'Ana Lytics',
        company: 'Ana Media',
        website: 'https://ana.example.net',
        reason: 'I write about analytics.',
        status: 'pending',
        rejectionReason: null,
        partnerId: null,
        createdAt: '2026-11-25T12:00:00.000Z',
        decidedAt: null,
        decidedBy: null,
      },
    ]);
  });

  it('tells the browser that applied that it already did, and anyone else exactly what a new applicant sees', async () => {
    const applicant = browser(t);
    const first = await apply(applicant);
    const again = await apply(applicant, { ...ANA, email: 'ANA@example.com' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('You have already applied with ana@example.com, so there is no need to apply again.');
    const stranger = await apply(browser(t), { ...ANA, name: 'Ana Lytics' });
    expect(stranger.status).toBe(first.status);
    expect(withoutTokens(stranger.text)).toBe(withoutTokens(first.text));
    expect(await applicationRows()).toHaveLength(1);
  });

  it('refuses a second application from the same email through the service (the API answers 409)', async () => {
    await submitApplication(t.db.kysely, t.clock, m.merchantId, { name: 'Ana', email: 'ana@example.com' });
    await expect(submitApplication(t.db.kysely, t.clock, m.merchantId, { name: 'Ana', email: 'ANA@example.com' })).rejects.toMatchObject({ status: 409, code: 'duplicate_application' });
    const other = await signUpMerchant(t);
    await expect(submitApplication(t.db.kysely, t.clock, other.merchantId, { name: 'Ana', email: 'ana@example.com' })).resolves.toMatchObject({ status: 'pending' });
  });

  it('shows field errors, and a 404 for an unknown program', async () => {
    const res = await apply(browser(t), { name: '', email: 'nope', website: 'javascript:alert(1)' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Enter a name.');
    expect(res.text).toContain('Enter a full http(s) URL for the website.');
    expect((await browser(t).agent.get('/apply/prg_doesnotexist')).status).toBe(404);
    expect(await applicationRows()).toHaveLength(0);
  });
});

describe('reviewing applications', () => {
  it('approves with a chosen code: an active partner with a default link, and the event in the outbox', async () => {
    await apply();
    const [app] = await applicationRows();
    const list = await m.browser.agent.get('/applications');
    expect(list.text).toContain('Ana Lytics');
    expect(list.text).toContain(`http://refcut.test/apply/${m.publicId}`);
    const res = await m.browser.submit(`/applications/${app!.id}/approve`, { code: 'Ana-Writes' }, '/applications');
    expect(res.status).toBe(303);
    const partner = await t.db.kysely.selectFrom('partners').selectAll().where('merchantId', '=', m.merchantId).executeTakeFirstOrThrow();
    expect(partner).toMatchObject({ name: 'Ana Lytics', email: 'ana@example.com', code: 'ana-writes', status: 'active', activatedAt: '2026-11-25T12:00:00.000Z' });
    const links = await t.db.kysely.selectFrom('links').selectAll().where('partnerId', '=', partner.id).execute();
    expect(links).toEqual([expect.objectContaining({ slug: 'ana-writes', isDefault: 1 })]);
    expect((await applicationRows())[0]).toMatchObject({ status: 'approved', partnerId: partner.id, decidedAt: '2026-11-25T12:00:00.000Z', decidedBy: m.userId });
    const events = await outbox();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'partner_application.approved', livemode: 1 });
    expect(JSON.parse(events[0]!.data)).toEqual({
      application: { id: app!.id, email: 'ana@example.com', name: 'Ana Lytics', reason: 'I write about analytics.' },
      affiliate: { id: partner.id, code: 'ana-writes' },
    });
    const twice = await m.browser.submit(`/applications/${app!.id}/approve`, { code: '' }, '/applications');
    expect(twice.status).toBe(409);
    expect(await outbox()).toHaveLength(1);
  });

  it('generates a code when none is chosen, and changes nothing when the chosen code is taken', async () => {
    await buildPartner(t.db.kysely, m.merchantId, { code: 'taken-code' });
    await apply();
    const [app] = await applicationRows();
    const taken = await m.browser.submit(`/applications/${app!.id}/approve`, { code: 'taken-code' }, '/applications');
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('Another partner of this program already uses this code.');
    expect((await applicationRows())[0]!.status).toBe('pending');
    expect(await outbox()).toHaveLength(0);
    await m.browser.submit(`/applications/${app!.id}/approve`, { code: '' }, '/applications');
    const created = await t.db.kysely.selectFrom('partners').select('code').where('email', '=', 'ana@example.com').executeTakeFirstOrThrow();
    expect(created.code).toMatch(/^ana-lytics-[a-z0-9]{4}$/);
  });

  it('rejects with a reason, kept with the application and sent as an event', async () => {
    await apply();
    const [app] = await applicationRows();
    expect((await m.browser.submit(`/applications/${app!.id}/reject`, { reason: '' }, '/applications')).status).toBe(400);
    const res = await m.browser.submit(`/applications/${app!.id}/reject`, { reason: 'Not a fit for our audience' }, '/applications');
    expect(res.status).toBe(303);
    expect((await applicationRows())[0]).toMatchObject({ status: 'rejected', rejectionReason: 'Not a fit for our audience', partnerId: null, decidedBy: m.userId });
    expect(await t.db.kysely.selectFrom('partners').select('id').execute()).toHaveLength(0);
    const [event] = await outbox();
    expect(event!.type).toBe('partner_application.rejected');
    expect(JSON.parse(event!.data)).toEqual({ application: { id: app!.id, email: 'ana@example.com', name: 'Ana Lytics', reason: 'I write about analytics.', rejectionReason: 'Not a fit for our audience' } });
  });

  it('answers the status by email for the merchant\'s backend', async () => {
    const status = (email: string) => applicationStatus(t.db.kysely, m.merchantId, email);
    expect(await status('ana@example.com')).toEqual({ applied: false });
    await apply();
    await apply(browser(t), { name: 'Rex', email: 'rex@example.com' });
    expect(await status(' ANA@example.com ')).toEqual({ applied: true, status: 'pending' });
    const rows = await applicationRows();
    await m.browser.submit(`/applications/${rows.find((r) => r.email === 'ana@example.com')!.id}/approve`, {}, '/applications');
    await m.browser.submit(`/applications/${rows.find((r) => r.email === 'rex@example.com')!.id}/reject`, { reason: 'Spam site' }, '/applications');
    expect(await status('ana@example.com')).toEqual({ applied: true, status: 'approved' });
    expect(await status('rex@example.com')).toEqual({ applied: true, status: 'rejected', rejectionReason: 'Spam site' });
    const other = await signUpMerchant(t);
    expect(await applicationStatus(t.db.kysely, other.merchantId, 'ana@example.com')).toEqual({ applied: false });
  });

  it('is read-only for read-only members', async () => {
    await apply();
    const [app] = await applicationRows();
    await t.db.kysely.updateTable('memberships').set({ role: 'read_only' }).where('userId', '=', m.userId).execute();
    const page = await m.browser.agent.get('/applications');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(`/applications/${app!.id}/approve`);
    expect((await m.browser.submit(`/applications/${app!.id}/approve`, {}, '/applications')).status).toBe(403);
  });
});
