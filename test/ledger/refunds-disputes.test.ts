import type Stripe from 'stripe';
import { build } from '../fake-stripe';
import { ledgerWorld, netOwed, type LedgerWorld } from '../helpers/ledger';

let w: LedgerWorld;
let pi: Stripe.PaymentIntent;
let charge: Stripe.Charge;
const ev = build.event;

// A $30.00 one-off sale referred by Jane: commission 600 (20%), platform fee 10% → 60, Jane is owed 540.
beforeEach(async () => {
  w = await ledgerWorld();
  await w.t.db.kysely.updateTable('programSettings').set({ platformFeeBps: 1000 }).execute();
  pi = build.paymentIntent({ amount: 3000 });
  charge = build.charge({ amount: 3000, payment_intent: pi.id });
  w.t.fake.put(w.account, pi);
  w.t.fake.put(w.account, charge);
});
afterEach(() => w.close());

const sell = () => w.send(ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'jane', amount_total: 3000, payment_intent: pi.id }), { account: w.account }));
const refund = (amount: number, created: number, status: Stripe.Refund['status'] = 'succeeded') => build.refund({ charge: charge.id, payment_intent: pi.id, amount, created, status });
const reversals = async () => (await w.commissions()).filter((r) => r.kind === 'reversal').sort((a, b) => a.key.localeCompare(b.key));

describe('refunds', () => {
  it('claws back two partial refunds and then the rest so the parts sum to the commission exactly', async () => {
    await sell();
    const [r1, r2, r3] = [refund(1000, 100), refund(700, 200), refund(1300, 300)];
    w.t.fake.put(w.account, r1);
    await w.send(ev('charge.refunded', { ...charge, amount_refunded: 1000 }, { account: w.account }));
    w.t.fake.put(w.account, r2);
    await w.send(ev('charge.refunded', { ...charge, amount_refunded: 1700 }, { account: w.account }));
    w.t.fake.put(w.account, r3);
    await w.send(ev('charge.refunded', { ...charge, amount_refunded: 3000, refunded: true }, { account: w.account }));

    const byRefund = new Map((await reversals()).map((r) => [r.key, [r.amount, r.fee, r.net]]));
    expect(byRefund.get(`refund:${r1.id}`)).toEqual([-200, -20, -180]);
    expect(byRefund.get(`refund:${r2.id}`)).toEqual([-140, -14, -126]);
    expect(byRefund.get(`refund:${r3.id}`)).toEqual([-260, -26, -234]);
    const all = await w.commissions();
    expect(all.reduce((s, r) => s + r.amount, 0)).toBe(0);
    expect(all.reduce((s, r) => s + r.fee, 0)).toBe(0);
    expect(netOwed(all)).toBe(0);
  });

  it('gives the same rows when the refund events arrive in reverse order', async () => {
    await sell();
    const rs = [refund(1000, 100), refund(700, 200), refund(1300, 300)];
    w.t.fake.put(w.account, ...rs);
    for (const r of [...rs].reverse()) await w.send(ev('refund.created', r, { account: w.account }));
    const amounts = (await reversals()).map((r) => [r.key, r.amount]);
    expect(new Map(amounts as [string, number][])).toEqual(
      new Map([
        [`refund:${rs[0]!.id}`, -200],
        [`refund:${rs[1]!.id}`, -140],
        [`refund:${rs[2]!.id}`, -260],
      ]),
    );
  });

  it('reverses a clawback when the refund later fails', async () => {
    await sell();
    const r = refund(1500, 100);
    w.t.fake.put(w.account, r);
    await w.send(ev('refund.created', r, { account: w.account }));
    w.t.fake.put(w.account, { ...r, status: 'failed' });
    await w.send(ev('refund.updated', { ...r, status: 'failed' }, { account: w.account }));
    expect((await reversals()).map((x) => [x.key, x.amount, x.net])).toEqual([
      [`refund-undo:${r.id}`, 300, 270],
      [`refund:${r.id}`, -300, -270],
    ]);
    expect(netOwed(await w.commissions())).toBe(540);
  });

  it('claws back a pending refund only once it succeeds', async () => {
    await sell();
    const r = refund(3000, 100, 'pending');
    w.t.fake.put(w.account, r);
    await w.send(ev('refund.created', r, { account: w.account }));
    expect(await reversals()).toEqual([]);
    w.t.fake.put(w.account, { ...r, status: 'succeeded' });
    await w.send(ev('refund.updated', { ...r, status: 'succeeded' }, { account: w.account }));
    expect((await reversals()).map((x) => x.amount)).toEqual([-600]);
  });

  it('parks a refund seen before its sale and applies it when the sale arrives', async () => {
    const r = refund(1000, 100);
    w.t.fake.put(w.account, r);
    const early = ev('charge.refunded', { ...charge, amount_refunded: 1000 }, { account: w.account });
    await w.send(early);
    expect(await w.commissions()).toEqual([]);
    expect(await w.t.db.kysely.selectFrom('parkedEvents').select('eventId').execute()).toEqual([{ eventId: early.id }]);
    await sell();
    expect((await reversals()).map((x) => x.amount)).toEqual([-200]);
    expect(await w.t.db.kysely.selectFrom('parkedEvents').select('eventId').execute()).toEqual([]);
  });

  it('finds an invoice payment’s commission through invoicePayments.list', async () => {
    const inv = build.invoice({ customer: 'cus_inv', subscription: 'sub_inv', subscriptionMetadata: { referral: 'jane' }, amount_paid: 3000, total: 3000, total_excluding_tax: 3000 });
    w.t.fake.put(w.account, inv);
    w.t.fake.put(w.account, build.invoicePayment({ invoice: inv.id, payment: { type: 'payment_intent', payment_intent: pi.id } }));
    await w.send(ev('invoice.paid', inv, { account: w.account }));
    w.t.fake.put(w.account, refund(3000, 100));
    await w.send(ev('charge.refunded', { ...charge, amount_refunded: 3000, refunded: true }, { account: w.account }));
    expect((await reversals()).map((x) => x.amount)).toEqual([-600]);
    // The PaymentIntent is remembered: a second refund event needs no invoicePayments call.
    w.t.fake.clearRequests();
    await w.send(ev('charge.refunded', { ...charge, amount_refunded: 3000, refunded: true }, { account: w.account }));
    expect(w.t.fake.requestsTo('/v1/invoice_payments')).toHaveLength(0);
  });
});

