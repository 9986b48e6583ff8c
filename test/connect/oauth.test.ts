import { browser, settle, signUpMerchant, type SignedUpMerchant } from '../helpers/app';
import { buildTestAppWithStripe, connectStripe, deliver, type StripeTestApp } from '../helpers/stripe';
import { build } from '../fake-stripe';

let t: StripeTestApp;
beforeEach(async () => {
  t = await buildTestAppWithStripe();
});
afterEach(() => t.close());

/** Start the flow and return the state Refcut put in the authorize URL. */
async function startFlow(m: SignedUpMerchant): Promise<{ location: URL; state: string }> {
  const res = await m.browser.agent.get('/connect/stripe');
  expect(res.status).toBe(302);
  const location = new URL(res.headers.location!);
  return { location, state: location.searchParams.get('state')! };
}

const callback = (m: SignedUpMerchant, params: Record<string, string>) => m.browser.agent.get(`/connect/stripe/callback?${new URLSearchParams(params)}`);
const connections = () => t.db.kysely.selectFrom('stripeConnections').selectAll().orderBy('connectedAt').execute();

describe('the authorize redirect', () => {
  it('sends the merchant to Stripe with our client id, read_write, the callback URL, a state and their prefilled details', async () => {
    const m = await signUpMerchant(t, { name: 'Acme Tools', email: 'owner@acme.test' });
    const { location, state } = await startFlow(m);
    expect(`${location.origin}${location.pathname}`).toBe('https://connect.stripe.test/oauth/authorize');
    expect(Object.fromEntries(location.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'ca_test_platform',
      scope: 'read_write',
      state,
      redirect_uri: 'http://refcut.test/connect/stripe/callback',
      'stripe_user[email]': 'owner@acme.test',
      'stripe_user[business_name]': 'Acme Tools',
    });
    expect(state).toMatch(/^[A-Za-z0-9]{32}$/);
    // Only a hash of the state is kept.
    const rows = await t.db.kysely.selectFrom('stripeOauthStates').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.stateHash).not.toContain(state);
    expect(rows[0]!.expiresAt).toBe('2026-11-25T12:10:00.000Z');
  });

  it('is for owners and admins only', async () => {
    const owner = await signUpMerchant(t);
    const invite = await owner.browser.submit('/team/invites', { role: 'read_only' }, '/team');
    const path = /http:\/\/refcut\.test(\/invite\/[A-Za-z0-9]+)/.exec(invite.text)![1]!;
    const reader = browser(t);
    await reader.submit(path, { name: 'Rita', email: 'rita@acme.test', password: 'a long enough password' });
    expect((await reader.agent.get('/connect/stripe')).status).toBe(403);
    expect((await browser(t).agent.get('/connect/stripe')).status).toBe(303); // not logged in → login
  });
});

