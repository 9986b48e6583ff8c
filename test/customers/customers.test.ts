import type Stripe from 'stripe';
import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { buildPartner } from '../helpers/partners';
import { parseCsv, sell, tableRows } from '../helpers/dashboard';
import { build } from '../fake-stripe';
import { monthly, subscriptionMrr } from '../../server/customers/mrr';
import type { Partner } from '../../db/tables/partners';

let w: LedgerWorld;
let bob: Partner;

const recurring = (interval: 'month' | 'year', unitAmount: number | null) =>
  build.price({
    unit_amount: unitAmount,
    billing_scheme: unitAmount === null ? 'tiered' : 'per_unit',
    recurring: { interval, interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' },
  });

/** A subscription of `customer` as Stripe keeps it, delivered as customer.subscription.created. */
async function subscribe(customer: string, id: string, o: { status: Stripe.Subscription.Status; price: Stripe.Price; quantity?: number; canceledAt?: string }) {
  const item = build.subscriptionItem({ subscription: id, price: o.price, quantity: o.quantity ?? 1 });
  const sub = build.subscription({
    id,
    customer,
    status: o.status,
    canceled_at: o.canceledAt ? Date.parse(o.canceledAt) / 1000 : null,
    items: { object: 'list', data: [item], has_more: false, url: `/v1/subscription_items?subscription=${id}` },
  });
  w.t.fake.put(w.account, sub);
  await w.send(build.event('customer.subscription.created', sub, { account: w.account }));
}

beforeAll(async () => {
  w = await ledgerWorld();
  bob = await buildPartner(w.t.db.kysely, w.m.merchantId, { name: 'Bob', email: 'bob@partners.test', code: 'bob' });
  const at = (day: string) => w.t.clock.set(`2026-11-${day}T10:00:00Z`);
  at('01');
  await sell(w, w.jane, 1_000, 'usd', 'cus_c6', 'six@example.com');
  await subscribe('cus_c6', 'sub_c6', { status: 'canceled', price: recurring('month', 1_000), canceledAt: '2026-10-01T00:00:00Z' });
  at('05');
  await sell(w, w.jane, 1_000, 'usd', 'cus_c1', 'one@example.com');
  await subscribe('cus_c1', 'sub_c1', { status: 'active', price: recurring('month', 5_000), quantity: 2 });
  at('06');
  await sell(w, w.jane, 1_000, 'usd', 'cus_c2', 'two@example.com');
  await subscribe('cus_c2', 'sub_c2', { status: 'active', price: recurring('year', 99_000) });
  at('07');
  await sell(w, bob, 1_000, 'usd', 'cus_c3', 'three@example.com');
  await subscribe('cus_c3', 'sub_c3', { status: 'trialing', price: recurring('month', 2_000) });
  at('08');
  // Bound by its first invoice; a tiered price has no unit amount, so its MRR is that invoice.
  await w.send(build.event('invoice.paid', build.invoice({ customer: 'cus_c4', customer_email: 'four@example.com', subscription: 'sub_c4', subscriptionMetadata: { referral: 'bob' }, amount_paid: 3_000, total: 3_000, total_excluding_tax: 3_000 }), { account: w.account }));
  await subscribe('cus_c4', 'sub_c4', { status: 'past_due', price: recurring('month', null) });
  at('09');
  await sell(w, w.jane, 1_000, 'usd', 'cus_c5', 'five@example.com');
  await subscribe('cus_c5', 'sub_c5', { status: 'canceled', price: recurring('month', 4_000), canceledAt: '2026-11-20T08:00:00Z' });
  at('10');
  await sell(w, w.jane, 1_000, 'usd', 'cus_c7', 'seven@example.com');
  w.t.clock.set('2026-11-25T12:00:00Z');
});
afterAll(() => w.close());

describe('referred customers', () => {
  it('sums subscription states, churn in the period and MRR per partner', async () => {
    const page = await w.m.browser.agent.get('/customers');
    expect(page.status).toBe(200);
    expect(tableRows(page.text, 'per-partner')).toEqual([
      ['Partner', 'Customers', 'Active', 'Trialing', 'Past due', 'Churned', 'MRR'],
      // $50.00 × 2 monthly + $990.00 yearly ÷ 12 = $100.00 + $82.50.
      ['Jane Smith', '5', '2', '0', '0', '1', '$182.50'],
      // The past-due subscription's tiered price gives no amount: its last paid invoice stands in (marked *).
      ['Bob', '2', '0', '1', '1', '0', '$30.00*'],
      ['All partners', '7', '2', '1', '1', '1', '$212.50*'],
    ]);
    const older = await w.m.browser.agent.get('/customers?period=custom&from=2026-09-01&to=2026-10-31');
    expect(tableRows(older.text, 'per-partner')[1]).toEqual(['Jane Smith', '5', '2', '0', '0', '1', '$182.50']);
    const none = await w.m.browser.agent.get('/customers?period=7');
    expect(tableRows(none.text, 'per-partner')[1]![5]).toBe('1');
    const weekBefore = await w.m.browser.agent.get('/customers?period=custom&from=2026-11-01&to=2026-11-19');
    expect(tableRows(weekBefore.text, 'per-partner')[1]![5]).toBe('0');
  });

  it('lists each customer with its subscription state, filterable, newest first', async () => {
    const page = await w.m.browser.agent.get('/customers');
    expect(tableRows(page.text, 'customers').map((r) => [r[0], r[1], r[2]])).toEqual([
      ['Customer', 'Partner', 'Subscription'],
      ['seven@example.com cus_c7', 'Jane Smith', 'no subscription'],
      ['five@example.com cus_c5', 'Jane Smith', 'canceled'],
      ['four@example.com cus_c4', 'Bob', 'past due'],
      ['three@example.com cus_c3', 'Bob', 'trialing'],
      ['two@example.com cus_c2', 'Jane Smith', 'active'],
      ['one@example.com cus_c1', 'Jane Smith', 'active'],
      ['six@example.com cus_c6', 'Jane Smith', 'canceled'],
    ]);
    const pastDue = await w.m.browser.agent.get('/customers?state=past_due');
    expect(tableRows(pastDue.text, 'customers').slice(1).map((r) => r[0])).toEqual(['four@example.com cus_c4']);
    const bobs = await w.m.browser.agent.get(`/customers?partner=${bob.id}`);
    expect(tableRows(bobs.text, 'customers').slice(1).map((r) => r[0])).toEqual(['four@example.com cus_c4', 'three@example.com cus_c3']);
    const live = await w.m.browser.agent.get('/customers?mode=live');
    expect(live.text).toContain('No referred customers yet.');
  });

  it('exports the same rows as CSV', async () => {
    const [page, file] = await Promise.all([w.m.browser.agent.get('/customers?state=canceled'), w.m.browser.agent.get('/customers.csv?state=canceled')]);
    const rows = parseCsv(file.text);
    expect(rows.map((r) => [`${r.email} ${r.customer}`, r.partner, r.state])).toEqual(tableRows(page.text, 'customers').slice(1).map((r) => [r[0], r[1], r[2]]));
    expect(rows.map((r) => r.subscriptions)).toEqual(['sub_c5:canceled', 'sub_c6:canceled']);
  });
});

describe('monthly recurring revenue of one subscription', () => {
  it('normalises intervals to a month, rounding half away from zero once per item', () => {
    expect(monthly(99_000, 'year', 1)).toBe(8_250);
    expect(monthly(1_000, 'week', 1)).toBe(4_333);
    expect(monthly(100, 'day', 1)).toBe(3_042);
    expect(monthly(6_000, 'month', 3)).toBe(2_000);
    expect(monthly(1, 'year', 1)).toBe(0);
    expect(monthly(6, 'year', 1)).toBe(1);
  });

  it('falls back to the last invoice when a price has no unit amount, and tells which it used', () => {
    const sub = build.subscription({ items: { object: 'list', data: [build.subscriptionItem({ subscription: 'sub_x', price: recurring('year', null) })], has_more: false, url: '' } });
    expect(subscriptionMrr(sub, { amount: 12_000, currency: 'usd' })).toEqual({ amount: 1_000, currency: 'usd', source: 'last_invoice' });
    expect(subscriptionMrr(sub)).toBeNull();
    expect(subscriptionMrr(build.subscription())).toEqual({ amount: 5_000, currency: 'usd', source: 'prices' });
  });
});
