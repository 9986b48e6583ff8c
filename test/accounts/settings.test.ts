import { buildTestApp, signUpMerchant, type TestApp } from '../helpers/app';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

const valid = {
  commissionType: 'percent',
  commissionValue: '25.5',
  durationType: 'months',
  durationValue: '12',
  cookieDays: '90',
  attributionModel: 'first_click',
  holdingDays: '14',
  minPayout: '100.00',
  currency: 'EUR',
  platformFee: '2.5',
  destinationUrl: 'https://shop.example.com/pricing',
  extraMetadataKeys: 'rewardful, fp_ref',
  timeZone: 'Europe/Berlin',
  brandColor: '#FF0066',
};

describe('program settings', () => {
  it('saves valid settings exactly and records who changed what', async () => {
    const m = await signUpMerchant(t);
    const res = await m.browser.submit('/settings', valid);
    expect(res.status).toBe(303);
    const s = await t.db.kysely.selectFrom('programSettings').selectAll().where('merchantId', '=', m.merchantId).executeTakeFirstOrThrow();
    expect(s).toMatchObject({
      commissionType: 'percent',
      commissionValue: 2550,
      durationType: 'months',
      durationValue: 12,
      cookieDays: 90,
      attributionModel: 'first_click',
      holdingDays: 14,
      minPayout: 10000,
      currency: 'eur',
      platformFeeBps: 250,
      destinationUrl: 'https://shop.example.com/pricing',
      extraMetadataKeys: '["rewardful","fp_ref"]',
      timeZone: 'Europe/Berlin',
      brandColor: '#ff0066',
    });
    const page = await m.browser.agent.get('/settings');
    expect(page.text).toContain('value="25.5"');
    expect(page.text).toContain('value="100.00"');
    const audit = await t.db.kysely.selectFrom('auditLog').selectAll().where('merchantId', '=', m.merchantId).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: m.userId, action: 'settings.updated' });
    expect(JSON.parse(audit[0]!.before!)).toMatchObject({ commissionValue: 2000 });
    expect(JSON.parse(audit[0]!.after!)).toMatchObject({ commissionValue: 2550 });
  });

  it('stores flat amounts in minor units of the program currency, including zero- and three-decimal ones', async () => {
    const m = await signUpMerchant(t);
    await m.browser.submit('/settings', { ...valid, commissionType: 'flat', commissionValue: '1500', currency: 'jpy', minPayout: '5000' });
    let s = await t.db.kysely.selectFrom('programSettings').selectAll().executeTakeFirstOrThrow();
    expect([s.commissionValue, s.minPayout, s.currency]).toEqual([1500, 5000, 'jpy']);
    await m.browser.submit('/settings', { ...valid, commissionType: 'flat', commissionValue: '1.250', currency: 'kwd', minPayout: '20' });
    s = await t.db.kysely.selectFrom('programSettings').selectAll().executeTakeFirstOrThrow();
    expect([s.commissionValue, s.minPayout, s.currency]).toEqual([1250, 20000, 'kwd']);
  });

  it('refuses invalid values with an error next to each field and changes nothing', async () => {
    const m = await signUpMerchant(t);
    const res = await m.browser.submit('/settings', {
      ...valid,
      commissionValue: '150',
      durationValue: '',
      cookieDays: '0',
      currency: 'xyz',
      destinationUrl: 'javascript:alert(1)',
      brandColor: 'red',
    });
    expect(res.status).toBe(400);
    for (const msg of [
      'Enter a three-letter ISO currency code',
      'Cookie window must be at least 1.',
      'Enter a full http(s) URL',
      'Enter a colour like #4f46e5.',
    ]) expect(res.text).toContain(msg);
    const s = await t.db.kysely.selectFrom('programSettings').selectAll().executeTakeFirstOrThrow();
    expect(s.commissionValue).toBe(2000);

    const pct = await m.browser.submit('/settings', { ...valid, commissionValue: '150' });
    expect(pct.text).toContain('Enter a percentage above 0 and at most 100');
    const jpy = await m.browser.submit('/settings', { ...valid, commissionType: 'flat', commissionValue: '10.5', currency: 'jpy' });
    expect(jpy.text).toContain('Enter an amount above 0 in JPY.');
    const months = await m.browser.submit('/settings', { ...valid, durationValue: '' });
    expect(months.text).toContain('Enter how many months (1 to 120).');
  });
});

describe('tenant isolation of sessions', () => {
  it('shows and changes only the logged-in merchant’s own program', async () => {
    const a = await signUpMerchant(t, { name: 'Alpha Store' });
    const b = await signUpMerchant(t, { name: 'Beta Store' });
    const pageA = await a.browser.agent.get('/settings');
    expect(pageA.text).toContain(a.publicId);
    expect(pageA.text).not.toContain(b.publicId);
    expect((await a.browser.agent.get('/dashboard')).text).not.toContain('Beta Store');

    await a.browser.submit('/settings', valid);
    const rows = await t.db.kysely.selectFrom('programSettings').select(['merchantId', 'commissionValue']).execute();
    expect(rows.find((r) => r.merchantId === a.merchantId)?.commissionValue).toBe(2550);
    expect(rows.find((r) => r.merchantId === b.merchantId)?.commissionValue).toBe(2000);
    const teamA = await a.browser.agent.get('/team');
    expect(teamA.text).toContain(a.email);
    expect(teamA.text).not.toContain(b.email);
  });
});
