// A sale that arrived unattributed and was refunded (or lost to a dispute) before it got its partner:
// the late credit must carry the same clawbacks as if the sale had been attributed from the start,
// once, whatever is re-delivered or retried afterwards.
import type Stripe from 'stripe';
import { build } from '../fake-stripe';
import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { buildTestApp, type TestApp } from '../helpers/app';
import { apiProgram, ledgerRows, type ApiProgram } from '../helpers/api-program';
import { expectLedgerConsistent } from '../helpers/reliability';

const ev = build.event;
const sumOf = (rows: { amount: number; fee: number; net: number }[]) => rows.reduce((s, r) => [s[0]! + r.amount, s[1]! + r.fee, s[2]! + r.net], [0, 0, 0]);

describe('assigning a Stripe sale refunded or disputed before it had a partner', () => {
  let w: LedgerWorld;
  let pi: Stripe.PaymentIntent;
  let charge: Stripe.Charge;

  // A $30.00 one-off sale nobody referred: assigned to Jane it earns 600 (20%), fee 60 (10%), net 540.
  beforeEach(async () => {
    w = await ledgerWorld();
    await w.t.db.kysely.updateTable('programSettings').set({ platformFeeBps: 1000 }).execute();
    pi = build.paymentIntent({ amount: 3000 });
    charge = build.charge({ amount: 3000, payment_intent: pi.id });
    w.t.fake.put(w.account, pi, charge);
    await w.send(ev('checkout.session.completed', build.checkoutSession({ amount_total: 3000, amount_subtotal: 3000, payment_intent: pi.id }), { account: w.account }));
  });
  afterEach(() => w.close());

  const assign = async () => {
    const [conversion] = await w.conversions();
    const res = await w.m.browser.submit(`/conversions/${conversion!.id}/assign`, { partner: 'jane' }, '/unattributed');
    await w.t.app.jobs.drain();
    return res;
  };
  const rows = async () => (await w.commissions()).map((r) => [r.key.split(':')[0], r.partnerId, r.amount, r.fee, r.net]);

  it('claws back a refund from before the assignment, once, through re-deliveries and a retried assignment', async () => {
    const r1 = build.refund({ charge: charge.id, payment_intent: pi.id, amount: 1000, created: 100 });
    w.t.fake.put(w.account, r1);
    const refunded = ev('charge.refunded', { ...charge, amount_refunded: 1000 }, { account: w.account });
    await w.send(refunded);
    expect(await w.commissions()).toEqual([]);

    expect((await assign()).status).toBe(303);
    expect(await rows()).toEqual([
      ['credit', w.jane.id, 600, 60, 540],
      ['refund', w.jane.id, -200, -20, -180], // round(600 × 1000 ÷ 3000)
    ]);

    // Stripe re-delivers the refund event; the merchant submits the assignment again; a second refund follows.
    await w.send(refunded, ev('refund.updated', r1, { account: w.account }));
    const again = await w.m.browser.submit(`/conversions/${(await w.conversions())[0]!.id}/assign`, { partner: 'jane' }, '/unattributed');
    expect([again.status, again.headers.location]).toEqual([303, expect.stringMatching(/^\/commissions\/com_/)]);
    const r2 = build.refund({ charge: charge.id, payment_intent: pi.id, amount: 700, created: 200 });
    w.t.fake.put(w.account, r2);
    await w.send(ev('charge.refunded', { ...charge, amount_refunded: 1700 }, { account: w.account }));
    const ledger = await w.commissions();
    expect(ledger.map((r) => [r.key.startsWith('credit:') ? 'credit' : r.key, r.amount, r.fee, r.net]).sort()).toEqual(
      [
        ['credit', 600, 60, 540],
        [`refund:${r1.id}`, -200, -20, -180],
        [`refund:${r2.id}`, -140, -14, -126], // round(600 × 1700 ÷ 3000) − 200
      ].sort(),
    );
    expect(ledger).toHaveLength(3);
    expect(sumOf(ledger)).toEqual([260, 26, 234]);
    await expectLedgerConsistent(w.t.db, { now: w.t.clock.now() });
  });

  it('reverses what a lost dispute took, after a partial refund, exactly as on an attributed sale', async () => {
    w.t.fake.put(w.account, build.refund({ charge: charge.id, payment_intent: pi.id, amount: 1000, created: 100 }));
    await w.send(ev('charge.refunded', { ...charge, amount_refunded: 1000 }, { account: w.account }));
    const dispute = build.dispute({ id: 'dp_late', charge: charge.id, payment_intent: pi.id, amount: 2000, status: 'lost' });
    w.t.fake.put(w.account, dispute);
    await w.send(ev('charge.dispute.created', { ...dispute, status: 'needs_response' }, { account: w.account }), ev('charge.dispute.closed', dispute, { account: w.account }));
    expect(await w.commissions()).toEqual([]);

    await assign();
    const ledger = await w.commissions();
    expect(ledger.map((r) => [r.key.split(':')[0], r.amount, r.fee, r.net]).sort()).toEqual([
      ['credit', 600, 60, 540],
      ['dispute', -400, -40, -360],
      ['refund', -200, -20, -180],
    ]);
    await w.send(ev('charge.dispute.closed', dispute, { account: w.account }));
    expect(await w.commissions()).toHaveLength(3);
    expect(sumOf(await w.commissions())).toEqual([0, 0, 0]);
    await expectLedgerConsistent(w.t.db, { now: w.t.clock.now() });
  });
});

