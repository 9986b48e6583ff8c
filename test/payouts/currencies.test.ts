import { build } from '../fake-stripe';
import { DAY, payoutWorld, type PayoutWorld } from '../helpers/payouts';
import { apiAs, createApiKey } from '../helpers/api';

let w: PayoutWorld;
beforeEach(async () => {
  w = await payoutWorld();
  await w.setProgram({ minPayout: 1000 });
});
afterEach(() => w.close());

const ev = build.event;
const itemsOf = (payoutId: string) =>
  w.t.db.kysely.selectFrom('payoutItems').select(['originalAmount', 'originalCurrency', 'amount', 'currency', 'rate', 'rateSource', 'rateDate']).where('payoutId', '=', payoutId).orderBy('amount', 'desc').execute();
const payoutOf = (id: string) => w.t.db.kysely.selectFrom('payouts').select(['partnerId', 'amount', 'currency']).where('id', '=', id).executeTakeFirstOrThrow();

/** A paid Checkout sale in `currency` whose charge Stripe settled in `settledIn` at `exchangeRate`. */
async function foreignSale(amountTotal: number, currency: string, settledIn: string, exchangeRate: number | null) {
  const bt = build.balanceTransaction({ currency: settledIn, exchange_rate: exchangeRate, amount: Math.round(amountTotal * (exchangeRate ?? 1)) });
  const charge = build.charge({ amount: amountTotal, currency, balance_transaction: bt.id });
  const pi = build.paymentIntent({ amount: amountTotal, currency, latest_charge: charge.id });
  w.t.fake.put(w.account, bt, charge, { ...pi });
  const session = build.checkoutSession({ client_reference_id: 'jane', amount_total: amountTotal, amount_subtotal: amountTotal, currency, payment_intent: pi.id });
  await w.send(ev('checkout.session.completed', session, { account: w.account }));
  return { bt, pi };
}

// Program currency usd, 20% commission. €100.00 → commission €20.00 (2000 eur cents).
describe('a sale in another currency settled in the payout currency', () => {
  it('converts at the rate Stripe applied to the balance transaction, captured when the sale was processed', async () => {
    const { bt, pi } = await foreignSale(10_000, 'eur', 'usd', 1.0834);
    const calls = w.t.fake.requestsTo(`/v1/payment_intents/${pi.id}`);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ stripeAccount: w.account, query: { expand: ['latest_charge.balance_transaction'] } });
    expect(await w.t.db.kysely.selectFrom('saleExchangeRates').select(['fromCurrency', 'toCurrency', 'rate', 'balanceTransactionId', 'rateDate']).execute()).toEqual([
      { fromCurrency: 'eur', toCurrency: 'usd', rate: '1.0834', balanceTransactionId: bt.id, rateDate: '2026-11-25' },
    ]);
    // Balances stay in the commission's own currency.
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'eur', pending: 2000, onHold: 0, approved: 0, paid: 0, earned: 2000 }]);

    // Stripe is unreachable by payout time (the account disconnected): the captured rate is enough.
    w.t.fake.revoke(w.account);
    w.t.clock.advance(31 * DAY);
    const [payoutId] = await w.run();
    // 2000 × 1.0834 = 2166.8 → 2167, rounded once.
    expect(await payoutOf(payoutId!)).toEqual({ partnerId: w.jane.id, amount: 2167, currency: 'usd' });
    expect(await itemsOf(payoutId!)).toEqual([{ originalAmount: 2000, originalCurrency: 'eur', amount: 2167, currency: 'usd', rate: '1.0834', rateSource: 'stripe_balance_transaction', rateDate: '2026-11-25' }]);
  });

  it('captures the rate of a subscription invoice through its invoice payment', async () => {
    const bt = build.balanceTransaction({ currency: 'usd', exchange_rate: 1.27125, amount: 6356 });
    const charge = build.charge({ amount: 5000, currency: 'gbp', balance_transaction: bt.id });
    const pi = build.paymentIntent({ amount: 5000, currency: 'gbp', latest_charge: charge.id });
    const inv = build.invoice({ currency: 'gbp', subscription: 'sub_gbp', subscriptionMetadata: { referral: 'jane' } });
    w.t.fake.put(w.account, bt, charge, pi, build.invoicePayment({ invoice: inv.id, currency: 'gbp', payment: { type: 'payment_intent', payment_intent: pi.id } }));
    await w.send(ev('invoice.paid', inv, { account: w.account }));
    expect(w.t.fake.requestsTo('/v1/invoice_payments')[0]).toMatchObject({ stripeAccount: w.account, query: { invoice: inv.id } });
    expect(await w.t.db.kysely.selectFrom('saleExchangeRates').select(['fromCurrency', 'toCurrency', 'rate']).execute()).toEqual([{ fromCurrency: 'gbp', toCurrency: 'usd', rate: '1.27125' }]);
    w.t.clock.advance(31 * DAY);
    const [payoutId] = await w.run();
    // Commission £10.00 (1000) × 1.27125 = 1271.25 → 1271.
    expect(await payoutOf(payoutId!)).toEqual({ partnerId: w.jane.id, amount: 1271, currency: 'usd' });
  });

  it('makes no Stripe call for a sale in the payout currency', async () => {
    await w.sell(10_000);
    expect(w.t.fake.requestsTo(/^\/v1\//)).toHaveLength(0);
    expect(await w.t.db.kysely.selectFrom('saleExchangeRates').selectAll().execute()).toEqual([]);
  });
});

