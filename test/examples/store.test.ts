// The example merchant store (examples/store): what its server sends to Stripe, exactly, and what its
// pages carry. The browser side (Stripe's Embedded Checkout) needs js.stripe.com and is not run here.
import request from 'supertest';
import type { Express } from 'express';
import { startMerchantStripe, type MerchantStripe } from './merchant-stripe';

interface StoreOptions {
  stripeSecretKey?: string;
  stripePublishableKey?: string;
  refcutUrl: string;
  programId: string;
  stripeApiBase?: string;
}
// A plain CommonJS file, as a merchant would copy it: loaded with require, typed here.
const { createStore } = require('../../examples/store/server') as { createStore: (o: StoreOptions) => Express };

const CLICK = 'clk_Ab12Cd34Ef56Gh78Ij90';

let stripe: MerchantStripe;
let store: Express;
beforeEach(async () => {
  stripe = await startMerchantStripe();
  store = createStore({ stripeSecretKey: 'sk_test_merchant_own_key', stripePublishableKey: 'pk_test_merchant_own_key', refcutUrl: 'https://refcut.example.com/', programId: 'prg_AcmeProgram1234', stripeApiBase: stripe.url });
});
afterEach(() => stripe.close());

const created = () => stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions');
const returnUrl = (host: string) => `http://${host}/return?session_id={CHECKOUT_SESSION_ID}`;

