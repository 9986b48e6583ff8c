import Stripe from 'stripe';
import { FakeStripe, build } from '.';
import { parseConfig } from '../../server/config';
import { createStripe } from '../../server/stripe/client';

let fake: FakeStripe;
let stripe: Stripe;
const acct = 'acct_1Fake';
const as = { stripeAccount: acct };
beforeEach(async () => {
  fake = await FakeStripe.start();
  stripe = createStripe(parseConfig({ STRIPE_API_BASE: fake.url, STRIPE_SECRET_KEY: 'sk_test_fake_suite' }), { maxNetworkRetries: 0, timeout: 300 });
  fake.addAccount(acct);
});
afterEach(() => fake.close());

describe('the fake Stripe, through the real SDK', () => {
  it('refuses per-account reads without a Stripe-Account header, which is what options in the wrong place produce', async () => {
    fake.put(acct, build.customer({ id: 'cus_1' }));
    // Request options passed as params: the SDK sends them as a query parameter and no header.
    const misuse = stripe.customers.retrieve('cus_1', as as Stripe.CustomerRetrieveParams);
    await expect(misuse).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'stripe_account_missing' });
    await expect(stripe.customers.retrieve('cus_1', {}, as)).resolves.toMatchObject({ id: 'cus_1' });
    expect(fake.requests.map((r) => [r.path, r.stripeAccount, r.authorization])).toEqual([
      ['/v1/customers/cus_1', undefined, 'Bearer sk_test_fake_suite'],
      ['/v1/customers/cus_1', acct, 'Bearer sk_test_fake_suite'],
    ]);
  });

  it('answers like Stripe for missing objects, unknown parameters and revoked accounts', async () => {
    await expect(stripe.charges.retrieve('ch_nope', {}, as)).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing' });
    await expect(stripe.refunds.list({ customer: 'cus_1' } as Stripe.RefundListParams, as)).rejects.toMatchObject({ code: 'parameter_unknown', param: 'customer' });
    fake.revoke(acct);
    await expect(stripe.charges.retrieve('ch_nope', {}, as)).rejects.toMatchObject({ type: 'StripePermissionError', statusCode: 403, code: 'account_invalid' });
  });

  it('includes invoice payments only when expanded, and finds an invoice from its PaymentIntent', async () => {
    const inv = build.invoice({ id: 'in_1', subscription: 'sub_1' });
    const pay = build.invoicePayment({ invoice: 'in_1', payment: { type: 'payment_intent', payment_intent: 'pi_1' } });
    fake.put(acct, inv, pay, build.invoicePayment({ invoice: 'in_other' }));
    expect((await stripe.invoices.retrieve('in_1', {}, as)).payments).toBeUndefined();
    const expanded = await stripe.invoices.retrieve('in_1', { expand: ['payments'] }, as);
    expect(expanded.payments?.data.map((p) => p.id)).toEqual([pay.id]);
    const found = await stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: 'pi_1' }, expand: ['data.invoice'] }, as);
    expect(found.data).toHaveLength(1);
    expect((found.data[0]!.invoice as Stripe.Invoice).parent?.subscription_details?.subscription).toBe('sub_1');
  });

  it('filters checkout sessions, subscriptions and refunds the way Stripe does', async () => {
    fake.put(
      acct,
      build.checkoutSession({ id: 'cs_1', payment_intent: 'pi_1' }),
      build.checkoutSession({ id: 'cs_2', mode: 'subscription', payment_intent: null, subscription: 'sub_2' }),
      build.subscription({ id: 'sub_live' }),
      build.subscription({ id: 'sub_gone', status: 'canceled' }),
      build.refund({ id: 're_1', charge: 'ch_1' }),
      build.refund({ id: 're_2', charge: 'ch_2' }),
    );
    expect((await stripe.checkout.sessions.list({ payment_intent: 'pi_1' }, as)).data.map((s) => s.id)).toEqual(['cs_1']);
    expect((await stripe.checkout.sessions.list({ subscription: 'sub_2' }, as)).data.map((s) => s.id)).toEqual(['cs_2']);
    expect((await stripe.subscriptions.list({}, as)).data.map((s) => s.id)).toEqual(['sub_live']);
    expect((await stripe.subscriptions.list({ status: 'all' }, as)).data.map((s) => s.id).sort()).toEqual(['sub_gone', 'sub_live']);
    expect((await stripe.refunds.list({ charge: 'ch_2' }, as)).data.map((r) => r.id)).toEqual(['re_2']);
  });

  it('lists events newest first, by created range, page by page', async () => {
    const events = [1, 2, 3, 4, 5].map((i) => build.event('customer.updated', build.customer(), { account: acct, created: 1_000 + i }));
    fake.put(acct, ...events);
    const first = await stripe.events.list({ created: { gte: 1_002 }, limit: 2 }, as);
    expect(first.data.map((e) => e.created)).toEqual([1_005, 1_004]);
    expect(first.has_more).toBe(true);
    const next = await stripe.events.list({ created: { gte: 1_002 }, limit: 2, starting_after: first.data[1]!.id }, as);
    expect(next.data.map((e) => e.created)).toEqual([1_003, 1_002]);
    expect(next.has_more).toBe(false);
  });

  it('exchanges a code once and deauthorizes once', async () => {
    fake.oauthCode('ac_1', { account: 'acct_1New', livemode: true });
    const token = await stripe.oauth.token({ grant_type: 'authorization_code', code: 'ac_1' });
    expect(token).toMatchObject({ stripe_user_id: 'acct_1New', livemode: true, scope: 'read_write', token_type: 'bearer' });
    await expect(stripe.oauth.token({ grant_type: 'authorization_code', code: 'ac_1' })).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidGrantError);
    await expect(stripe.oauth.deauthorize({ client_id: 'ca_1', stripe_user_id: 'acct_1New' })).resolves.toMatchObject({ stripe_user_id: 'acct_1New' });
    await expect(stripe.oauth.deauthorize({ client_id: 'ca_1', stripe_user_id: 'acct_1New' })).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidClientError);
  });

  it('injects faults: errors, rate limits with Retry-After, and requests that never answer', async () => {
    fake.put(acct, build.charge({ id: 'ch_1' }));
    fake.failNext(1, { status: 429, retryAfter: 7 });
    await expect(stripe.charges.retrieve('ch_1', {}, as)).rejects.toMatchObject({ type: 'StripeRateLimitError', headers: expect.objectContaining({ 'retry-after': '7' }) });
    fake.failNext(1, { status: 404 }, (r) => r.path === '/v1/charges/ch_1');
    await expect(stripe.charges.retrieve('ch_1', {}, as)).rejects.toMatchObject({ statusCode: 404 });
    fake.failNext(1, { hang: true });
    await expect(stripe.charges.retrieve('ch_1', {}, as)).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    await expect(stripe.charges.retrieve('ch_1', {}, as)).resolves.toMatchObject({ id: 'ch_1' });
  });
});