describe('disputes', () => {
  const dispute = (status: Stripe.Dispute['status']) => build.dispute({ id: 'dp_1', charge: charge.id, payment_intent: pi.id, amount: 3000, status });
  const creditStatus = async () => (await w.t.db.kysely.selectFrom('commissions').select('status').where('kind', '=', 'credit').executeTakeFirstOrThrow()).status;

  it('holds the commission while open and reverses all of it when lost', async () => {
    await sell();
    await w.send(ev('charge.dispute.created', dispute('needs_response'), { account: w.account }));
    expect(await creditStatus()).toBe('on_hold');
    await w.send(ev('charge.dispute.closed', dispute('lost'), { account: w.account }));
    expect(await creditStatus()).toBe('pending');
    expect((await reversals()).map((x) => [x.key, x.amount, x.fee, x.net, x.status])).toEqual([['dispute:dp_1', -600, -60, -540, 'pending']]);
  });

  it('restores the status it had before the hold when won', async () => {
    await sell();
    await w.t.db.kysely.updateTable('commissions').set({ status: 'approved' }).execute();
    await w.send(ev('charge.dispute.created', dispute('needs_response'), { account: w.account }));
    expect(await creditStatus()).toBe('on_hold');
    await w.send(ev('charge.dispute.closed', dispute('won'), { account: w.account }));
    expect(await creditStatus()).toBe('approved');
    expect(await reversals()).toEqual([]);
    const history = await w.t.db.kysely.selectFrom('commissionStatusChanges').select(['fromStatus', 'toStatus']).execute();
    expect(history.sort((a, b) => a.toStatus.localeCompare(b.toStatus))).toEqual([
      { fromStatus: 'on_hold', toStatus: 'approved' },
      { fromStatus: 'approved', toStatus: 'on_hold' },
    ]);
  });

  it('reverses only what is left when lost after a partial refund', async () => {
    await sell();
    w.t.fake.put(w.account, refund(1000, 100));
    await w.send(ev('charge.refunded', { ...charge, amount_refunded: 1000 }, { account: w.account }));
    await w.send(ev('charge.dispute.created', dispute('needs_response'), { account: w.account }), ev('charge.dispute.closed', dispute('lost'), { account: w.account }));
    const rows = await reversals();
    expect(rows.map((x) => [x.key.split(':')[0], x.amount])).toEqual([
      ['dispute', -400],
      ['refund', -200],
    ]);
    expect((await w.commissions()).reduce((s, r) => s + r.amount, 0)).toBe(0);
  });

  it('adds a negative approved row when a paid commission’s dispute is lost', async () => {
    await sell();
    await w.t.db.kysely.updateTable('commissions').set({ status: 'paid' }).execute();
    await w.send(ev('charge.dispute.created', dispute('needs_response'), { account: w.account }));
    expect(await creditStatus()).toBe('paid');
    await w.send(ev('charge.dispute.closed', dispute('lost'), { account: w.account }));
    expect((await reversals()).map((x) => [x.amount, x.status])).toEqual([[-600, 'approved']]);
  });
});
