import { buildTestApp, signUpMerchant, type TestApp } from '../helpers/app';
import { apiAs, createApiKey } from '../helpers/api';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

describe('GET /api/v1/program', () => {
  it('answers the key’s program: public id, camelCase settings with money in minor units, Stripe status', async () => {
    const m = await signUpMerchant(t, { name: 'Acme Tools' });
    await m.browser.submit('/settings', {
      commissionType: 'flat',
      commissionValue: '1500',
      durationType: 'invoices',
      durationValue: '3',
      cookieDays: '90',
      attributionModel: 'first_click',
      holdingDays: '14',
      minPayout: '5000',
      currency: 'jpy',
      platformFee: '2.5',
      destinationUrl: 'https://acme.example/pricing',
      extraMetadataKeys: 'rewardful, fp_ref',
      timeZone: 'Asia/Tokyo',
      brandColor: '#112233',
    });
    const key = await createApiKey(m);
    const res = await apiAs(t, key).get('/api/v1/program');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: m.publicId,
      name: 'Acme Tools',
      mode: 'live',
      settings: {
        currency: 'jpy',
        commissionType: 'flat',
        commissionValue: 1500,
        durationType: 'invoices',
        durationValue: 3,
        cookieDays: 90,
        attributionModel: 'first_click',
        holdingDays: 14,
        minPayout: 5000,
        platformFeeBps: 250,
        destinationUrl: 'https://acme.example/pricing',
        extraMetadataKeys: ['rewardful', 'fp_ref'],
        timeZone: 'Asia/Tokyo',
        brandColor: '#112233',
        updatedAt: '2026-11-25T12:00:00.000Z',
      },
      stripe: { connected: false },
      createdAt: '2026-11-25T12:00:00.000Z',
    });
  });

  it('tells a test-mode key it sees test mode', async () => {
    const m = await signUpMerchant(t);
    const key = await createApiKey(m, { mode: 'test' });
    const res = await apiAs(t, key).get('/api/v1/program');
    expect(res.status).toBe(200);
    expect(res.body.mode).toBe('test');
  });
});

describe('the Stripe connection in GET /api/v1/program', () => {
  it('shows the connected account and its mode, and nothing once it is disconnected', async () => {
    const m = await signUpMerchant(t);
    const key = await createApiKey(m);
    const connection = {
      id: 'scn_1',
      merchantId: m.merchantId,
      accountId: 'acct_1Acme',
      activeAccountId: 'acct_1Acme',
      activeMerchantId: m.merchantId,
      livemode: 0,
      scope: 'read_write',
      connectedAt: '2026-11-25T12:00:00.000Z',
      connectedBy: m.userId,
      disconnectedAt: null,
      disconnectedBy: null,
      disconnectReason: null,
    };
    await t.db.kysely.insertInto('stripeConnections').values(connection).execute();
    expect((await apiAs(t, key).get('/api/v1/program')).body.stripe).toEqual({ connected: true, accountId: 'acct_1Acme', livemode: false });

    await t.db.kysely
      .updateTable('stripeConnections')
      .set({ activeAccountId: null, activeMerchantId: null, disconnectedAt: '2026-11-25T13:00:00.000Z', disconnectedBy: m.userId, disconnectReason: 'merchant' })
      .execute();
    expect((await apiAs(t, key).get('/api/v1/program')).body.stripe).toEqual({ connected: false });
  });
});

describe('tenant isolation', () => {
  it('lets merchant A’s key read only A’s program, whatever B does', async () => {
    const a = await signUpMerchant(t, { name: 'Alpha' });
    const b = await signUpMerchant(t, { name: 'Beta' });
    const keyA = await createApiKey(a);
    const keyB = await createApiKey(b);
    const resA = await apiAs(t, keyA).get('/api/v1/program');
    const resB = await apiAs(t, keyB).get('/api/v1/program');
    expect([resA.body.id, resA.body.name]).toEqual([a.publicId, 'Alpha']);
    expect([resB.body.id, resB.body.name]).toEqual([b.publicId, 'Beta']);
    expect(JSON.stringify(resA.body)).not.toContain(b.publicId);
    // Nothing in the URL, query or body can point a key at another merchant.
    expect((await apiAs(t, keyA).get(`/api/v1/program?id=${b.publicId}`)).status).toBe(400);
  });
});
