import { build } from '../fake-stripe';
import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { portalLinkFor, signedInPartner } from '../helpers/portal';
import { signUpMerchant, type Browser } from '../helpers/app';
import { buildPartner } from '../helpers/partners';

let w: LedgerWorld;
let jane: Browser;
let portal: string;
beforeEach(async () => {
  w = await ledgerWorld();
  portal = `/portal/${w.m.publicId}`;
  jane = await signedInPartner(w.t, await portalLinkFor(w.m, w.jane.id));
});
afterEach(() => w.close());

const deals = () => w.t.db.kysely.selectFrom('deals').selectAll().orderBy('createdAt').orderBy('id').execute();
const bindings = () => w.t.db.kysely.selectFrom('referralBindings').select(['customerKey', 'partnerId', 'source', 'referralValue', 'foundIn', 'customerEmail']).where('merchantId', '=', w.m.merchantId).execute();

/** A one-off purchase with no referral value at all, by a Stripe customer with this email. */
async function paidCheckout(email: string, amount = 10_000, extra: Record<string, unknown> = {}) {
  const customer = build.customer({ email });
  const session = build.checkoutSession({ customer: customer.id, customer_details: { ...build.checkoutSession().customer_details!, email }, amount_total: amount, amount_subtotal: amount, ...extra });
  w.t.fake.put(w.account, customer, build.paymentIntent({ id: session.payment_intent as string, amount }));
  await w.send(build.event('checkout.session.completed', session, { account: w.account }));
  return { customer, session };
}

async function register(fields: { email: string; name: string; notes?: string }) {
  return jane.submit(`${portal}/deals`, { notes: '', ...fields }, `${portal}/deals`);
}

async function decide(dealId: string, decision: 'accept' | 'reject', reason = '') {
  return w.m.browser.submit(`/deals/${dealId}/${decision}`, { reason }, '/deals');
}

