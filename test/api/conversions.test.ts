import { buildTestApp, type TestApp } from '../helpers/app';
import { apiProgram, ledgerRows, type ApiProgram } from '../helpers/api-program';
import { buildPartner } from '../helpers/partners';

let t: TestApp;
let p: ApiProgram;
beforeEach(async () => {
  t = await buildTestApp();
  p = await apiProgram(t);
});
afterEach(() => t.close());

const conversionRows = () => t.db.kysely.selectFrom('conversions').selectAll().where('merchantId', '=', p.m.merchantId).execute();

describe('POST /api/v1/conversions', () => {
  it('credits a manual conversion with the program’s rules: 20% of 10,000 less a 12.5% platform fee', async () => {
    await p.settings({ platformFeeBps: 1250 });
    const res = await p.live.post('/api/v1/conversions', { affiliateId: p.jane.id, amount: 10000, externalId: 'deal-7' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^cnv_/), affiliateId: p.jane.id, commission: 2000, platformFee: 250, netCommission: 1750, currency: 'usd', status: 'pending', statusReason: null });
    expect(await conversionRows()).toEqual([
      expect.objectContaining({ id: res.body.id, sourceKey: 'ext:deal-7', source: 'manual', kind: 'manual', partnerId: p.jane.id, externalId: 'deal-7', customerKey: null, amount: 10000, amountPaid: 10000, currency: 'usd', livemode: 1 }),
    ]);
    expect(await ledgerRows(t, p.m.merchantId)).toEqual([
      { kind: 'credit', ledgerKey: `credit:${res.body.id}`, partnerId: p.jane.id, amount: 2000, fee: 250, net: 1750, currency: 'usd', status: 'pending', statusReason: null, livemode: 1, causeType: 'api' },
    ]);
  });

  it('uses the affiliate’s override and the currency given, in lower case', async () => {
    await p.live.patch(`/api/v1/affiliates/${p.jane.id}`, { commissionOverride: { type: 'percent', value: 3333 } });
    const res = await p.live.post('/api/v1/conversions', { affiliateId: p.jane.id, amount: 1001, currency: 'KWD' });
    expect(res.body).toMatchObject({ commission: 334, currency: 'kwd' }); // round(1001 × 0.3333) = round(333.63)
  });

  it('records a rejected credit for an affiliate who does not earn', async () => {
    const paused = await buildPartner(t.db.kysely, p.m.merchantId, { status: 'paused' });
    const res = await p.live.post('/api/v1/conversions', { affiliateId: paused.id, amount: 5000 });
    expect(res.body).toMatchObject({ commission: 1000, status: 'rejected', statusReason: 'Partner is paused.' });
  });

  it('refuses the same externalId twice (409), unknown affiliates (404) and non-positive amounts (400)', async () => {
    await p.live.post('/api/v1/conversions', { affiliateId: p.jane.id, amount: 100, externalId: 'x' });
    const dup = await p.live.post('/api/v1/conversions', { affiliateId: p.jane.id, amount: 100, externalId: 'x' });
    expect([dup.status, dup.body.error]).toEqual([409, { code: 'duplicate_external_id', message: 'A conversion with this externalId already exists.', param: 'externalId' }]);
    const other = await apiProgram(t, { name: 'Other' });
    const foreign = await p.live.post('/api/v1/conversions', { affiliateId: other.jane.id, amount: 100 });
    expect([foreign.status, foreign.body.error.code, foreign.body.error.param]).toEqual([404, 'affiliate_not_found', 'affiliateId']);
    for (const amount of [0, -1, 1.5, '100']) {
      const bad = await p.live.post('/api/v1/conversions', { affiliateId: p.jane.id, amount });
      expect([amount, bad.status, bad.body.error.param]).toEqual([amount, 400, 'amount']);
    }
    const currency = await p.live.post('/api/v1/conversions', { affiliateId: p.jane.id, amount: 100, currency: 'xyz' });
    expect([currency.status, currency.body.error.param]).toEqual([400, 'currency']);
    expect(await conversionRows()).toHaveLength(1);
    expect(await t.db.kysely.selectFrom('conversions').select('id').where('merchantId', '=', other.m.merchantId).execute()).toEqual([]);
  });

  it('replays the first answer for a retried Idempotency-Key, and refuses the key with another body (422)', async () => {
    const first = await p.live.post('/api/v1/conversions', { affiliateId: p.jane.id, amount: 700 }, 'conv-1');
    const retry = await p.live.post('/api/v1/conversions', { affiliateId: p.jane.id, amount: 700 }, 'conv-1');
    expect([retry.status, retry.headers['idempotent-replayed'], retry.body]).toEqual([201, 'true', first.body]);
    const changed = await p.live.post('/api/v1/conversions', { affiliateId: p.jane.id, amount: 701 }, 'conv-1');
    expect([changed.status, changed.body.error.code, changed.body.error.param]).toEqual([422, 'idempotency_key_reused', 'Idempotency-Key']);
    expect(await conversionRows()).toHaveLength(1);
  });

  it('keeps externalIds apart per mode: a test conversion does not block the live one', async () => {
    const test = await p.test.post('/api/v1/conversions', { affiliateId: p.jane.id, amount: 100, externalId: 'same' });
    const live = await p.live.post('/api/v1/conversions', { affiliateId: p.jane.id, amount: 100, externalId: 'same' });
    expect([test.status, live.status]).toEqual([201, 201]);
    expect((await conversionRows()).map((c) => c.livemode).sort()).toEqual([0, 1]);
  });
});