describe('the Checkout Session the store creates', () => {
  it('puts the referral from the cookie in client_reference_id, metadata and subscription_data for a subscription', async () => {
    const res = await request(store).post('/checkout-session').set('Host', 'shop.test').set('Cookie', `refcut_ref=${CLICK}`).send({ product: 'pro' });
    expect(res.status).toBe(200);
    const [call] = created();
    expect(res.body).toEqual({ clientSecret: stripe.sessions.values().next().value!.client_secret });
    expect(call!.authorization).toBe('Bearer sk_test_merchant_own_key');
    expect(call!.stripeAccount).toBeUndefined();
    expect(call!.body).toEqual({
      mode: 'subscription',
      ui_mode: 'embedded_page',
      line_items: [{ price_data: { currency: 'usd', unit_amount: '4900', product_data: { name: 'Acme Analytics Pro' }, recurring: { interval: 'month' } }, quantity: '1' }],
      return_url: returnUrl('shop.test'),
      client_reference_id: CLICK,
      metadata: { referral: CLICK },
      subscription_data: { metadata: { referral: CLICK } },
    });
  });

  it('puts it on the PaymentIntent instead of the subscription for a one-off purchase, and creates a customer', async () => {
    await request(store).post('/checkout-session').set('Host', 'shop.test').set('Cookie', `refcut_ref=${CLICK}`).send({ product: 'lifetime' }).expect(200);
    expect(created()[0]!.body).toEqual({
      mode: 'payment',
      ui_mode: 'embedded_page',
      line_items: [{ price_data: { currency: 'usd', unit_amount: '24900', product_data: { name: 'Acme Analytics lifetime license' } }, quantity: '1' }],
      return_url: returnUrl('shop.test'),
      customer_creation: 'always',
      client_reference_id: CLICK,
      metadata: { referral: CLICK },
      payment_intent_data: { metadata: { referral: CLICK } },
    });
  });

  it('takes the referral the page sends (refcut.referral) when the server has no cookie, and a partner code works too', async () => {
    await request(store).post('/checkout-session').send({ product: 'pro', referral: 'maya' }).expect(200);
    expect(created()[0]!.body).toMatchObject({ client_reference_id: 'maya', metadata: { referral: 'maya' }, subscription_data: { metadata: { referral: 'maya' } } });
  });

  it('prefers the cookie over the page, and remembers a landing with ?referral= as an HTTP cookie', async () => {
    const agent = request.agent(store);
    const landing = await agent.get(`/?via=maya&referral=${CLICK}`).expect(200);
    expect(landing.headers['set-cookie']).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^refcut_ref=${CLICK}; Max-Age=5184000;`))]));
    await agent.post('/checkout-session').send({ product: 'pro', referral: 'someone-else' }).expect(200);
    expect(created()[0]!.body.client_reference_id).toBe(CLICK);
  });

  it('sends no referral fields at all without a referral, and ignores a value Stripe would drop', async () => {
    await request(store).post('/checkout-session').set('Host', 'shop.test').send({ product: 'pro' }).expect(200);
    await request(store).post('/checkout-session').set('Host', 'shop.test').send({ product: 'pro', referral: '<script>alert(1)</script>' }).expect(200);
    for (const call of created()) {
      expect(call.body).toEqual({
        mode: 'subscription',
        ui_mode: 'embedded_page',
        line_items: [{ price_data: { currency: 'usd', unit_amount: '4900', product_data: { name: 'Acme Analytics Pro' }, recurring: { interval: 'month' } }, quantity: '1' }],
        return_url: returnUrl('shop.test'),
      });
    }
  });

  it('refuses an unknown product without calling Stripe, and reports a Stripe refusal', async () => {
    const unknown = await request(store).post('/checkout-session').send({ product: 'enterprise' });
    expect([unknown.status, unknown.body]).toEqual([400, { error: 'Unknown product.' }]);
    expect(stripe.requests).toEqual([]);
    stripe.failNextCreate('Invalid API Key provided: sk_test_***');
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {});
    const refused = await request(store).post('/checkout-session').send({ product: 'pro' });
    expect([refused.status, refused.body]).toEqual([502, { error: 'Stripe did not create the Checkout Session: Invalid API Key provided: sk_test_***' }]);
    expect(logged).toHaveBeenCalledWith('Checkout Session not created:', 'Invalid API Key provided: sk_test_***');
    logged.mockRestore();
  });

  it('does not try to reach Stripe when no keys are configured', async () => {
    const keyless = createStore({ refcutUrl: 'https://refcut.example.com', programId: 'prg_AcmeProgram1234' });
    const res = await request(keyless).post('/checkout-session').send({ product: 'pro' });
    expect([res.status, res.body]).toEqual([503, { error: 'Stripe keys are not configured.' }]);
    const home = await request(keyless).get('/');
    expect(home.text).toContain('Set STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY');
    expect(home.text).toContain('data-product="pro" disabled');
  });
});

describe('the store pages', () => {
  it('carry the Refcut snippet with the program id, the publishable key and the Checkout script', async () => {
    const res = await request(store).get('/').expect(200);
    expect(res.text).toContain('<script src="https://refcut.example.com/refcut.js" data-program="prg_AcmeProgram1234" async></script>');
    expect(res.text).toContain('data-publishable-key="pk_test_merchant_own_key"');
    expect(res.text).toContain('<script type="module" src="/static/store.js"></script>');
    expect(res.text).toContain('<button type="button" data-product="pro">Subscribe</button>');
  });

  it('serve @stripe/stripe-js from node_modules, with createEmbeddedCheckoutPage, and the page script that mounts it', async () => {
    const lib = await request(store).get('/vendor/stripe-js.mjs').expect(200);
    expect(lib.headers['content-type']).toMatch(/^text\/javascript/);
    expect(lib.text).toContain('https://js.stripe.com');
    const script = await request(store).get('/static/store.js').expect(200);
    expect(script.text).toContain("import { loadStripe } from '/vendor/stripe-js.mjs';");
    expect(script.text).toContain('createEmbeddedCheckoutPage');
    expect(script.text).toContain("checkout.mount('#checkout')");
  });

  it('thank the buyer on return once Stripe says the session is complete', async () => {
    await request(store).post('/checkout-session').send({ product: 'pro' }).expect(200);
    const session = stripe.sessions.values().next().value!;
    expect((await request(store).get(`/return?session_id=${session.id}`)).text).toContain('Payment not finished');
    stripe.sessions.set(session.id, { ...session, status: 'complete', customer_details: { ...session.customer_details!, email: 'buyer@shop.test' } });
    const done = await request(store).get(`/return?session_id=${session.id}`).expect(200);
    expect(done.text).toContain('A receipt is on its way to buyer@shop.test.');
    const retrieve = stripe.requests.filter((r) => r.method === 'GET');
    expect(retrieve.map((r) => r.path)).toEqual([`/v1/checkout/sessions/${session.id}`, `/v1/checkout/sessions/${session.id}`]);
  });
});
