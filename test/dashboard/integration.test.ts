import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { build } from '../fake-stripe';
import { tableRows } from '../helpers/dashboard';

let w: LedgerWorld;
beforeEach(async () => {
  w = await ledgerWorld();
});
afterEach(() => w.close());

const ev = build.event;

describe('the integration check', () => {
  it('gives the share of recent paid sessions and invoices that carried a referral, and lists the others', async () => {
    const bound = build.customer({ id: 'cus_int_bound' });
    const stranger = build.customer({ id: 'cus_int_stranger' });
    w.t.fake.put(w.account, bound);
    w.t.fake.put(w.account, stranger);
    const withCode = build.checkoutSession({ id: 'cs_test_with', client_reference_id: 'jane', customer: bound.id, amount_total: 2_500 });
    const withoutCode = build.checkoutSession({ id: 'cs_test_without', customer: stranger.id, amount_total: 1_900, customer_details: { ...build.checkoutSession().customer_details!, email: 'nobody@example.com' } });
    const unpaid = build.checkoutSession({ id: 'cs_test_unpaid', payment_status: 'unpaid', client_reference_id: null });
    const renewalWith = build.invoice({ id: 'in_with', subscription: 'sub_int1', subscriptionMetadata: { referral: 'jane' } });
    // The customer is bound (first session), so this renewal is credited, but it carries no referral itself.
    const renewalWithout = build.invoice({ id: 'in_without', customer: bound.id, subscription: 'sub_int2', amount_paid: 3_000, total: 3_000, total_excluding_tax: 3_000 });
    const trial = build.invoice({ id: 'in_trial', subscription: 'sub_int3', amount_paid: 0, total: 0, total_excluding_tax: 0 });
    w.t.clock.set('2026-11-24T10:00:00Z');
    await w.send(...[withCode, withoutCode, unpaid].map((s) => ev('checkout.session.completed', s, { account: w.account })));
    w.t.clock.set('2026-11-24T11:00:00Z');
    await w.send(...[renewalWith, renewalWithout, trial].map((i) => ev('invoice.paid', i, { account: w.account })));
    // Older than 30 days: out of the check.
    await w.send(ev('checkout.session.completed', build.checkoutSession({ id: 'cs_test_old' }), { account: w.account, created: new Date('2026-10-01T00:00:00Z') }));
    w.t.clock.set('2026-11-25T12:00:00Z');

    const overview = await w.m.browser.agent.get('/dashboard');
    expect(overview.text).toContain('<strong data-share="50">50%</strong> of the paid Checkout Sessions and invoices of the last 30 days carried a referral value (2 of 4).');
    const page = await w.m.browser.agent.get('/dashboard/integration');
    expect(page.status).toBe(200);
    expect(tableRows(page.text, 'missing')).toEqual([
      ['When', 'Stripe object', 'Customer', 'Amount', 'Credited anyway?'],
      ['2026-11-24 11:00', 'in_without invoice', 'buyer@example.com', '$30.00', 'Yes, the customer was already referred'],
      ['2026-11-24 10:00', 'cs_test_without Checkout Session', 'nobody@example.com', '$19.00', 'No'],
    ]);
    const live = await w.m.browser.agent.get('/dashboard/integration?mode=live');
    expect(live.text).toContain('no paid Checkout Sessions or invoices yet.');
  });
});
