import { build } from '../fake-stripe';
import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { buildPartner } from '../helpers/partners';

let w: LedgerWorld;
beforeEach(async () => {
  w = await ledgerWorld();
});
afterEach(() => w.close());

const ev = build.event;

describe('one-off Checkout purchase', () => {
  it('credits 20% of the tax-excluded total to the partner named in client_reference_id', async () => {
    const session = build.checkoutSession({ client_reference_id: 'jane', amount_total: 12000, total_details: { amount_discount: 0, amount_shipping: 500, amount_tax: 1000 } });
    await w.send(ev('checkout.session.completed', session, { account: w.account }));
    expect(await w.commissions()).toEqual([
      { kind: 'credit', key: expect.stringMatching(/^credit:cnv_/), partnerId: w.jane.id, amount: 2200, fee: 0, net: 2200, currency: 'usd', status: 'pending' },
    ]);
    const [conversion] = await w.conversions();
    expect(conversion).toMatchObject({ sourceKey: `pi:${session.payment_intent}`, kind: 'checkout', partnerId: w.jane.id, amount: 11000, amountPaid: 12000 });
    const credit = await w.t.db.kysely.selectFrom('commissions').selectAll().executeTakeFirstOrThrow();
    expect(credit.holdUntil).toBe('2026-12-25T12:00:00.000Z');
    expect(JSON.parse(credit.explanation).referral).toMatchObject({ value: 'jane', foundIn: 'session.client_reference_id' });
    // The payload carried everything: no Stripe call was needed.
    expect(w.t.fake.requestsTo(/^\/v1\//)).toHaveLength(0);
  });

  it('credits a session with invoice_creation once, whichever of it and its invoice.paid comes first', async () => {
    const inv = build.invoice({ amount_paid: 5000, total: 5000, total_excluding_tax: 5000 });
    const session = build.checkoutSession({ client_reference_id: 'jane', invoice: inv.id, invoice_creation: { enabled: true, invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null } } });
    await w.send(ev('invoice.paid', inv, { account: w.account }), ev('checkout.session.completed', session, { account: w.account }));
    const rows = await w.commissions();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ partnerId: w.jane.id, amount: 1000, status: 'pending' });
    expect((await w.conversions()).map((c) => c.sourceKey)).toEqual([`in:${inv.id}`]);
  });

  it('waits for checkout.session.async_payment_succeeded before crediting a delayed payment', async () => {
    const session = build.checkoutSession({ client_reference_id: 'jane', payment_status: 'unpaid' });
    await w.send(ev('checkout.session.completed', session, { account: w.account }));
    expect(await w.commissions()).toEqual([]);
    await w.send(ev('checkout.session.async_payment_succeeded', { ...session, payment_status: 'paid' }, { account: w.account }));
    expect((await w.commissions()).map((r) => r.amount)).toEqual([1000]);
  });
});

