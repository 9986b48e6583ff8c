import { build } from '../fake-stripe';
import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { buildPartner } from '../helpers/partners';
import { signUpMerchant } from '../helpers/app';
import { connectStripe } from '../helpers/stripe';

let w: LedgerWorld;
beforeEach(async () => {
  w = await ledgerWorld();
});
afterEach(() => w.close());

const ev = build.event;
const program = (values: Record<string, unknown>) => w.t.db.kysely.updateTable('programSettings').set(values).where('merchantId', '=', w.m.merchantId).execute();
const bindJane = (customer: string, sub: string) =>
  w.send(ev('checkout.session.completed', build.checkoutSession({ mode: 'subscription', customer, subscription: sub, payment_intent: null, amount_total: 0, payment_status: 'no_payment_required', client_reference_id: 'jane' }), { account: w.account }));
const renewal = (customer: string, sub: string, o: Parameters<typeof build.invoice>[0] = {}) =>
  ev('invoice.paid', build.invoice({ customer, subscription: sub, billing_reason: 'subscription_cycle', ...o }), { account: w.account });

describe('zero amounts: trials and 100% coupons', () => {
  it('binds on a $0 trial, credits nothing for it, and the first real payment is the first commission', async () => {
    await program({ durationType: 'first_payment' });
    await bindJane('cus_trial', 'sub_trial');
    await w.send(ev('invoice.paid', build.invoice({ customer: 'cus_trial', subscription: 'sub_trial', amount_paid: 0, total: 0, total_excluding_tax: 0, subtotal: 0 }), { account: w.account }));
    expect(await w.commissions()).toEqual([]);
    w.t.clock.advanceDays(14);
    await w.send(renewal('cus_trial', 'sub_trial'));
    w.t.clock.advanceDays(30);
    await w.send(renewal('cus_trial', 'sub_trial'));
    // (the first one's holding period has passed by now: it is approved)
    expect((await w.commissions()).map((r) => [r.amount, r.status])).toEqual([
      [1000, 'approved'],
      [0, 'rejected'],
    ]);
  });

  it('credits nothing for a one-off purchase with a 100% coupon', async () => {
    await w.send(ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'jane', amount_total: 0, payment_status: 'no_payment_required', total_details: { amount_discount: 5000, amount_shipping: 0, amount_tax: 0 } }), { account: w.account }));
    expect(await w.commissions()).toEqual([]);
  });
});

describe('bases: tax excluded, partial payments, currencies', () => {
  it('excludes tax on an invoice and scales a partial payment, rounding once', async () => {
    await bindJane('cus_tax', 'sub_tax');
    // total 11,900 incl. 1,900 tax; 5,000 paid: 10000 × 5000 × 2000 ÷ (11900 × 10000) = 840.34 → 840
    await w.send(renewal('cus_tax', 'sub_tax', { total: 11900, total_excluding_tax: 10000, amount_paid: 5000, amount_remaining: 6900 }));
    expect((await w.commissions()).map((r) => r.amount)).toEqual([840]);
    const [conversion] = await w.conversions();
    expect(conversion).toMatchObject({ amount: 4202, amountPaid: 5000 });
  });

  it('ignores the part of an invoice paid out of band', async () => {
    await bindJane('cus_oob', 'sub_oob');
    await w.send(renewal('cus_oob', 'sub_oob', { amount_paid: 5000, amount_paid_off_stripe: 5000 }));
    expect(await w.commissions()).toEqual([]);
  });

  it('computes zero-decimal JPY and three-decimal KWD in their own minor units', async () => {
    await w.send(ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'jane', currency: 'jpy', amount_total: 1234 }), { account: w.account }));
    await w.send(ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'jane', currency: 'kwd', amount_total: 12345 }), { account: w.account }));
    const rows = await w.commissions();
    expect(rows.map((r) => [r.currency, r.amount]).sort()).toEqual([
      ['jpy', 247],
      ['kwd', 2469],
    ]);
  });
});