describe('a sale settled in a third currency', () => {
  it('needs a rate until the merchant enters one for its date, then converts at it exactly', async () => {
    // ¥50,000 settled in EUR: Stripe's rate is JPY → EUR, not usable for a USD payout. Commission ¥10,000.
    await foreignSale(50_000, 'jpy', 'eur', 0.0061);
    expect(await w.t.db.kysely.selectFrom('saleExchangeRates').selectAll().execute()).toEqual([]);
    w.t.clock.advance(31 * DAY);

    expect(await w.run()).toEqual([]);
    let page = await w.m.browser.agent.get('/payouts/rates?mode=test');
    expect(page.text).toContain('JPY → USD: 1 row, earliest sale 2026-11-25');
    const payoutsPage = await w.m.browser.agent.get('/payouts?mode=test');
    expect(payoutsPage.text).toContain('need');

    // A rate that starts the day after the sale does not apply to it.
    const later = await w.m.browser.submit('/payouts/rates', { mode: 'test', fromCurrency: 'JPY', toCurrency: 'usd', effectiveOn: '2026-11-26', rate: '0.0070' }, '/payouts/rates?mode=test');
    expect(later.status).toBe(303);
    expect(await w.run()).toEqual([]);

    const bad = await w.m.browser.submit('/payouts/rates', { mode: 'test', fromCurrency: 'jpy', toCurrency: 'usd', effectiveOn: '2026-11-25', rate: '1,5' }, '/payouts/rates?mode=test');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter the rate as a positive decimal number');

    w.t.clock.advance(60_000);
    const ok = await w.m.browser.submit('/payouts/rates', { mode: 'test', fromCurrency: 'jpy', toCurrency: 'usd', effectiveOn: '2026-11-01', rate: '0.006700' }, '/payouts/rates?mode=test');
    expect(ok.status).toBe(303);
    page = await w.m.browser.agent.get('/payouts/rates?mode=test');
    expect(page.text).toContain('Every payable commission has a known rate.');

    const [payoutId] = await w.run();
    // ¥10,000 × 0.0067 = $67.00: zero-decimal yen into two-decimal cents.
    expect(await payoutOf(payoutId!)).toEqual({ partnerId: w.jane.id, amount: 6700, currency: 'usd' });
    expect(await itemsOf(payoutId!)).toEqual([{ originalAmount: 10_000, originalCurrency: 'jpy', amount: 6700, currency: 'usd', rate: '0.0067', rateSource: 'merchant', rateDate: '2026-11-01' }]);
    const audit = await w.t.db.kysely.selectFrom('auditLog').select(['action', 'after']).where('action', 'like', 'exchange_rate%').orderBy('createdAt').orderBy('id').execute();
    expect(audit.map((a) => [a.action, JSON.parse(a.after!).rate])).toEqual([
      ['exchange_rate.set', '0.007'],
      ['exchange_rate.set', '0.0067'],
    ]);
  });

  it('pays what it can and keeps the rows without a rate for later', async () => {
    const usd = await w.sell(10_000);
    await foreignSale(10_000, 'gbp', 'gbp', null);
    w.t.clock.advance(31 * DAY);
    const [payoutId] = await w.run();
    expect(await payoutOf(payoutId!)).toEqual({ partnerId: w.jane.id, amount: 2000, currency: 'usd' });
    const rows = await w.t.db.kysely.selectFrom('commissions').select(['id', 'currency', 'payoutId']).where('partnerId', '=', w.jane.id).orderBy('currency').execute();
    expect(rows).toEqual([
      { id: expect.any(String), currency: 'gbp', payoutId: null },
      { id: usd.creditId, currency: 'usd', payoutId },
    ]);
    const page = await w.m.browser.agent.get('/payouts/rates?mode=test');
    expect(page.text).toContain('GBP → USD: 1 row');
  });
});

describe('exchange rates through the API', () => {
  it('sets rates with the page’s rules, audited as the key', async () => {
    const api = apiAs(w.t, await createApiKey(w.m, { mode: 'test' }));
    const created = await api.post('/api/v1/exchange-rates', { fromCurrency: 'EUR', toCurrency: 'usd', effectiveOn: '2026-11-01', rate: '1.083400' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^fx_/), fromCurrency: 'eur', toCurrency: 'usd', effectiveOn: '2026-11-01', rate: '1.0834', createdAt: '2026-11-25T12:00:00.000Z', updatedAt: '2026-11-25T12:00:00.000Z' });
    const bad = await api.post('/api/v1/exchange-rates', { fromCurrency: 'eur', toCurrency: 'eur', effectiveOn: '2026-11-01', rate: '1' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', param: 'toCurrency' });
    const page = await w.m.browser.agent.get('/payouts/rates?mode=test');
    expect(page.text).toContain('1.0834');
    const audit = await w.t.db.kysely.selectFrom('auditLog').select(['actor', 'action']).where('action', '=', 'exchange_rate.set').execute();
    expect(audit).toEqual([{ actor: expect.stringMatching(/^key_/), action: 'exchange_rate.set' }]);

    // The rate converts a sale that Stripe settled in another currency.
    await foreignSale(10_000, 'eur', 'eur', null);
    w.t.clock.advance(31 * DAY);
    const [payoutId] = await w.run();
    expect(await payoutOf(payoutId!)).toEqual({ partnerId: w.jane.id, amount: 2167, currency: 'usd' });
  });
});