describe('deal registration', () => {
  it('an accepted deal binds the customer at their first payment, with source deal, and credits the partner', async () => {
    const res = await register({ email: 'Lead@BigCo.example', name: 'Big Co', notes: 'Met at the conference' });
    expect([res.status, res.headers.location]).toEqual([303, `${portal}/deals`]);
    const [deal] = await deals();
    expect(deal).toMatchObject({ partnerId: w.jane.id, merchantId: w.m.merchantId, email: 'lead@bigco.example', name: 'Big Co', notes: 'Met at the conference', status: 'pending', acceptedEmail: null });

    const merchantPage = await w.m.browser.agent.get('/deals');
    expect(merchantPage.text).toContain('lead@bigco.example');
    expect(merchantPage.text).toContain('Jane Smith');
    expect((await decide(deal!.id, 'accept')).status).toBe(303);
    expect((await deals())[0]).toMatchObject({ status: 'accepted', acceptedEmail: 'lead@bigco.example', decidedBy: w.m.userId });

    const { customer, session } = await paidCheckout('LEAD@bigco.example', 10_000);
    expect(await bindings()).toEqual([{ customerKey: `stripe:${customer.id}`, partnerId: w.jane.id, source: 'deal', referralValue: deal!.id, foundIn: 'deal', customerEmail: 'LEAD@bigco.example' }]);
    expect(await w.commissions()).toEqual([{ kind: 'credit', key: expect.stringMatching(/^credit:cnv_/), partnerId: w.jane.id, amount: 2000, fee: 0, net: 2000, currency: 'usd', status: 'pending' }]);
    expect((await w.conversions())[0]).toMatchObject({ partnerId: w.jane.id, stripeCustomerId: customer.id, amount: 10_000 });

    // Later payments follow the binding; the partner sees the deal won.
    w.t.clock.advance(86_400_000);
    const again = build.checkoutSession({ customer: customer.id, customer_details: session.customer_details, amount_total: 5_000, amount_subtotal: 5_000 });
    await w.send(build.event('checkout.session.completed', again, { account: w.account }));
    expect((await w.commissions()).map((r) => [r.partnerId, r.amount])).toEqual([[w.jane.id, 2000], [w.jane.id, 1000]]);
    expect((await jane.agent.get(`${portal}/deals`)).text).toContain('Paid, credited to you');
    expect((await w.m.browser.agent.get('/deals')).text).toContain('Customer bound 2026-11-25');
  });

  it('binds a subscription customer at the first paid invoice', async () => {
    await register({ email: 'subscriber@example.com', name: 'Sub Co' });
    const [deal] = await deals();
    await decide(deal!.id, 'accept');
    const customer = build.customer({ email: 'subscriber@example.com' });
    w.t.fake.put(w.account, customer);
    const invoice = build.invoice({ customer: customer.id, customer_email: 'subscriber@example.com', subscription: 'sub_deal', amount_paid: 3_000, total: 3_000, total_excluding_tax: 3_000 });
    await w.send(build.event('invoice.paid', invoice, { account: w.account }));
    expect((await bindings()).map((b) => [b.source, b.partnerId])).toEqual([['deal', w.jane.id]]);
    expect((await w.commissions()).map((r) => [r.partnerId, r.amount])).toEqual([[w.jane.id, 600]]);
  });

  it('does not bind when the deal is pending or rejected, or when a referral link names someone else', async () => {
    await register({ email: 'pending@example.com', name: 'Pending' });
    await register({ email: 'rejected@example.com', name: 'Rejected' });
    await register({ email: 'linked@example.com', name: 'Linked' });
    const byEmail = new Map((await deals()).map((d) => [d.email, d]));
    const [rejected, linked] = [byEmail.get('rejected@example.com'), byEmail.get('linked@example.com')];
    await decide(rejected!.id, 'reject', 'Already in talks with us');
    await decide(linked!.id, 'accept');
    const bob = await buildPartner(w.t.db.kysely, w.m.merchantId, { name: 'Bob', email: 'bob@partners.test', code: 'bob' });
    await paidCheckout('pending@example.com');
    await paidCheckout('rejected@example.com');
    await paidCheckout('linked@example.com', 10_000, { client_reference_id: 'bob' });
    expect((await bindings()).map((b) => [b.customerEmail, b.partnerId, b.source])).toEqual([['linked@example.com', bob.id, 'stripe']]);
    expect((await jane.agent.get(`${portal}/deals`)).text).toContain('Already in talks with us');
  });

  it('does not bind a customer who paid before the partner registered them', async () => {
    await paidCheckout('existing@example.com');
    w.t.clock.advance(60_000);
    await register({ email: 'existing@example.com', name: 'Existing' });
    const [deal] = await deals();
    await decide(deal!.id, 'accept');
    w.t.clock.advance(60_000);
    await paidCheckout('existing@example.com');
    expect(await bindings()).toEqual([]);
    expect(await w.commissions()).toEqual([]);
  });

  it('keeps one registration per partner and email, and accepts only one deal per email', async () => {
    await register({ email: 'dup@example.com', name: 'First' });
    const second = await register({ email: 'DUP@example.com', name: 'Second' });
    expect(second.status).toBe(303);
    expect((await jane.agent.get(`${portal}/deals`)).text).toContain('You already registered dup@example.com');
    const bob = await buildPartner(w.t.db.kysely, w.m.merchantId, { name: 'Bob', email: 'bob@partners.test', code: 'bob' });
    const bobBrowser = await signedInPartner(w.t, await portalLinkFor(w.m, bob.id));
    await bobBrowser.submit(`${portal}/deals`, { email: 'dup@example.com', name: 'Bob’s version', notes: '' }, `${portal}/deals`);
    const all = await deals();
    const [janes, bobs] = [all.find((d) => d.partnerId === w.jane.id), all.find((d) => d.partnerId === bob.id)];
    expect([janes!.name, bobs!.name, all.length]).toEqual(['First', 'Bob’s version', 2]);
    expect((await bobBrowser.agent.get(`${portal}/deals`)).text).not.toContain('First');
    await decide(janes!.id, 'accept');
    await decide(bobs!.id, 'accept');
    expect((await deals()).map((d) => [d.partnerId, d.status]).sort()).toEqual([[w.jane.id, 'accepted'], [bob.id, 'pending']].sort());
    expect((await w.m.browser.agent.get('/deals')).text).toContain('already accepted');
    const bad = await register({ email: 'nope', name: '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a valid customer email.');
  });

  it("lets only the merchant's editors decide, and only its own deals", async () => {
    await register({ email: 'lead@example.com', name: 'Lead' });
    const [deal] = await deals();
    const other = await signUpMerchant(w.t);
    expect((await other.browser.submit(`/deals/${deal!.id}/accept`, {}, '/deals')).status).toBe(404);
    expect((await other.browser.agent.get('/deals')).text).not.toContain('lead@example.com');
    const byPartner = await jane.agent.post(`/deals/${deal!.id}/accept`).type('form').send({ _csrf: await jane.csrf(`${portal}/deals`) });
    expect(byPartner.status).toBe(401);
    expect((await deals())[0]!.status).toBe('pending');
  });
});