describe('rates: platform fee, partner override, flat commissions', () => {
  it('takes the platform fee from each commission and owes the partner the rest', async () => {
    await program({ platformFeeBps: 250 });
    await w.send(ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'jane', amount_total: 9999 }), { account: w.account }));
    // 20% of 99.99 = 20.00 (1999.8 → 2000); 2.5% fee = 50; net 1950
    expect((await w.commissions()).map((r) => [r.amount, r.fee, r.net])).toEqual([[2000, 50, 1950]]);
  });

  it('uses the partner’s override instead of the program rate, and keeps the rule on the row', async () => {
    const vip = await buildPartner(w.t.db.kysely, w.m.merchantId, { code: 'vip', commissionOverride: { type: 'percent', value: 3550 } });
    await w.send(ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'vip', amount_total: 10000 }), { account: w.account }));
    const row = await w.t.db.kysely.selectFrom('commissions').selectAll().where('partnerId', '=', vip.id).executeTakeFirstOrThrow();
    expect([row.amount, JSON.parse(row.rule)]).toEqual([3550, { type: 'percent', bps: 3550 }]);
    // Later settings changes are not retroactive.
    await program({ commissionValue: 1000 });
    expect((await w.t.db.kysely.selectFrom('commissions').select('amount').executeTakeFirstOrThrow()).amount).toBe(3550);
  });

  it('pays a flat amount per sale in the program currency', async () => {
    await program({ commissionType: 'flat', commissionValue: 1500, currency: 'eur' });
    await w.send(ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'jane', amount_total: 99900, currency: 'usd' }), { account: w.account }));
    expect((await w.commissions()).map((r) => [r.amount, r.currency])).toEqual([[1500, 'eur']]);
  });
});

describe('durations, counted per binding', () => {
  it('3 months from the first commissioned period start: in at a second before, out at the boundary', async () => {
    await program({ durationType: 'months', durationValue: 3 });
    await bindJane('cus_3m', 'sub_3m');
    const start = Date.UTC(2026, 0, 31) / 1000; // Jan 31 → boundary Apr 30 00:00 UTC
    const line = (s: number) => ({ period_start: s, lines: undefined });
    const inv = (periodStart: number) =>
      build.invoice({ customer: 'cus_3m', subscription: 'sub_3m', billing_reason: 'subscription_cycle', period_start: periodStart, status_transitions: { finalized_at: periodStart, marked_uncollectible_at: null, paid_at: periodStart, voided_at: null } });
    const first = inv(start);
    first.lines.data[0]!.period = { start, end: start };
    const inside = inv(Date.UTC(2026, 3, 29, 23, 59, 59) / 1000);
    inside.lines.data[0]!.period = { start: Date.UTC(2026, 3, 29, 23, 59, 59) / 1000, end: 0 };
    const boundary = inv(Date.UTC(2026, 3, 30) / 1000);
    boundary.lines.data[0]!.period = { start: Date.UTC(2026, 3, 30) / 1000, end: 0 };
    void line;
    await w.send(...[first, inside, boundary].map((i) => ev('invoice.paid', i, { account: w.account })));
    const byStart = await w.t.db.kysely
      .selectFrom('commissions')
      .innerJoin('conversions', 'conversions.id', 'commissions.conversionId')
      .select(['conversions.periodStart', 'commissions.amount', 'commissions.status'])
      .orderBy('conversions.periodStart')
      .execute();
    expect(byStart.map((r) => [r.periodStart!.slice(0, 19), r.amount, r.status])).toEqual([
      ['2026-01-31T00:00:00', 1000, 'approved'],
      ['2026-04-29T23:59:59', 1000, 'approved'],
      ['2026-04-30T00:00:00', 0, 'rejected'],
    ]);
  });

  it('N invoices: the first two paid invoices earn, the third is recorded with zero and the reason', async () => {
    await program({ durationType: 'invoices', durationValue: 2 });
    await bindJane('cus_2i', 'sub_2i');
    for (let i = 0; i < 3; i++) {
      w.t.clock.advanceDays(30);
      await w.send(renewal('cus_2i', 'sub_2i'));
    }
    const rows = await w.t.db.kysely.selectFrom('commissions').select(['amount', 'status', 'statusReason', 'occurredAt']).orderBy('occurredAt').execute();
    expect(rows.map((r) => [r.amount, r.status === 'rejected'])).toEqual([
      [1000, false],
      [1000, false],
      [0, true],
    ]);
    expect(rows[2]!.statusReason).toBe('The program pays on the first 2 payments; this is payment 3.');
  });
});

