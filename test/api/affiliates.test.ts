import { buildTestApp, type TestApp } from '../helpers/app';
import { apiProgram, type ApiProgram } from '../helpers/api-program';
import { buildPartner } from '../helpers/partners';
import { createLink } from '../../server/partners/service';
import { bindCustomer } from '../../server/attribution/bindings';

let t: TestApp;
let p: ApiProgram;
beforeEach(async () => {
  t = await buildTestApp();
  p = await apiProgram(t);
});
afterEach(() => t.close());

const keyIdOf = async (name: string) => (await t.db.kysely.selectFrom('apiKeys').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

describe('GET /api/v1/affiliates', () => {
  it('lists affiliates newest first with their links: absolute /r/ URLs and resolved destinations', async () => {
    const link = await createLink(t.db.kysely, t.clock, p.m.merchantId, p.jane.id, { destinationUrl: 'https://shop.example.com/blog', campaign: 'newsletter', slug: 'jane-news' });
    t.clock.advance(1000);
    const bob = await buildPartner(t.db.kysely, p.m.merchantId, { name: 'Bob', email: 'bob@partners.test', code: 'bob', status: 'paused', commissionOverride: { type: 'percent', value: 2500 }, clock: t.clock });
    const res = await p.live.get('/api/v1/affiliates');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [
        {
          id: bob.id,
          name: 'Bob',
          email: 'bob@partners.test',
          code: 'bob',
          status: 'paused',
          statusReason: null,
          commissionOverride: { type: 'percent', value: 2500 },
          payoutEmail: null,
          links: [{ id: expect.stringMatching(/^lnk_/), slug: 'bob', url: 'http://refcut.test/r/bob', destination: 'https://shop.example.com/pricing', campaign: null, isDefault: true, disabledAt: null }],
          createdAt: '2026-11-25T12:00:01.000Z',
          updatedAt: '2026-11-25T12:00:01.000Z',
        },
        {
          id: p.jane.id,
          name: 'Jane Smith',
          email: 'jane@partners.test',
          code: 'jane',
          status: 'active',
          statusReason: null,
          commissionOverride: null,
          payoutEmail: null,
          links: [
            { id: expect.stringMatching(/^lnk_/), slug: 'jane', url: 'http://refcut.test/r/jane', destination: 'https://shop.example.com/pricing', campaign: null, isDefault: true, disabledAt: null },
            { id: link.id, slug: 'jane-news', url: 'http://refcut.test/r/jane-news', destination: 'https://shop.example.com/blog', campaign: 'newsletter', isDefault: false, disabledAt: null },
          ],
          createdAt: '2026-11-25T12:00:00.000Z',
          updatedAt: '2026-11-25T12:00:00.000Z',
        },
      ],
      page: 1,
      limit: 50,
      total: 2,
    });
  });

  it('filters by status and by email (case-insensitive)', async () => {
    await buildPartner(t.db.kysely, p.m.merchantId, { email: 'bob@partners.test', status: 'paused' });
    const paused = await p.live.get('/api/v1/affiliates?status=paused');
    expect(paused.body.data.map((a: { email: string }) => a.email)).toEqual(['bob@partners.test']);
    const byEmail = await p.live.get('/api/v1/affiliates?email=JANE@partners.test');
    expect([byEmail.body.total, byEmail.body.data[0].id]).toEqual([1, p.jane.id]);
    const none = await p.live.get('/api/v1/affiliates?email=nobody@partners.test');
    expect(none.body).toEqual({ data: [], page: 1, limit: 50, total: 0 });
    const bad = await p.live.get('/api/v1/affiliates?status=gone');
    expect([bad.status, bad.body.error.param]).toEqual([400, 'status']);
  });

  it('pages with page and limit, refusing out-of-range values and unknown parameters', async () => {
    for (let i = 0; i < 2; i++) await buildPartner(t.db.kysely, p.m.merchantId, {});
    const second = await p.live.get('/api/v1/affiliates?limit=2&page=2');
    expect([second.body.data.length, second.body.page, second.body.limit, second.body.total]).toEqual([1, 2, 2, 3]);
    expect((await p.live.get('/api/v1/affiliates?page=9')).body.data).toEqual([]);
    for (const [query, param] of [
      ['limit=101', 'limit'],
      ['limit=0', 'limit'],
      ['page=0', 'page'],
      ['page=x', 'page'],
      ['sort=name', 'sort'],
    ]) {
      const res = await p.live.get(`/api/v1/affiliates?${query}`);
      expect([query, res.status, res.body.error.param]).toEqual([query, 400, param]);
    }
  });
});