describe('assigning an API sale refunded before it had a partner', () => {
  let t: TestApp;
  let p: ApiProgram;
  beforeEach(async () => {
    t = await buildTestApp();
    p = await apiProgram(t);
    await p.settings({ platformFeeBps: 1250 });
  });
  afterEach(() => t.close());

  const assign = async (conversionId: string) => p.m.browser.submit(`/conversions/${conversionId}/assign`, { partner: 'jane' }, '/unattributed');
  const rows = async () => (await ledgerRows(t, p.m.merchantId)).map((r) => [r.kind, r.ledgerKey, r.partnerId, r.amount, r.fee, r.net]);

  it('claws back the earlier API refunds from the new credit with the cumulative rule, once', async () => {
    // 10,001 at 20% = round(2000.2) = 2000, fee 12.5% = 250.
    const sale = await p.live.post('/api/v1/track/sale', { customerExternalId: 'walk_in', amount: 10_001, invoiceId: 'ord_1' });
    expect(sale.body.commission).toBeNull();
    const a = await p.live.post('/api/v1/track/refund', { invoiceId: 'ord_1', amount: 3333, refundId: 'rf_a' });
    const b = await p.live.post('/api/v1/track/refund', { invoiceId: 'ord_1', amount: 1000, refundId: 'rf_b' });
    expect([a.body.reversal, b.body.reversal]).toEqual([null, null]);

    expect((await assign(sale.body.conversionId)).status).toBe(303);
    const credit = `credit:${sale.body.conversionId}`;
    expect(await rows()).toEqual([
      ['credit', credit, p.jane.id, 2000, 250, 1750],
      ['reversal', 'api-refund:id:rf_a', p.jane.id, -667, -83, -584], // round(2000 × 3333 ÷ 10001), round(250 × 3333 ÷ 10001)
      ['reversal', 'api-refund:id:rf_b', p.jane.id, -200, -25, -175], // round(2000 × 4333 ÷ 10001) − 667
    ]);

    // The caller retries a refund, the merchant submits the assignment again, then the rest is refunded.
    const retried = await p.live.post('/api/v1/track/refund', { invoiceId: 'ord_1', amount: 3333, refundId: 'rf_a' });
    expect(retried.status).toBe(200);
    expect(retried.body.reversal).toMatchObject({ affiliateId: p.jane.id, commission: 667, platformFee: 83, netCommission: 584 });
    expect((await assign(sale.body.conversionId)).status).toBe(303);
    const rest = await p.live.post('/api/v1/track/refund', { invoiceId: 'ord_1', amount: 5668, refundId: 'rf_c' });
    expect(rest.body).toMatchObject({ remaining: 0, reversal: { commission: 1133, platformFee: 142, netCommission: 991 } });
    const ledger = await ledgerRows(t, p.m.merchantId);
    expect(ledger).toHaveLength(4);
    expect(sumOf(ledger)).toEqual([0, 0, 0]);
    await expectLedgerConsistent(t.db, { now: t.clock.now() });
  });

  it('claws back each refund exactly once when refunds arrive while the sale is being assigned', async () => {
    const sale = await p.live.post('/api/v1/track/sale', { customerExternalId: 'walk_in', amount: 10_001, invoiceId: 'ord_2' });
    await p.live.post('/api/v1/track/refund', { invoiceId: 'ord_2', amount: 1000, refundId: 'rf_0' });
    const [assigned, ...refunds] = await Promise.all([
      assign(sale.body.conversionId),
      ...[1, 2, 3].map((i) => p.live.post('/api/v1/track/refund', { invoiceId: 'ord_2', amount: 2000, refundId: `rf_${i}` })),
    ]);
    expect([assigned!.status, ...refunds.map((r) => r.status)]).toEqual([303, 200, 200, 200]);
    const ledger = await ledgerRows(t, p.m.merchantId);
    expect(ledger.filter((r) => r.kind === 'reversal').map((r) => r.ledgerKey).sort()).toEqual(['api-refund:id:rf_0', 'api-refund:id:rf_1', 'api-refund:id:rf_2', 'api-refund:id:rf_3']);
    // 7,000 of 10,001 refunded: round(2000 × 7000 ÷ 10001) = 1400 and round(250 × 7000 ÷ 10001) = 175 taken back.
    expect(sumOf(ledger)).toEqual([600, 75, 525]);
    const unlinked = await t.db.kysely.selectFrom('apiRefunds').select('refundId').where('reversalId', 'is', null).execute();
    expect(unlinked).toEqual([]);
    await expectLedgerConsistent(t.db, { now: t.clock.now() });
  });

  it('claws back earlier refunds when a later sale’s click credits the customer’s waiting sale', async () => {
    await p.live.post('/api/v1/track/sale', { customerExternalId: 'u1', amount: 1000, invoiceId: 'early' });
    await p.live.post('/api/v1/track/refund', { invoiceId: 'early', amount: 1000, refundId: 'rf_all' });
    await p.live.post('/api/v1/track/sale', { customerExternalId: 'u1', amount: 3000, invoiceId: 'late', clickId: await p.click() });
    const ledger = await ledgerRows(t, p.m.merchantId);
    expect(ledger.map((r) => [r.kind, r.ledgerKey.startsWith('credit:') ? 'credit' : r.ledgerKey, r.amount, r.fee, r.net]).sort()).toEqual([
      ['credit', 'credit', 200, 25, 175],
      ['credit', 'credit', 600, 75, 525],
      ['reversal', 'api-refund:id:rf_all', -200, -25, -175],
    ]);
    await expectLedgerConsistent(t.db, { now: t.clock.now() });
  });
});
