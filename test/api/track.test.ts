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

const bindings = () => t.db.kysely.selectFrom('referralBindings').selectAll().where('merchantId', '=', p.m.merchantId).execute();
const conversions = () => t.db.kysely.selectFrom('conversions').selectAll().where('merchantId', '=', p.m.merchantId).orderBy('createdAt').orderBy('sourceKey').execute();

describe('POST /api/v1/track/lead', () => {
  it('binds the customer to the partner of the click, in the key’s mode', async () => {
    const clickId = await p.click();
    const res = await p.live.post('/api/v1/track/lead', { clickId, customerExternalId: 'user_42', customerEmail: 'Ana@Example.com', customerName: 'Ana' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      eventName: 'Sign up',
      customer: { id: 'ext:user_42', externalId: 'user_42', name: 'Ana', email: 'ana@example.com' },
      affiliate: { id: p.jane.id, code: 'jane' },
      clickId,
      boundAt: '2026-11-25T12:00:00.000Z',
    });
    expect(await bindings()).toEqual([
      expect.objectContaining({ livemode: 1, customerKey: 'ext:user_42', externalCustomerId: 'user_42', partnerId: p.jane.id, clickId, referralValue: clickId, foundIn: 'api.clickId', source: 'lead', customerEmail: 'ana@example.com' }),
    ]);
  });

  it('is a no-op the second time, even naming another partner’s click: the first partner keeps the customer', async () => {
    const first = await p.live.post('/api/v1/track/lead', { clickId: await p.click(), customerExternalId: 'user_42', eventName: 'Trial' });
    const bo = await buildPartner(t.db.kysely, p.m.merchantId, { code: 'bob', clock: t.clock });
    const again = await p.live.post('/api/v1/track/lead', { clickId: await p.click('bob'), customerExternalId: 'user_42', eventName: 'Trial' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await bindings()).map((b) => b.partnerId)).toEqual([p.jane.id]);
    expect(bo.id).not.toBe(p.jane.id);
  });

  it('accepts a partner code where the site kept ?via= instead of a click id', async () => {
    const res = await p.live.post('/api/v1/track/lead', { clickId: 'JANE', customerExternalId: 'user_7' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ affiliate: { id: p.jane.id }, clickId: null });
  });

  it('refuses unknown clicks (404), another program’s clicks (404) and clicks older than the cookie window (422)', async () => {
    const other = await apiProgram(t, { name: 'Other' });
    const theirs = await other.click();
    expect((await p.live.post('/api/v1/track/lead', { clickId: 'clk_doesnotexist', customerExternalId: 'u' })).body).toEqual({
      error: { code: 'click_not_found', message: 'No click or partner code of this program matches clickId.', param: 'clickId' },
    });
    const foreign = await p.live.post('/api/v1/track/lead', { clickId: theirs, customerExternalId: 'u' });
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'click_not_found']);

    const old = await p.click();
    t.clock.advanceDays(61); // the default cookie window is 60 days
    const expired = await p.live.post('/api/v1/track/lead', { clickId: old, customerExternalId: 'u' });
    expect([expired.status, expired.body.error.code, expired.body.error.param]).toEqual([422, 'click_expired', 'clickId']);
    expect(await bindings()).toEqual([]);
  });

  it('refuses unknown and missing fields with a 400 naming them', async () => {
    const unknown = await p.live.post('/api/v1/track/lead', { clickId: 'jane', customerExternalId: 'u', customerId: 'x' });
    expect([unknown.status, unknown.body.error.param, unknown.body.error.message]).toEqual([400, 'customerId', 'Unknown field: customerId.']);
    const missing = await p.live.post('/api/v1/track/lead', { clickId: 'jane' });
    expect([missing.status, missing.body.error.param]).toEqual([400, 'customerExternalId']);
  });
});