describe('the callback', () => {
  it('exchanges a good code once with the platform key and records the account, mode and scope, never the token', async () => {
    const m = await signUpMerchant(t);
    const account = t.fake.addAccount('acct_1Good');
    const { state } = await startFlow(m);
    t.fake.oauthCode('ac_good', { account, livemode: false });
    const res = await callback(m, { code: 'ac_good', state, scope: 'read_write' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/stripe');

    const token = t.fake.requestsTo('/oauth/token');
    expect(token).toHaveLength(1);
    expect(token[0]!.authorization).toBe('Bearer sk_test_platform_key');
    expect(token[0]!.body).toEqual({ grant_type: 'authorization_code', code: 'ac_good' });

    const rows = await connections();
    expect(rows).toEqual([
      {
        id: expect.stringMatching(/^scn_/),
        merchantId: m.merchantId,
        accountId: 'acct_1Good',
        activeAccountId: 'acct_1Good',
        activeMerchantId: m.merchantId,
        livemode: 0,
        scope: 'read_write',
        connectedAt: '2026-11-25T12:00:00.000Z',
        connectedBy: m.userId,
        disconnectedAt: null,
        disconnectedBy: null,
        disconnectReason: null,
      },
    ]);
    const page = await m.browser.agent.get('/stripe');
    expect(page.text).toContain('acct_1Good');
    expect(page.text).toContain('Test mode');
    expect(page.text).toContain('connected since 2026-11-25');
    expect(t.rawLogs.join('')).not.toMatch(/sk_test_[0-9a-f]{24}/); // the access token is not even logged
    const dashboard = await m.browser.agent.get('/dashboard');
    expect(dashboard.text).toMatch(/<li class="done">✓ <a href="\/stripe">Connect Stripe<\/a>/);
  });

  it.each([
    ['missing', undefined],
    ['wrong', 'not-the-state-we-issued'],
  ])('refuses a %s state with 400 without calling Stripe', async (_label, state) => {
    const m = await signUpMerchant(t);
    await startFlow(m);
    t.fake.oauthCode('ac_x', { account: t.fake.addAccount() });
    const res = await callback(m, { code: 'ac_x', ...(state ? { state } : {}) });
    expect(res.status).toBe(400);
    expect(res.text).toContain('invalid, expired or was already used');
    expect(t.fake.requests).toHaveLength(0);
    expect(await connections()).toEqual([]);
  });

  it('refuses a reused state, even with a fresh code', async () => {
    const m = await signUpMerchant(t);
    const { state } = await startFlow(m);
    t.fake.oauthCode('ac_1', { account: t.fake.addAccount() });
    t.fake.oauthCode('ac_2', { account: t.fake.addAccount() });
    expect((await callback(m, { code: 'ac_1', state })).status).toBe(303);
    const again = await callback(m, { code: 'ac_2', state });
    expect(again.status).toBe(400);
    expect(t.fake.requestsTo('/oauth/token')).toHaveLength(1);
  });

  it('refuses a state older than 10 minutes', async () => {
    const m = await signUpMerchant(t);
    const { state } = await startFlow(m);
    t.clock.advance(10 * 60_000 + 1);
    t.fake.oauthCode('ac_late', { account: t.fake.addAccount() });
    expect((await callback(m, { code: 'ac_late', state })).status).toBe(400);
    expect(t.fake.requests).toHaveLength(0);
  });

  it('refuses a state presented by another user (it is bound to the session that started the flow)', async () => {
    const m = await signUpMerchant(t);
    const { state } = await startFlow(m);
    const other = await signUpMerchant(t);
    t.fake.oauthCode('ac_y', { account: t.fake.addAccount() });
    expect((await callback(other, { code: 'ac_y', state })).status).toBe(400);
    expect(t.fake.requests).toHaveLength(0);
  });

  it('shows a clear "not connected" page when the merchant declines on Stripe', async () => {
    const m = await signUpMerchant(t);
    const { state } = await startFlow(m);
    const res = await callback(m, { error: 'access_denied', error_description: 'The user denied your request', state });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Stripe was not connected');
    expect(res.text).toContain('You cancelled on Stripe');
    expect(t.fake.requests).toHaveLength(0);
    expect(await connections()).toEqual([]);
  });

  it('reports a code Stripe refuses (expired or already used) without connecting anything', async () => {
    const m = await signUpMerchant(t);
    const { state } = await startFlow(m);
    const res = await callback(m, { code: 'ac_unknown', state });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Authorization code does not exist');
    expect(await connections()).toEqual([]);
  });

  it('refuses an account that is connected to another merchant', async () => {
    const a = await signUpMerchant(t);
    const b = await signUpMerchant(t);
    const account = await connectStripe(t, a, { account: 'acct_1Shared' });
    const { state } = await startFlow(b);
    t.fake.oauthCode('ac_b', { account });
    const res = await callback(b, { code: 'ac_b', state });
    expect(res.status).toBe(409);
    expect(res.text).toContain('already connected to another Refcut program');
    const rows = await connections();
    expect(rows.map((r) => [r.merchantId, r.activeAccountId])).toEqual([[a.merchantId, 'acct_1Shared']]);
  });
});

describe('disconnecting', () => {
  it('revokes access at Stripe, marks the connection disconnected and keeps it in the history', async () => {
    const m = await signUpMerchant(t);
    const account = await connectStripe(t, m, { account: 'acct_1Bye' });
    t.clock.advance(3_600_000);
    const res = await m.browser.submit('/stripe/disconnect', {}, '/stripe');
    expect(res.status).toBe(303);
    const deauth = t.fake.requestsTo('/oauth/deauthorize');
    expect(deauth.map((r) => r.body)).toEqual([{ client_id: 'ca_test_platform', stripe_user_id: account }]);
    expect(t.fake.isConnected(account)).toBe(false);
    const [row] = await connections();
    expect(row).toMatchObject({ accountId: account, activeAccountId: null, activeMerchantId: null, disconnectedAt: '2026-11-25T13:00:00.000Z', disconnectedBy: m.userId, disconnectReason: 'merchant' });
    const page = await m.browser.agent.get('/stripe');
    expect(page.text).toContain('Not connected');
    expect(page.text).toContain('Disconnected here');

    // The account can now be connected again, to this merchant or another one: a new row, history kept.
    const other = await signUpMerchant(t);
    await connectStripe(t, other, { account });
    expect((await connections()).map((r) => [r.merchantId, r.activeAccountId])).toEqual([
      [m.merchantId, null],
      [other.merchantId, account],
    ]);
  });

  it('still marks it disconnected when Stripe says the account is no longer connected', async () => {
    const m = await signUpMerchant(t);
    const account = await connectStripe(t, m);
    t.fake.revoke(account);
    expect((await m.browser.submit('/stripe/disconnect', {}, '/stripe')).status).toBe(303);
    expect((await connections())[0]).toMatchObject({ activeAccountId: null, disconnectReason: 'merchant' });
  });

  it('keeps the connection when Stripe cannot be reached, and says so', async () => {
    const m = await signUpMerchant(t);
    await connectStripe(t, m);
    t.fake.failNext(1, { status: 500 });
    const res = await m.browser.submit('/stripe/disconnect', {}, '/stripe');
    expect(res.status).toBe(303);
    expect((await m.browser.agent.get('/stripe')).text).toContain('still connected');
    expect((await connections())[0]!.activeMerchantId).toBe(m.merchantId);
  });

  it('marks it disconnected when Stripe sends account.application.deauthorized, and later events still reach the merchant', async () => {
    const m = await signUpMerchant(t);
    const account = await connectStripe(t, m, { account: 'acct_1Revoked' });
    t.clock.advance(60_000);
    const revoked = build.event('account.application.deauthorized', build.application(), { account });
    expect((await deliver(t, revoked)).status).toBe(200);
    await settle(t);
    const [row] = await connections();
    expect(row).toMatchObject({ activeAccountId: null, activeMerchantId: null, disconnectReason: 'deauthorized', disconnectedBy: 'stripe', disconnectedAt: '2026-11-25T12:01:00.000Z' });
    const audit = await t.db.kysely.selectFrom('auditLog').select(['actor', 'action', 'subjectId']).where('action', '=', 'stripe.disconnected').execute();
    expect(audit).toEqual([{ actor: 'stripe', action: 'stripe.disconnected', subjectId: account }]);

    // A retried event from before the revocation still belongs to this merchant.
    const late = build.event('payment_intent.created', build.paymentIntent(), { account, created: new Date('2026-11-25T12:00:30Z') });
    await deliver(t, late);
    await settle(t);
    const stored = await t.db.kysely.selectFrom('stripeEvents').select(['merchantId', 'status', 'ignoredReason']).where('id', '=', late.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ merchantId: m.merchantId, status: 'ignored', ignoredReason: 'no_handler' });

    // Running the deauthorization again changes nothing.
    await m.browser.submit(`/events/${revoked.id}/rerun`, {}, '/events');
    await settle(t);
    expect(await connections()).toEqual([row]);
  });
});