describe('who does not earn', () => {
  it('records sales of a paused partner as rejected with the reason', async () => {
    await buildPartner(w.t.db.kysely, w.m.merchantId, { code: 'paused-pat', status: 'paused' });
    await w.send(ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'paused-pat' }), { account: w.account }));
    const row = await w.t.db.kysely.selectFrom('commissions').select(['amount', 'status', 'statusReason']).executeTakeFirstOrThrow();
    expect(row).toEqual({ amount: 1000, status: 'rejected', statusReason: 'Partner is paused.' });
  });

  it('rejects a self-referral (customer email is the partner’s)', async () => {
    await w.send(
      ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'jane', customer_details: { address: null, business_name: null, email: 'JANE@partners.test', individual_name: null, name: 'Jane', phone: null, tax_exempt: 'none', tax_ids: [] } }), { account: w.account }),
    );
    expect((await w.commissions()).map((r) => r.status)).toEqual(['rejected']);
  });

  it('never credits a referral value from another merchant’s program', async () => {
    const other = await signUpMerchant(w.t);
    const theirs = await buildPartner(w.t.db.kysely, other.merchantId, { code: 'their-star' });
    for (const value of ['their-star', theirs.id]) {
      const pi = build.paymentIntent();
      w.t.fake.put(w.account, pi);
      await w.send(ev('checkout.session.completed', build.checkoutSession({ client_reference_id: value, payment_intent: pi.id }), { account: w.account }));
    }
    expect(await w.t.db.kysely.selectFrom('commissions').selectAll().execute()).toEqual([]);
    expect((await w.conversions()).map((c) => c.unattributedReason)).toEqual(['other_merchant_code', 'other_merchant_code']);
  });
});

describe('modes and disconnects', () => {
  it('keeps a test-mode event on a live connection out of the ledger', async () => {
    const live = await signUpMerchant(w.t);
    const liveAccount = await connectStripe(w.t, live, { livemode: true });
    await buildPartner(w.t.db.kysely, live.merchantId, { code: 'live-partner' });
    const e = ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'live-partner' }), { account: liveAccount, livemode: false });
    await w.send(e);
    expect(await w.t.db.kysely.selectFrom('commissions').selectAll().where('merchantId', '=', live.merchantId).execute()).toEqual([]);
    const stored = await w.t.db.kysely.selectFrom('stripeEvents').select(['status', 'ignoredReason']).where('id', '=', e.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'ignored', ignoredReason: 'livemode_mismatch' });
  });

  it('after a disconnect: a retried event from before still earns, a payment after it does not', async () => {
    const before = ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'jane' }), { account: w.account, created: w.t.clock.now() });
    w.t.clock.advance(60_000);
    await w.send(ev('account.application.deauthorized', build.application(), { account: w.account }));
    w.t.clock.advance(60_000);
    const after = ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'jane' }), { account: w.account, created: w.t.clock.now() });
    await w.send(before, after);
    const rows = await w.t.db.kysely.selectFrom('commissions').select(['amount', 'status', 'statusReason', 'occurredAt']).orderBy('occurredAt').execute();
    expect(rows.map((r) => [r.amount, r.status, r.statusReason])).toEqual([
      [1000, 'pending', null],
      [1000, 'rejected', 'Paid after the Stripe account was disconnected.'],
    ]);
  });
});

describe('manual attribution', () => {
  it('assigns an unattributed sale by hand, binds the customer, and the renewal follows', async () => {
    await w.send(ev('invoice.paid', build.invoice({ customer: 'cus_manual', subscription: 'sub_manual' }), { account: w.account }));
    w.t.fake.put(w.account, build.customer({ id: 'cus_manual' }));
    const [conversion] = await w.conversions();
    expect(conversion!.partnerId).toBeNull();
    const page = await w.m.browser.agent.get('/unattributed');
    expect(page.text).toContain('No referral value');
    const res = await w.m.browser.submit(`/conversions/${conversion!.id}/assign`, { partner: 'jane' }, '/unattributed');
    expect(res.status).toBe(303);
    w.t.clock.advanceDays(30);
    await w.send(renewal('cus_manual', 'sub_manual'));
    expect((await w.commissions()).map((r) => [r.partnerId, r.amount])).toEqual([
      [w.jane.id, 1000],
      [w.jane.id, 1000],
    ]);
    const audit = await w.t.db.kysely.selectFrom('auditLog').select(['action', 'actor']).where('action', '=', 'conversion.assigned').execute();
    expect(audit).toEqual([{ action: 'conversion.assigned', actor: w.m.userId }]);
    const explain = await w.m.browser.agent.get(res.headers.location!);
    expect(explain.text).toContain('Assigned by hand');
  });

  it('re-binds a customer by hand: future payments earn for the new partner', async () => {
    const bob = await buildPartner(w.t.db.kysely, w.m.merchantId, { code: 'bob' });
    await bindJane('cus_rb', 'sub_rb');
    const binding = await w.t.db.kysely.selectFrom('referralBindings').select('id').executeTakeFirstOrThrow();
    const res = await w.m.browser.submit(`/customers/${binding.id}/rebind`, { partner: 'bob' }, '/commissions');
    expect(res.status).toBe(303);
    await w.send(renewal('cus_rb', 'sub_rb'));
    expect((await w.commissions()).map((r) => r.partnerId)).toEqual([bob.id]);
  });
});