describe('GET /api/v1/conversions', () => {
  const setup = async () => {
    await p.live.post('/api/v1/track/lead', { clickId: await p.click(), customerExternalId: 'user_1' });
    const sale = await p.live.post('/api/v1/track/sale', { customerExternalId: 'user_1', amount: 10000, invoiceId: 'inv_1', metadata: { plan: 'pro' } });
    await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_1', amount: 2500 });
    t.clock.advanceDays(1);
    const bob = await buildPartner(t.db.kysely, p.m.merchantId, { code: 'bob', clock: t.clock });
    const manual = await p.live.post('/api/v1/conversions', { affiliateId: bob.id, amount: 300, currency: 'eur', externalId: 'deal-1' });
    await p.live.post('/api/v1/track/sale', { customerExternalId: 'stranger', amount: 999, invoiceId: 'inv_unattributed' });
    return { sale: sale.body, manual: manual.body, bob };
  };

  it('lists attributed conversions newest first with their commission and what was clawed back', async () => {
    const { sale, manual, bob } = await setup();
    const res = await p.live.get('/api/v1/conversions');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [
        {
          id: manual.id,
          affiliateId: bob.id,
          customerId: null,
          source: 'manual',
          stripeObjectId: null,
          externalId: 'deal-1',
          amount: 300,
          currency: 'eur',
          commission: 60,
          platformFee: 0,
          netCommission: 60,
          commissionCurrency: 'eur',
          reversed: 0,
          status: 'pending',
          statusReason: null,
          metadata: null,
          occurredAt: '2026-11-26T12:00:00.000Z',
          createdAt: '2026-11-26T12:00:00.000Z',
        },
        {
          id: sale.conversionId,
          affiliateId: p.jane.id,
          customerId: 'ext:user_1',
          source: 'api',
          stripeObjectId: null,
          externalId: 'inv_1',
          amount: 10000,
          currency: 'usd',
          commission: 2000,
          platformFee: 0,
          netCommission: 2000,
          commissionCurrency: 'usd',
          reversed: 500,
          status: 'pending',
          statusReason: null,
          metadata: { plan: 'pro' },
          occurredAt: '2026-11-25T12:00:00.000Z',
          createdAt: '2026-11-25T12:00:00.000Z',
        },
      ],
      page: 1,
      limit: 50,
      total: 2,
    });
  });

  it('filters by affiliate, commission status, customer and date range', async () => {
    const { sale, manual, bob } = await setup();
    const ids = async (query: string) => (await p.live.get(`/api/v1/conversions?${query}`)).body.data.map((c: { id: string }) => c.id);
    expect(await ids(`affiliateId=${bob.id}`)).toEqual([manual.id]);
    expect(await ids('customerId=user_1')).toEqual([sale.conversionId]);
    expect(await ids('customerId=ext:user_1')).toEqual([sale.conversionId]);
    expect(await ids('customerId=stranger')).toEqual([]);
    expect(await ids('createdFrom=2026-11-26')).toEqual([manual.id]);
    expect(await ids('createdTo=2026-11-26T00:00:00Z')).toEqual([sale.conversionId]);
    expect(await ids('createdFrom=2026-11-25T12:00:00%2B00:00&createdTo=2026-11-25T12:00:00.001Z')).toEqual([sale.conversionId]);
    await t.db.kysely.updateTable('commissions').set({ status: 'approved' }).where('conversionId', '=', manual.id).execute();
    expect(await ids('status=approved')).toEqual([manual.id]);
    expect(await ids('status=pending')).toEqual([sale.conversionId]);
    for (const [query, param] of [
      ['status=void', 'status'],
      ['createdFrom=yesterday', 'createdFrom'],
      ['limit=101', 'limit'],
      ['partnerId=x', 'partnerId'],
    ]) {
      const bad = await p.live.get(`/api/v1/conversions?${query}`);
      expect([query, bad.status, bad.body.error.param]).toEqual([query, 400, param]);
    }
  });

  it('pages the list', async () => {
    for (let i = 0; i < 3; i++) await p.live.post('/api/v1/conversions', { affiliateId: p.jane.id, amount: 100 + i });
    const page = await p.live.get('/api/v1/conversions?limit=2&page=2');
    expect([page.body.data.length, page.body.total, page.body.page, page.body.limit]).toEqual([1, 3, 2, 2]);
  });

  it('pages a status filter in the same order, with the same rows and clawbacks, as the whole list', async () => {
    const bob = await buildPartner(t.db.kysely, p.m.merchantId, { code: 'bob', clock: t.clock });
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      if (i % 3 === 0) t.clock.advanceDays(1); // the others share an instant: the id orders them
      made.push((await p.live.post('/api/v1/conversions', { affiliateId: i % 2 ? bob.id : p.jane.id, amount: 10000 })).body.id);
    }
    const other = await apiProgram(t, { name: 'Other' });
    const foreign = (await other.live.post('/api/v1/conversions', { affiliateId: other.jane.id, amount: 10000 })).body.id;
    const testMode = (await p.test.post('/api/v1/conversions', { affiliateId: p.jane.id, amount: 10000 })).body.id;
    const approved = made.filter((_, i) => i !== 1 && i !== 4);
    await t.db.kysely.updateTable('commissions').set({ status: 'approved' }).where('conversionId', 'in', [...approved, foreign, testMode]).execute();
    await p.live.post('/api/v1/track/refund', { conversionId: made[2], amount: 2500 });

    const everything = (await p.live.get('/api/v1/conversions')).body;
    const listed = (await p.live.get('/api/v1/conversions?status=approved&limit=100')).body;
    expect(listed.total).toBe(5);
    expect(listed.data).toEqual(everything.data.filter((c: { status: string }) => c.status === 'approved'));
    expect(listed.data.map((c: { id: string }) => c.id).sort()).toEqual([...approved].sort());
    expect(listed.data.find((c: { id: string }) => c.id === made[2])).toMatchObject({ commission: 2000, netCommission: 2000, reversed: 500, status: 'approved' });
    const pages = [];
    for (const page of [1, 2, 3, 4]) pages.push((await p.live.get(`/api/v1/conversions?status=approved&limit=2&page=${page}`)).body);
    expect(pages.map((b) => [b.page, b.data.length, b.total])).toEqual([
      [1, 2, 5],
      [2, 2, 5],
      [3, 1, 5],
      [4, 0, 5],
    ]);
    expect(pages.flatMap((b) => b.data)).toEqual(listed.data);

    const bobs = (await p.live.get(`/api/v1/conversions?status=approved&affiliateId=${bob.id}`)).body;
    expect([bobs.data.map((c: { id: string }) => c.id), bobs.total]).toEqual([listed.data.filter((c: { affiliateId: string }) => c.affiliateId === bob.id).map((c: { id: string }) => c.id), 2]);
    const pending = (await p.live.get('/api/v1/conversions?status=pending')).body;
    expect([pending.data.map((c: { id: string }) => c.id).sort(), pending.total]).toEqual([[made[1], made[4]].sort(), 2]);
    const test = (await p.test.get('/api/v1/conversions?status=approved')).body;
    expect([test.data.map((c: { id: string }) => c.id), test.total]).toEqual([[testMode], 1]);
  });

  it('shows a test key only the test ledger and a live key only the live one', async () => {
    await setup();
    const testSale = await p.test.post('/api/v1/conversions', { affiliateId: p.jane.id, amount: 100 });
    const test = await p.test.get('/api/v1/conversions');
    expect(test.body.data.map((c: { id: string }) => c.id)).toEqual([testSale.body.id]);
    const live = await p.live.get('/api/v1/conversions');
    expect(live.body.data.map((c: { id: string }) => c.id)).not.toContain(testSale.body.id);
    expect(live.body.total).toBe(2);
  });
});
