import { sha256 } from '../../server/lib/ids';
import { browser, buildTestApp, signUpMerchant, type TestApp } from '../helpers/app';
import { apiAs, createApiKey } from '../helpers/api';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

describe('creating an API key', () => {
  it('shows the key once, stores only its hash and last four, and audits the creation', async () => {
    const m = await signUpMerchant(t);
    const res = await m.browser.submit('/settings/api-keys', { name: 'Billing backend', mode: 'live' });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const key = /rc_live_[0-9A-Za-z]{40}/.exec(res.text)![0];

    const rows = await t.db.kysely.selectFrom('apiKeys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      merchantId: m.merchantId,
      name: 'Billing backend',
      mode: 'live',
      keyHash: sha256(key),
      lastFour: key.slice(-4),
      createdBy: m.userId,
      createdAt: '2026-11-25T12:00:00.000Z',
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(JSON.stringify(rows)).not.toContain(key.slice(8));

    const later = await m.browser.agent.get('/settings/api-keys');
    expect(later.status).toBe(200);
    expect(later.text).not.toContain(key);
    expect(later.text).toContain(`rc_live_…${key.slice(-4)}`);
    expect(later.text).toContain('Billing backend');

    const audit = await t.db.kysely.selectFrom('auditLog').selectAll().where('action', '=', 'api_key.created').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ merchantId: m.merchantId, actor: m.userId, subjectType: 'api_key', subjectId: rows[0]!.id });
    expect(JSON.parse(audit[0]!.after!)).toEqual({ name: 'Billing backend', mode: 'live', lastFour: key.slice(-4) });
  });

  it('makes test keys with the rc_test_ prefix', async () => {
    const m = await signUpMerchant(t);
    const key = await createApiKey(m, { mode: 'test' });
    expect(key).toMatch(/^rc_test_[0-9A-Za-z]{40}$/);
  });

  it('refuses a form without a name or with an unknown mode, creating nothing', async () => {
    const m = await signUpMerchant(t);
    const res = await m.browser.submit('/settings/api-keys', { name: ' ', mode: 'staging' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Give the key a name.');
    expect(res.text).toContain('Choose live or test.');
    expect(await t.db.kysely.selectFrom('apiKeys').selectAll().execute()).toHaveLength(0);
  });
});

describe('revoking an API key', () => {
  it('stops the key at once and audits who revoked it', async () => {
    const m = await signUpMerchant(t);
    const key = await createApiKey(m);
    expect((await apiAs(t, key).get('/api/v1/program')).status).toBe(200);
    const { id } = await t.db.kysely.selectFrom('apiKeys').select('id').executeTakeFirstOrThrow();

    t.clock.advance(5_000);
    const res = await m.browser.submit(`/settings/api-keys/${id}/revoke`, {}, '/settings/api-keys');
    expect(res.status).toBe(303);

    const after = await apiAs(t, key).get('/api/v1/program');
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ error: { code: 'invalid_api_key', message: 'Invalid or revoked API key.' } });
    const row = await t.db.kysely.selectFrom('apiKeys').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ revokedAt: '2026-11-25T12:00:05.000Z', revokedBy: m.userId });
    const audit = await t.db.kysely.selectFrom('auditLog').select(['action', 'actor', 'subjectId']).where('action', '=', 'api_key.revoked').execute();
    expect(audit).toEqual([{ action: 'api_key.revoked', actor: m.userId, subjectId: id }]);
    expect((await m.browser.agent.get('/settings/api-keys')).text).toContain('revoked 2026-11-25 12:00');
  });

  it('cannot revoke another merchant’s key', async () => {
    const a = await signUpMerchant(t);
    const b = await signUpMerchant(t);
    const keyB = await createApiKey(b);
    const { id } = await t.db.kysely.selectFrom('apiKeys').select('id').where('merchantId', '=', b.merchantId).executeTakeFirstOrThrow();
    const res = await a.browser.submit(`/settings/api-keys/${id}/revoke`, {}, '/settings/api-keys');
    expect(res.status).toBe(404);
    expect((await apiAs(t, keyB).get('/api/v1/program')).status).toBe(200);
  });
});

describe('who may manage keys', () => {
  it('lets a read-only member see the keys but not create or revoke them', async () => {
    const owner = await signUpMerchant(t);
    await createApiKey(owner, { name: 'Zapier' });
    const invite = await owner.browser.submit('/team/invites', { role: 'read_only' }, '/team');
    const path = /http:\/\/refcut\.test(\/invite\/[A-Za-z0-9]+)/.exec(invite.text)![1]!;
    const reader = browser(t);
    await reader.submit(path, { name: 'Rita Reader', email: 'rita@acme.test', password: 'a long enough password' });

    const page = await reader.agent.get('/settings/api-keys');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Zapier');
    expect(page.text).not.toContain('Create key');
    expect((await reader.submit('/settings/api-keys', { name: 'Mine', mode: 'live' }, '/settings/api-keys')).status).toBe(403);
    expect(await t.db.kysely.selectFrom('apiKeys').selectAll().execute()).toHaveLength(1);
  });

  it('sends logged-out visitors to the login page', async () => {
    const res = await browser(t).agent.get('/settings/api-keys');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fsettings%2Fapi-keys');
  });
});

describe('last used time', () => {
  it('is refreshed at most once a minute, not on every request', async () => {
    const m = await signUpMerchant(t);
    const key = await createApiKey(m);
    const lastUsed = async () => (await t.db.kysely.selectFrom('apiKeys').select('lastUsedAt').executeTakeFirstOrThrow()).lastUsedAt;

    await apiAs(t, key).get('/api/v1/program');
    expect(await lastUsed()).toBe('2026-11-25T12:00:00.000Z');
    t.clock.advance(30_000);
    await apiAs(t, key).get('/api/v1/program');
    expect(await lastUsed()).toBe('2026-11-25T12:00:00.000Z');
    t.clock.advance(31_000);
    await apiAs(t, key).get('/api/v1/program');
    expect(await lastUsed()).toBe('2026-11-25T12:01:01.000Z');
  });
});