describe('POST /api/v1/track/sale', () => {
  it('credits the lead’s partner exactly: 12,345 JPY at 20% is 2,469', async () => {
    await p.live.post('/api/v1/track/lead', { clickId: await p.click(), customerExternalId: 'user_42' });
    const res = await p.live.post('/api/v1/track/sale', {
      customerExternalId: 'user_42',
      amount: 12345,
      currency: 'JPY',
      invoiceId: 'inv_1001',
      paymentProcessor: 'paddle',
      metadata: { plan: 'pro', seats: 3 },
      customerName: 'Ana',
      customerEmail: 'ana@example.com',
      customerAvatar: 'https://cdn.example.com/ana.png',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      eventName: 'Purchase',
      conversionId: expect.stringMatching(/^cnv_/),
      affiliateId: p.jane.id,
      customer: { id: 'ext:user_42', name: 'Ana', email: 'ana@example.com', avatar: 'https://cdn.example.com/ana.png', externalId: 'user_42' },
      sale: { amount: 12345, currency: 'jpy', paymentProcessor: 'paddle', invoiceId: 'inv_1001', metadata: { plan: 'pro', seats: 3 } },
      commission: { id: expect.stringMatching(/^com_/), affiliateId: p.jane.id, amount: 2469, platformFee: 0, netCommission: 2469, currency: 'jpy', status: 'pending', statusReason: null },
    });
    expect(await ledgerRows(t, p.m.merchantId)).toEqual([
      { kind: 'credit', ledgerKey: `credit:${res.body.conversionId}`, partnerId: p.jane.id, amount: 2469, fee: 0, net: 2469, currency: 'jpy', status: 'pending', statusReason: null, livemode: 1, causeType: 'api' },
    ]);
    expect(await conversions()).toEqual([
      expect.objectContaining({ sourceKey: 'sale:inv_1001', source: 'api', kind: 'api_sale', externalId: 'inv_1001', customerKey: 'ext:user_42', amount: 12345, amountPaid: 12345, metadata: '{"plan":"pro","seats":3}' }),
    ]);
  });

  it('records one sale per invoiceId: the same invoiceId again answers the first sale and writes nothing', async () => {
    await p.live.post('/api/v1/track/lead', { clickId: await p.click(), customerExternalId: 'user_42' });
    const first = await p.live.post('/api/v1/track/sale', { customerExternalId: 'user_42', amount: 5000, invoiceId: 'inv_1' });
    const again = await p.live.post('/api/v1/track/sale', { customerExternalId: 'user_42', amount: 9999, invoiceId: 'inv_1', eventName: 'Upgrade' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await conversions()).toHaveLength(1);
    expect((await ledgerRows(t, p.m.merchantId)).map((r) => r.amount)).toEqual([1000]);
  });

  it('attributes a direct sale by its clickId, binding the customer for the next sale', async () => {
    const clickId = await p.click();
    const first = await p.live.post('/api/v1/track/sale', { customerExternalId: 'user_9', amount: 10000, clickId, invoiceId: 'a' });
    const second = await p.live.post('/api/v1/track/sale', { customerExternalId: 'user_9', amount: 2500, invoiceId: 'b' });
    expect([first.body.commission.amount, second.body.commission.amount]).toEqual([2000, 500]);
    expect(await bindings()).toEqual([expect.objectContaining({ customerKey: 'ext:user_9', partnerId: p.jane.id, clickId, source: 'api' })]);
  });

  it('records a sale nobody referred (or with an unknown click) unattributed, with commission null', async () => {
    const none = await p.live.post('/api/v1/track/sale', { customerExternalId: 'walk_in', amount: 10000, invoiceId: 'x1' });
    const unknown = await p.live.post('/api/v1/track/sale', { customerExternalId: 'walk_in_2', amount: 10000, invoiceId: 'x2', clickId: 'clk_nope' });
    expect([none.status, none.body.commission, none.body.affiliateId]).toEqual([200, null, null]);
    expect([unknown.status, unknown.body.commission]).toEqual([200, null]);
    expect((await conversions()).map((c) => [c.sourceKey, c.partnerId, c.unattributedReason])).toEqual([
      ['sale:x1', null, 'no_referral_value'],
      ['sale:x2', null, 'unknown_code'],
    ]);
    expect(await ledgerRows(t, p.m.merchantId)).toEqual([]);
  });

  it('credits an earlier unattributed sale of the customer when a later sale’s click binds them', async () => {
    await p.live.post('/api/v1/track/sale', { customerExternalId: 'u1', amount: 1000, invoiceId: 'early' });
    await p.live.post('/api/v1/track/sale', { customerExternalId: 'u1', amount: 3000, invoiceId: 'late', clickId: await p.click() });
    expect((await ledgerRows(t, p.m.merchantId)).map((r) => [r.partnerId, r.amount]).sort()).toEqual([
      [p.jane.id, 200],
      [p.jane.id, 600],
    ]);
  });

  it('records a zero-amount sale with its partner but no commission', async () => {
    await p.live.post('/api/v1/track/lead', { clickId: await p.click(), customerExternalId: 'trial' });
    const res = await p.live.post('/api/v1/track/sale', { customerExternalId: 'trial', amount: 0, invoiceId: 'trial-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ affiliateId: p.jane.id, commission: null, sale: { amount: 0, currency: 'usd', paymentProcessor: 'custom', metadata: null } });
    expect(await ledgerRows(t, p.m.merchantId)).toEqual([]);
  });

  it('applies the program’s duration: with "first payment only" the second sale is credited as rejected, with the reason', async () => {
    await p.settings({ durationType: 'first_payment' });
    await p.live.post('/api/v1/track/lead', { clickId: await p.click(), customerExternalId: 'u' });
    await p.live.post('/api/v1/track/sale', { customerExternalId: 'u', amount: 0, invoiceId: 'trial' }); // a $0 trial does not start the clock
    const first = await p.live.post('/api/v1/track/sale', { customerExternalId: 'u', amount: 5000, invoiceId: 'one' });
    t.clock.advanceDays(30);
    const second = await p.live.post('/api/v1/track/sale', { customerExternalId: 'u', amount: 5000, invoiceId: 'two' });
    expect(first.body.commission).toMatchObject({ amount: 1000, status: 'pending', statusReason: null });
    expect(second.body.commission).toMatchObject({ amount: 0, platformFee: 0, netCommission: 0, status: 'rejected', statusReason: 'The program pays on the first payment only.' });
  });

  it('applies the partner’s override, the platform fee and self-referral rules like Stripe sales', async () => {
    await p.settings({ platformFeeBps: 1000 });
    await p.live.patch(`/api/v1/affiliates/${p.jane.id}`, { commissionOverride: { type: 'flat', value: 750 } });
    await p.live.post('/api/v1/track/lead', { clickId: await p.click(), customerExternalId: 'u' });
    const sale = await p.live.post('/api/v1/track/sale', { customerExternalId: 'u', amount: 123456, currency: 'eur', invoiceId: 'i1' });
    expect(sale.body.commission).toMatchObject({ amount: 750, platformFee: 75, netCommission: 675, currency: 'usd', status: 'pending' });
    const self = await p.live.post('/api/v1/track/sale', { customerExternalId: 'u', amount: 1000, invoiceId: 'i2', customerEmail: 'JANE@partners.test' });
    expect(self.body.commission).toMatchObject({ status: 'rejected', statusReason: 'Self-referral: the customer’s email is the partner’s.' });
  });

  it('refuses metadata over 10,000 characters, negative amounts and unknown fields, naming the field', async () => {
    const big = await p.live.post('/api/v1/track/sale', { customerExternalId: 'u', amount: 1, metadata: { blob: 'x'.repeat(10_000) } });
    expect([big.status, big.body.error.param]).toEqual([400, 'metadata']);
    const fits = await p.live.post('/api/v1/track/sale', { customerExternalId: 'u', amount: 1, metadata: { b: 'x'.repeat(9_990) } });
    expect(fits.status).toBe(200);
    const negative = await p.live.post('/api/v1/track/sale', { customerExternalId: 'u', amount: -5 });
    expect([negative.status, negative.body.error.param]).toEqual([400, 'amount']);
    const unknown = await p.live.post('/api/v1/track/sale', { customerExternalId: 'u', amount: 5, tax: 1 });
    expect([unknown.status, unknown.body.error.param]).toEqual([400, 'tax']);
    const long = await p.live.post('/api/v1/track/sale', { customerExternalId: 'u'.repeat(101), amount: 5 });
    expect([long.status, long.body.error.param]).toEqual([400, 'customerExternalId']);
    const processor = await p.live.post('/api/v1/track/sale', { customerExternalId: 'u', amount: 5, paymentProcessor: 'paypal' });
    expect([processor.status, processor.body.error.param]).toEqual([400, 'paymentProcessor']);
  });
});

describe('POST /api/v1/track/refund', () => {
  const saleOf = async (amount: number, currency = 'jpy') => {
    await p.live.post('/api/v1/track/lead', { clickId: await p.click(), customerExternalId: 'u' });
    return (await p.live.post('/api/v1/track/sale', { customerExternalId: 'u', amount, currency, invoiceId: 'inv_r' })).body;
  };

  it('claws back in proportion, and a partial refund plus the rest sum to the commission exactly', async () => {
    const sale = await saleOf(12345); // commission 2469
    const part = await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', amount: 3333, refundId: 're_1' });
    expect(part.status).toBe(200);
    expect(part.body).toEqual({
      id: expect.stringMatching(/^arf_/),
      refundId: 're_1',
      conversionId: sale.conversionId,
      invoiceId: 'inv_r',
      amount: 3333,
      currency: 'jpy',
      refunded: 3333,
      remaining: 9012,
      reversal: { id: expect.stringMatching(/^com_/), affiliateId: p.jane.id, commission: 667, platformFee: 0, netCommission: 667, currency: 'jpy' }, // round(2469 × 3333 ÷ 12345) = round(666.6)
      createdAt: '2026-11-25T12:00:00.000Z',
    });
    const rest = await p.live.post('/api/v1/track/refund', { conversionId: sale.conversionId, amount: 9012, refundId: 're_2' });
    expect(rest.body).toMatchObject({ refunded: 12345, remaining: 0, reversal: { commission: 1802 } });
    const rows = await ledgerRows(t, p.m.merchantId);
    expect(rows.map((r) => [r.kind, r.ledgerKey, r.amount, r.net, r.status])).toEqual([
      ['credit', `credit:${sale.conversionId}`, 2469, 2469, 'pending'],
      ['reversal', 'api-refund:id:re_1', -667, -667, 'pending'],
      ['reversal', 'api-refund:id:re_2', -1802, -1802, 'pending'],
    ]);
    expect(rows.reduce((s, r) => s + r.amount, 0)).toBe(0);
  });

  it('reverses the platform fee in the same proportion', async () => {
    await p.settings({ platformFeeBps: 1250 });
    await saleOf(10001, 'usd'); // commission round(2000.2) = 2000, fee 250
    const a = await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', amount: 3333 });
    const b = await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', amount: 6668 });
    expect(a.body.reversal).toMatchObject({ commission: 667, platformFee: 83, netCommission: 584 });
    expect(b.body.reversal).toMatchObject({ commission: 1333, platformFee: 167, netCommission: 1166 });
  });

  it('refuses more than is left to refund (422), unknown sales (404), and Stripe payments (422)', async () => {
    await saleOf(1000);
    await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', amount: 600 });
    const over = await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', amount: 401 });
    expect([over.status, over.body.error]).toEqual([422, { code: 'refund_exceeds_sale', message: "Only 400 of this sale's 1000 is left to refund.", param: 'amount' }]);
    const unknown = await p.live.post('/api/v1/track/refund', { invoiceId: 'nope', amount: 1 });
    expect([unknown.status, unknown.body.error.code, unknown.body.error.param]).toEqual([404, 'conversion_not_found', 'invoiceId']);
    const both = await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', conversionId: 'cnv_x', amount: 1 });
    expect([both.status, both.body.error.param]).toEqual([400, 'invoiceId']);

    await t.db.kysely
      .insertInto('conversions')
      .values({ id: 'cnv_stripe', merchantId: p.m.merchantId, livemode: 1, sourceKey: 'pi:pi_1', source: 'stripe', kind: 'checkout', partnerId: p.jane.id, bindingId: null, unattributedReason: null, attribution: '{}', stripeObjectId: 'cs_1', externalId: null, paymentIntentId: 'pi_1', invoiceId: null, subscriptionId: null, stripeCustomerId: null, customerKey: null, customerEmail: null, amount: 100, amountPaid: 100, currency: 'usd', total: null, totalExcludingTax: null, periodStart: null, occurredAt: '2026-11-25T12:00:00.000Z', stripeEventId: 'evt_1', createdAt: '2026-11-25T12:00:00.000Z' })
      .execute();
    const stripe = await p.live.post('/api/v1/track/refund', { conversionId: 'cnv_stripe', amount: 50 });
    expect([stripe.status, stripe.body.error.code]).toEqual([422, 'unprocessable']);
  });

  it('is idempotent per refundId: a repeat answers the first refund; the same refundId for another refund is a 409', async () => {
    await saleOf(1000);
    const first = await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', amount: 250, refundId: 'rf_9' });
    const again = await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', amount: 250, refundId: 'rf_9' });
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const reused = await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', amount: 300, refundId: 'rf_9' });
    expect([reused.status, reused.body.error.code, reused.body.error.param]).toEqual([409, 'duplicate_refund_id', 'refundId']);
    expect((await ledgerRows(t, p.m.merchantId)).map((r) => r.amount)).toEqual([200, -50]);
  });

  it('names a refund without refundId by its Idempotency-Key, so retries never refund twice', async () => {
    await saleOf(1000);
    const a = await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', amount: 100 }, 'refund-attempt-1');
    const replay = await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', amount: 100 }, 'refund-attempt-1');
    expect(replay.body).toEqual(a.body);
    // Two refunds of the same amount without any id are two refunds.
    await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', amount: 100 });
    await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', amount: 100 });
    const keys = (await ledgerRows(t, p.m.merchantId)).filter((r) => r.kind === 'reversal').map((r) => r.ledgerKey);
    expect(keys).toHaveLength(3);
    expect(keys).toContain(`api-refund:idem:${(await t.db.kysely.selectFrom('apiKeys').select('id').where('name', '=', 'live').executeTakeFirstOrThrow()).id}:refund-attempt-1`);
  });

  it('never refunds more than the sale when refunds arrive at the same time', async () => {
    await saleOf(1000); // commission 200
    const results = await Promise.all([1, 2, 3].map((i) => p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', amount: 400, refundId: `par_${i}` })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 422]);
    const reversals = (await ledgerRows(t, p.m.merchantId)).filter((r) => r.kind === 'reversal');
    expect(reversals.map((r) => r.amount).sort()).toEqual([-80, -80]);
    expect((await p.live.post('/api/v1/track/refund', { invoiceId: 'inv_r', amount: 200 })).body).toMatchObject({ remaining: 0, reversal: { commission: 40 } });
  });

  it('records refunds of a sale without commission, so what is left to refund stays exact', async () => {
    await p.live.post('/api/v1/track/sale', { customerExternalId: 'nobody', amount: 500, invoiceId: 'plain' });
    const res = await p.live.post('/api/v1/track/refund', { invoiceId: 'plain', amount: 500 });
    expect(res.body).toMatchObject({ refunded: 500, remaining: 0, reversal: null });
    const more = await p.live.post('/api/v1/track/refund', { invoiceId: 'plain', amount: 1 });
    expect(more.status).toBe(422);
  });
});

describe('test mode and live mode', () => {
  it('keeps test-key sales, leads and refunds in the test ledger, invisible to live keys and vice versa', async () => {
    const clickId = await p.click();
    await p.test.post('/api/v1/track/lead', { clickId, customerExternalId: 'u' });
    const testSale = await p.test.post('/api/v1/track/sale', { customerExternalId: 'u', amount: 1000, invoiceId: 'same-id' });
    // The live ledger does not know this customer or this invoice.
    const liveSale = await p.live.post('/api/v1/track/sale', { customerExternalId: 'u', amount: 1000, invoiceId: 'same-id' });
    expect(testSale.body.commission).toMatchObject({ amount: 200 });
    expect(liveSale.body.commission).toBeNull();
    expect(liveSale.body.conversionId).not.toBe(testSale.body.conversionId);
    const crossRefund = await p.live.post('/api/v1/track/refund', { conversionId: testSale.body.conversionId, amount: 1 });
    expect(crossRefund.status).toBe(404);
    expect((await ledgerRows(t, p.m.merchantId)).map((r) => [r.livemode, r.amount])).toEqual([[0, 200]]);
    expect((await bindings()).map((b) => b.livemode)).toEqual([0]);
  });
});