describe('subscriptions: the session binds, invoices earn', () => {
  it('credits the first invoice and three renewals to the bound partner, whatever later metadata says', async () => {
    const other = await buildPartner(w.t.db.kysely, w.m.merchantId, { code: 'other-partner' });
    const customer = build.customer();
    const sub = build.subscription({ customer: customer.id });
    const session = build.checkoutSession({ mode: 'subscription', customer: customer.id, subscription: sub.id, payment_intent: null, client_reference_id: 'jane' });
    await w.send(ev('checkout.session.completed', session, { account: w.account }));
    const invoices = [
      build.invoice({ customer: customer.id, subscription: sub.id, billing_reason: 'subscription_create' }),
      ...[1, 2, 3].map(() => build.invoice({ customer: customer.id, subscription: sub.id, billing_reason: 'subscription_cycle', subscriptionMetadata: { referral: 'other-partner' } })),
    ];
    for (const [i, inv] of invoices.entries()) {
      w.t.clock.advanceDays(i === 0 ? 0 : 30);
      await w.send(ev('invoice.paid', inv, { account: w.account }));
    }
    const rows = await w.commissions();
    expect(rows.map((r) => [r.partnerId, r.amount])).toEqual([
      [w.jane.id, 1000],
      [w.jane.id, 1000],
      [w.jane.id, 1000],
      [w.jane.id, 1000],
    ]);
    expect(rows.some((r) => r.partnerId === other.id)).toBe(false);
    const binding = await w.t.db.kysely.selectFrom('referralBindings').selectAll().executeTakeFirstOrThrow();
    expect(binding).toMatchObject({ customerKey: `stripe:${customer.id}`, partnerId: w.jane.id, referralValue: 'jane', foundIn: 'session.client_reference_id', source: 'stripe' });
  });

  it('attributes from the invoice’s subscription metadata snapshot alone, with no Stripe call', async () => {
    const inv = build.invoice({ subscription: 'sub_meta', subscriptionMetadata: { referral: 'jane' } });
    await w.send(ev('invoice.paid', inv, { account: w.account }));
    expect((await w.commissions()).map((r) => [r.partnerId, r.amount])).toEqual([[w.jane.id, 1000]]);
    expect(w.t.fake.requestsTo(/^\/v1\//)).toHaveLength(0);
  });

  it('finds the referral on the Stripe Customer, fetched as the connected account', async () => {
    const customer = build.customer({ metadata: { referral: 'jane' } });
    w.t.fake.put(w.account, customer);
    const inv = build.invoice({ customer: customer.id, subscription: 'sub_cust' });
    await w.send(ev('invoice.paid', inv, { account: w.account }));
    expect((await w.commissions()).map((r) => r.amount)).toEqual([1000]);
    const calls = w.t.fake.requestsTo(`/v1/customers/${customer.id}`);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.stripeAccount).toBe(w.account);
  });

  it('finds the referral on the PaymentIntent of a one-off purchase', async () => {
    const pi = build.paymentIntent({ metadata: { referral: 'jane' } });
    w.t.fake.put(w.account, pi);
    await w.send(ev('checkout.session.completed', build.checkoutSession({ payment_intent: pi.id }), { account: w.account }));
    expect((await w.commissions()).map((r) => r.amount)).toEqual([1000]);
  });

  it('credits a promotion code the merchant mapped to a partner', async () => {
    await w.t.db.kysely.insertInto('promotionCodes').values({ merchantId: w.m.merchantId, promotionCodeId: 'promo_jane10', code: 'JANE10', partnerId: w.jane.id, createdAt: '2026-11-25T00:00:00.000Z' }).execute();
    const session = build.checkoutSession({ discounts: [{ coupon: null, promotion_code: 'promo_jane10' }] });
    await w.send(ev('checkout.session.completed', session, { account: w.account }));
    expect((await w.commissions()).map((r) => [r.partnerId, r.amount])).toEqual([[w.jane.id, 1000]]);
  });

  it('keeps an invoice that arrives before its session as unattributed, then credits it when the session binds', async () => {
    const customer = build.customer();
    const inv = build.invoice({ customer: customer.id, subscription: 'sub_early' });
    await w.send(ev('invoice.paid', inv, { account: w.account }));
    expect(await w.commissions()).toEqual([]);
    expect((await w.conversions())[0]).toMatchObject({ partnerId: null, unattributedReason: 'no_referral_value' });

    const session = build.checkoutSession({ mode: 'subscription', customer: customer.id, subscription: 'sub_early', payment_intent: null, client_reference_id: 'jane' });
    await w.send(ev('checkout.session.completed', session, { account: w.account }));
    expect((await w.commissions()).map((r) => [r.partnerId, r.amount])).toEqual([[w.jane.id, 1000]]);
    expect((await w.conversions())[0]).toMatchObject({ partnerId: w.jane.id, unattributedReason: null });
  });

  it('finds the subscription’s Checkout Session when the invoice comes first and the session is already in Stripe', async () => {
    const session = build.checkoutSession({ mode: 'subscription', customer: 'cus_list', subscription: 'sub_list', payment_intent: null, client_reference_id: 'jane' });
    w.t.fake.put(w.account, session);
    await w.send(ev('invoice.paid', build.invoice({ customer: 'cus_list', subscription: 'sub_list' }), { account: w.account }));
    expect((await w.commissions()).map((r) => r.amount)).toEqual([1000]);
    expect(w.t.fake.requestsTo('/v1/checkout/sessions')[0]!.query).toMatchObject({ subscription: 'sub_list' });
  });

  it('still credits a renewal whose metadata snapshot holds an expired click, through the binding', async () => {
    const click = { id: 'clk_old', merchantId: w.m.merchantId, partnerId: w.jane.id, linkId: null, createdAt: '2026-11-20T00:00:00.000Z', repeatSince: '2026-11-20T00:00:00.000Z', expiresAt: '2027-01-19T00:00:00.000Z', referrer: null, userAgent: null, ipHash: null, landingUrl: null, isBot: 0, earning: 1, notEarningReason: null, source: 'link' as const };
    await w.t.db.kysely.insertInto('clicks').values(click).execute();
    await w.send(ev('invoice.paid', build.invoice({ customer: 'cus_clk', subscription: 'sub_clk', subscriptionMetadata: { referral: 'clk_old' } }), { account: w.account }));
    w.t.clock.advanceDays(365);
    await w.send(ev('invoice.paid', build.invoice({ customer: 'cus_clk', subscription: 'sub_clk', billing_reason: 'subscription_cycle', subscriptionMetadata: { referral: 'clk_old' } }), { account: w.account }));
    expect((await w.commissions()).map((r) => [r.partnerId, r.amount])).toEqual([
      [w.jane.id, 1000],
      [w.jane.id, 1000],
    ]);
  });

  it('records an expired click on an unbound customer as unattributed, with the reason', async () => {
    await w.t.db.kysely
      .insertInto('clicks')
      .values({ id: 'clk_stale', merchantId: w.m.merchantId, partnerId: w.jane.id, linkId: null, createdAt: '2026-08-01T00:00:00.000Z', repeatSince: '2026-08-01T00:00:00.000Z', expiresAt: '2026-09-30T00:00:00.000Z', referrer: null, userAgent: null, ipHash: null, landingUrl: null, isBot: 0, earning: 1, notEarningReason: null, source: 'link' })
      .execute();
    const pi = build.paymentIntent();
    w.t.fake.put(w.account, pi);
    await w.send(ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'clk_stale', payment_intent: pi.id }), { account: w.account }));
    expect(await w.commissions()).toEqual([]);
    expect((await w.conversions())[0]).toMatchObject({ partnerId: null, unattributedReason: 'expired_click' });
  });
});

