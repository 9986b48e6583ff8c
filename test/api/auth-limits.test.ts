import request from 'supertest';
import { z } from 'zod';
import { buildTestApp, signUpMerchant, type TestApp } from '../helpers/app';
import { apiAs, createApiKey, mountApiRoutes } from '../helpers/api';
import { apiRoute } from '../../server/api/api-route';

let t: TestApp;
afterEach(() => t.close());

describe('API key authentication', () => {
  beforeEach(async () => {
    t = await buildTestApp();
  });

  it('answers 401 in JSON when the Authorization header is missing', async () => {
    const res = await request(t.http).get('/api/v1/program');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="Refcut API"');
    expect(res.body).toEqual({ error: { code: 'unauthenticated', message: 'Missing API key. Send it as "Authorization: Bearer <key>".' } });
    expect(res.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it.each([
    ['a Basic scheme', 'Basic dXNlcjpwYXNz'],
    ['an empty Bearer', 'Bearer '],
    ['two tokens', 'Bearer rc_live_a rc_live_b'],
  ])('answers 401 invalid_api_key for %s', async (_what, header) => {
    const res = await request(t.http).get('/api/v1/program').set('Authorization', header);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_api_key');
  });

  it('answers 401 for a well-formed key that does not exist, and for a session cookie instead of a key', async () => {
    const m = await signUpMerchant(t);
    const unknown = await apiAs(t, `rc_live_${'A'.repeat(40)}`).get('/api/v1/program');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toEqual({ code: 'invalid_api_key', message: 'Invalid or revoked API key.' });
    const withSession = await m.browser.agent.get('/api/v1/program');
    expect(withSession.status).toBe(401);
  });

  it('never logs the key', async () => {
    const m = await signUpMerchant(t);
    const key = await createApiKey(m);
    await apiAs(t, key).get('/api/v1/program');
    await apiAs(t, `${key}x`).get('/api/v1/program');
    expect(t.rawLogs.join('\n')).not.toContain(key.slice(8));
  });
});

describe('rate limits per key', () => {
  beforeEach(async () => {
    t = await buildTestApp({ env: { API_RATE_LIMIT_GET: '3', API_RATE_LIMIT_POST: '2' } });
  });

  it('counts reads per key in a one-minute window, with headers on every response, then answers 429 with Retry-After', async () => {
    const m = await signUpMerchant(t);
    const key = await createApiKey(m);
    const before = Math.floor(Date.now() / 1000);
    for (const remaining of [2, 1, 0]) {
      const res = await apiAs(t, key).get('/api/v1/program');
      expect(res.status).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBe('3');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(remaining));
      const reset = Number(res.headers['x-ratelimit-reset']);
      expect(reset).toBeGreaterThanOrEqual(before + 59);
      expect(reset).toBeLessThanOrEqual(before + 61);
    }
    const over = await apiAs(t, key).get('/api/v1/program');
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('rate_limited');
    expect(over.body.error.message).toMatch(/^Too many read requests: this key may make 3 per minute\. Retry in \d+ s\.$/);
    expect(over.headers['x-ratelimit-remaining']).toBe('0');
    const retryAfter = Number(over.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Another key of the same merchant has its own budget.
    const other = await createApiKey(m, { name: 'Other' });
    expect((await apiAs(t, other).get('/api/v1/program')).headers['x-ratelimit-remaining']).toBe('2');
  });

  it('counts writes apart from reads, with their own limit', async () => {
    const m = await signUpMerchant(t);
    const key = await createApiKey(m);
    const app = mountApiRoutes(t, (ctx) => [
      apiRoute(ctx, { method: 'post', path: '/api/v1/test/pings', summary: 'Ping', tags: ['Test'], body: z.strictObject({}), response: z.object({ ok: z.boolean() }), handler: () => ({ ok: true }) }),
      apiRoute(ctx, { method: 'get', path: '/api/v1/test/pings', summary: 'Pings', tags: ['Test'], response: z.object({ ok: z.boolean() }), handler: () => ({ ok: true }) }),
    ]);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await apiAs(app, key).post('/api/v1/test/pings', {})).status);
    expect(statuses).toEqual([201, 201, 429]);
    const read = await apiAs(app, key).get('/api/v1/test/pings');
    expect(read.status).toBe(200);
    expect([read.headers['x-ratelimit-limit'], read.headers['x-ratelimit-remaining']]).toEqual(['3', '2']);
  });

  it('holds across several app processes sharing the database', async () => {
    const m = await signUpMerchant(t);
    const key = await createApiKey(m);
    const second = await buildTestApp({ db: t.db, env: { API_RATE_LIMIT_GET: '3' } });
    expect((await apiAs(t, key).get('/api/v1/program')).status).toBe(200);
    expect((await apiAs(second, key).get('/api/v1/program')).status).toBe(200);
    expect((await apiAs(t, key).get('/api/v1/program')).status).toBe(200);
    const over = await apiAs(second, key).get('/api/v1/program');
    expect(over.status).toBe(429);
  });
});