describe('POST /api/v1/affiliates', () => {
  it('creates an active affiliate with its default link, recorded in the audit log as the key', async () => {
    const res = await p.live.post('/api/v1/affiliates', { name: 'Ada Lovelace', email: 'Ada@Example.com', code: 'ada', commissionOverride: { type: 'flat', value: 1500 }, payoutEmail: 'pay@ada.example' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^aff_/),
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      code: 'ada',
      status: 'active',
      statusReason: null,
      commissionOverride: { type: 'flat', value: 1500 },
      payoutEmail: 'pay@ada.example',
      links: [{ id: expect.stringMatching(/^lnk_/), slug: 'ada', url: 'http://refcut.test/r/ada', destination: 'https://shop.example.com/pricing', campaign: null, isDefault: true, disabledAt: null }],
      createdAt: '2026-11-25T12:00:00.000Z',
      updatedAt: '2026-11-25T12:00:00.000Z',
    });
    const audit = await t.db.kysely.selectFrom('auditLog').select(['actor', 'action', 'subjectId']).where('action', '=', 'partner.created').where('subjectId', '=', res.body.id).executeTakeFirstOrThrow();
    expect(audit.actor).toBe(await keyIdOf('live'));
  });

  it('generates a code from the name when none is given', async () => {
    const res = await p.live.post('/api/v1/affiliates', { name: 'Grace Hopper', email: 'grace@example.com' });
    expect(res.body.code).toMatch(/^grace-hopper-[a-z0-9]{4}$/);
  });

  it('answers 409 for a taken email or code, and 400 naming unknown or invalid fields', async () => {
    const email = await p.live.post('/api/v1/affiliates', { name: 'J', email: 'jane@partners.test' });
    expect([email.status, email.body.error.code, email.body.error.param]).toEqual([409, 'email_taken', 'email']);
    const code = await p.live.post('/api/v1/affiliates', { name: 'J', email: 'j2@partners.test', code: 'jane' });
    expect([code.status, code.body.error.code, code.body.error.param]).toEqual([409, 'code_taken', 'code']);
    const unknown = await p.live.post('/api/v1/affiliates', { name: 'J', email: 'j3@partners.test', status: 'paused' });
    expect([unknown.status, unknown.body.error]).toEqual([400, { code: 'invalid_request', message: 'Unknown field: status.', param: 'status' }]);
    const nested = await p.live.post('/api/v1/affiliates', { name: 'J', email: 'j3@partners.test', commissionOverride: { type: 'percent', value: 10, currency: 'usd' } });
    expect([nested.status, nested.body.error.param]).toEqual([400, 'currency']);
    const percent = await p.live.post('/api/v1/affiliates', { name: 'J', email: 'j3@partners.test', commissionOverride: { type: 'percent', value: 10_001 } });
    expect([percent.status, percent.body.error.param]).toEqual([400, 'commissionOverride.value']);
    const badEmail = await p.live.post('/api/v1/affiliates', { name: 'J', email: 'not-an-email' });
    expect([badEmail.status, badEmail.body.error.param]).toEqual([400, 'email']);
    expect(await t.db.kysely.selectFrom('partners').select('id').where('merchantId', '=', p.m.merchantId).execute()).toHaveLength(1);
  });

  it('replays a retry with the same Idempotency-Key and refuses the key with another body', async () => {
    const body = { name: 'Ada', email: 'ada@example.com' };
    const first = await p.live.post('/api/v1/affiliates', body, 'create-ada');
    const retry = await p.live.post('/api/v1/affiliates', { email: 'ada@example.com', name: 'Ada' }, 'create-ada');
    expect([retry.status, retry.headers['idempotent-replayed'], retry.body]).toEqual([201, 'true', first.body]);
    const other = await p.live.post('/api/v1/affiliates', { name: 'Ada', email: 'ada2@example.com' }, 'create-ada');
    expect([other.status, other.body.error.code]).toEqual([422, 'idempotency_key_reused']);
    expect(await t.db.kysely.selectFrom('partners').select('email').where('merchantId', '=', p.m.merchantId).orderBy('email').execute()).toEqual([{ email: 'ada@example.com' }, { email: 'jane@partners.test' }]);
  });
});

