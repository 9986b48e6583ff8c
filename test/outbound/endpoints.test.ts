import { buildTestApp, browser, signUpMerchant, type TestApp } from '../helpers/app';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

const form = (overrides: Record<string, string | string[]> = {}) => ({ url: 'https://hooks.acme.test/refcut', mode: 'live', events: ['commission.created', 'payout.paid'], ...overrides });

describe('adding a webhook endpoint', () => {
  it('stores the endpoint, shows its signing secret once and audits it', async () => {
    const m = await signUpMerchant(t);
    const res = await m.browser.submit('/settings/webhooks', form() as never);
    expect(res.status).toBe(201);
    const secret = /whsec_[0-9A-Za-z]{32}/.exec(res.text)![0];
    const row = await t.db.kysely.selectFrom('webhookEndpoints').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      merchantId: m.merchantId,
      url: 'https://hooks.acme.test/refcut',
      events: '["commission.created","payout.paid"]',
      livemode: 1,
      secret,
      enabled: 1,
      createdBy: m.userId,
    });
    const later = await m.browser.agent.get('/settings/webhooks');
    expect(later.text).toContain('https://hooks.acme.test/refcut');
    expect(later.text).not.toContain(secret);
    const audit = await t.db.kysely.selectFrom('auditLog').select(['action', 'subjectId', 'after']).where('action', '=', 'webhook_endpoint.created').executeTakeFirstOrThrow();
    expect(audit.subjectId).toBe(row.id);
    expect(JSON.parse(audit.after!)).toEqual({ url: 'https://hooks.acme.test/refcut', events: ['commission.created', 'payout.paid'], mode: 'live' });
    expect(audit.after).not.toContain(secret);
  });

  it.each([
    ['a javascript: URL', { url: 'javascript:alert(1)' }, 'The URL must start with https://.'],
    ['credentials in the URL', { url: 'https://user:pw@hooks.acme.test/x' }, 'Remove the user name and password from the URL'],
    ['an ftp URL', { url: 'ftp://hooks.acme.test/x' }, 'The URL must start with https://.'],
    ['no URL', { url: '' }, 'Enter the URL to send events to.'],
    ['no events', { events: [] }, 'Choose at least one event.'],
    ['an unknown event', { events: ['everything'] }, 'Unknown event type.'],
  ])('refuses %s and keeps what was typed', async (_what, overrides, message) => {
    const m = await signUpMerchant(t);
    const res = await m.browser.submit('/settings/webhooks', form(overrides) as never);
    expect(res.status).toBe(400);
    expect(res.text).toContain(message);
    expect(await t.db.kysely.selectFrom('webhookEndpoints').selectAll().execute()).toEqual([]);
  });

  it('accepts a single event as a plain form value', async () => {
    const m = await signUpMerchant(t);
    expect((await m.browser.submit('/settings/webhooks', form({ events: 'payout.paid', mode: 'test' }) as never)).status).toBe(201);
    expect(await t.db.kysely.selectFrom('webhookEndpoints').select(['events', 'livemode']).execute()).toEqual([{ events: '["payout.paid"]', livemode: 0 }]);
  });
});

describe('managing endpoints', () => {
  it('disables, enables and deletes an endpoint, auditing each change', async () => {
    const m = await signUpMerchant(t);
    await m.browser.submit('/settings/webhooks', form() as never);
    const { id } = await t.db.kysely.selectFrom('webhookEndpoints').select('id').executeTakeFirstOrThrow();
    const enabled = async () => (await t.db.kysely.selectFrom('webhookEndpoints').select('enabled').where('id', '=', id).executeTakeFirst())?.enabled;

    expect((await m.browser.submit(`/settings/webhooks/${id}/disable`, {}, '/settings/webhooks')).status).toBe(303);
    expect(await enabled()).toBe(0);
    expect((await m.browser.agent.get('/settings/webhooks')).text).toContain('disabled');
    await m.browser.submit(`/settings/webhooks/${id}/enable`, {}, '/settings/webhooks');
    expect(await enabled()).toBe(1);
    await m.browser.submit(`/settings/webhooks/${id}/delete`, {}, '/settings/webhooks');
    expect(await enabled()).toBeUndefined();
    const actions = await t.db.kysely.selectFrom('auditLog').select('action').where('subjectId', '=', id).orderBy('createdAt').orderBy('action').execute();
    expect(actions.map((a) => a.action).sort()).toEqual(['webhook_endpoint.created', 'webhook_endpoint.deleted', 'webhook_endpoint.disabled', 'webhook_endpoint.enabled']);
  });

  it('never lets one merchant see or change another’s endpoints', async () => {
    const a = await signUpMerchant(t);
    const b = await signUpMerchant(t);
    await b.browser.submit('/settings/webhooks', form({ url: 'https://beta.test/hook' }) as never);
    const { id } = await t.db.kysely.selectFrom('webhookEndpoints').select('id').executeTakeFirstOrThrow();
    expect((await a.browser.agent.get('/settings/webhooks')).text).not.toContain('beta.test');
    expect((await a.browser.agent.get(`/settings/webhooks/${id}`)).status).toBe(404);
    for (const action of ['disable', 'delete']) expect((await a.browser.submit(`/settings/webhooks/${id}/${action}`, {}, '/settings/webhooks')).status).toBe(404);
    expect(await t.db.kysely.selectFrom('webhookEndpoints').select('enabled').where('id', '=', id).executeTakeFirst()).toEqual({ enabled: 1 });
  });

  it('is for owners and admins only', async () => {
    const owner = await signUpMerchant(t);
    const invite = await owner.browser.submit('/team/invites', { role: 'read_only' }, '/team');
    const path = /http:\/\/refcut\.test(\/invite\/[A-Za-z0-9]+)/.exec(invite.text)![1]!;
    const reader = browser(t);
    await reader.submit(path, { name: 'Rita Reader', email: 'rita@acme.test', password: 'a long enough password' });
    expect((await reader.agent.get('/settings/webhooks')).status).toBe(403);
  });
});