describe('delivery: duplicates, replays, shuffles', () => {
  it('ends with the same ledger however often and in whatever order the events arrive', async () => {
    const customer = build.customer();
    const session = build.checkoutSession({ mode: 'subscription', customer: customer.id, subscription: 'sub_dup', payment_intent: null, client_reference_id: 'jane' });
    const events = [
      ev('checkout.session.completed', session, { account: w.account }),
      ev('invoice.paid', build.invoice({ customer: customer.id, subscription: 'sub_dup', amount_paid: 3000, total: 3000, total_excluding_tax: 3000 }), { account: w.account }),
      ev('invoice.paid', build.invoice({ customer: customer.id, subscription: 'sub_dup', billing_reason: 'subscription_cycle', amount_paid: 3000, total: 3000, total_excluding_tax: 3000 }), { account: w.account }),
      ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'jane', amount_total: 999 }), { account: w.account }),
    ];
    await w.send(events[3]!, events[2]!, events[1]!, events[0]!, events[2]!, events[1]!, events[3]!, events[0]!);
    const first = await w.commissions();
    expect(first.map((r) => r.amount).sort()).toEqual([200, 600, 600]);
    // Re-run every stored event (as a merchant would from the events page): nothing changes.
    await w.t.db.kysely.updateTable('stripeEvents').set({ status: 'pending', nextAttemptAt: null }).execute();
    w.t.app.jobs.kick('stripe-events');
    await w.t.app.jobs.drain();
    expect(await w.commissions()).toEqual(first);
  });
});