describe('GET and PATCH /api/v1/affiliates/:id', () => {
  it('retrieves one affiliate, or answers 404 affiliate_not_found', async () => {
    const res = await p.live.get(`/api/v1/affiliates/${p.jane.id}`);
    expect([res.status, res.body.id, res.body.links.length]).toEqual([200, p.jane.id, 1]);
    const missing = await p.live.get('/api/v1/affiliates/aff_missing');
    expect([missing.status, missing.body.error]).toEqual([404, { code: 'affiliate_not_found', message: 'No such partner.', param: 'id' }]);
  });

  it('pauses with a reason, sets the override and payout email, then clears them; each change is audited', async () => {
    const paused = await p.live.patch(`/api/v1/affiliates/${p.jane.id}`, { status: 'paused', statusReason: 'Contract review', commissionOverride: { type: 'percent', value: 3000 }, payoutEmail: 'Pay@Jane.example' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: 'paused', statusReason: 'Contract review', commissionOverride: { type: 'percent', value: 3000 }, payoutEmail: 'pay@jane.example' });
    const cleared = await p.live.patch(`/api/v1/affiliates/${p.jane.id}`, { status: 'active', commissionOverride: null, payoutEmail: null });
    expect(cleared.body).toMatchObject({ status: 'active', statusReason: null, commissionOverride: null, payoutEmail: null });
    const actions = await t.db.kysely.selectFrom('auditLog').select(['action', 'actor']).where('subjectId', '=', p.jane.id).where('action', '!=', 'partner.created').orderBy('id').execute();
    expect(new Set(actions.map((a) => a.actor))).toEqual(new Set([await keyIdOf('live')]));
    expect(actions.map((a) => a.action).sort()).toEqual(['partner.override_changed', 'partner.override_changed', 'partner.status_changed', 'partner.status_changed', 'partner.updated', 'partner.updated']);
  });

  it('refuses unknown ids (404), pending as a target status and a reason without a status (400)', async () => {
    expect((await p.live.patch('/api/v1/affiliates/aff_missing', { status: 'paused' })).status).toBe(404);
    const pending = await p.live.patch(`/api/v1/affiliates/${p.jane.id}`, { status: 'pending' });
    expect([pending.status, pending.body.error.param]).toEqual([400, 'status']);
    const reason = await p.live.patch(`/api/v1/affiliates/${p.jane.id}`, { statusReason: 'why' });
    expect([reason.status, reason.body.error.param]).toEqual([400, 'statusReason']);
    const unknown = await p.live.patch(`/api/v1/affiliates/${p.jane.id}`, { email: 'new@example.com' });
    expect([unknown.status, unknown.body.error.param]).toEqual([400, 'email']);
  });
});

describe('GET /api/v1/affiliates/by-customer/:customerId', () => {
  it('answers enrolled: false for a customer nobody referred', async () => {
    const res = await p.live.get('/api/v1/affiliates/by-customer/user_1');
    expect([res.status, res.body]).toEqual([200, { enrolled: false }]);
  });

  it('finds the partner of an external customer with their net earnings per currency in this mode', async () => {
    await p.settings({ platformFeeBps: 1000 });
    await p.live.post('/api/v1/track/lead', { clickId: await p.click(), customerExternalId: 'user_1' });
    await p.live.post('/api/v1/track/sale', { customerExternalId: 'user_1', amount: 10000, invoiceId: 'a' }); // 2000, fee 200 → 1800
    await p.live.post('/api/v1/track/sale', { customerExternalId: 'user_1', amount: 5000, currency: 'eur', invoiceId: 'b' }); // 1000 → 900
    await p.live.post('/api/v1/track/refund', { invoiceId: 'a', amount: 5000 }); // −900 net
    // Rejected commissions do not count: Jane is paused for this one.
    await p.live.patch(`/api/v1/affiliates/${p.jane.id}`, { status: 'paused' });
    await p.live.post('/api/v1/track/sale', { customerExternalId: 'user_1', amount: 7000, invoiceId: 'c' });
    const res = await p.live.get('/api/v1/affiliates/by-customer/user_1');
    expect(res.body).toEqual({
      enrolled: true,
      id: p.jane.id,
      code: 'jane',
      status: 'paused',
      totalEarned: [
        { amount: 900, currency: 'eur' },
        { amount: 900, currency: 'usd' },
      ],
    });
    expect((await p.live.get('/api/v1/affiliates/by-customer/ext:user_1')).body.id).toBe(p.jane.id);
    // The test ledger knows nothing of this live customer.
    expect((await p.test.get('/api/v1/affiliates/by-customer/user_1')).body).toEqual({ enrolled: false });
  });

  it('finds a Stripe customer bound by Checkout', async () => {
    await bindCustomer(t.db.kysely, t.clock, { merchantId: p.m.merchantId, livemode: 0, customerKey: 'stripe:cus_Q1', stripeCustomerId: 'cus_Q1', partnerId: p.jane.id, source: 'stripe' });
    const res = await p.test.get('/api/v1/affiliates/by-customer/cus_Q1');
    expect(res.body).toEqual({ enrolled: true, id: p.jane.id, code: 'jane', status: 'active', totalEarned: [] });
  });
});
