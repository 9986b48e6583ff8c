import request from 'supertest';
import { z } from 'zod';
import type express from 'express';
import { buildTestApp, settle, signUpMerchant, type SignedUpMerchant, type TestApp } from '../helpers/app';
import { apiAs, createApiKey, mountApiRoutes } from '../helpers/api';
import { apiRoute } from '../../server/api/api-route';
import { listQuery, pageOf, paginate } from '../../server/api/pagination';
import { createKey } from '../../server/api/service';

let t: TestApp;
let m: SignedUpMerchant;
let key: string;
let app: express.Express;
let executions: number;
let gate: Promise<void> | undefined;
let failNext: boolean;

const Note = z.strictObject({
  text: z.string().min(1).max(100),
  tags: z.array(z.string()).max(5).optional(),
});

beforeEach(async () => {
  t = await buildTestApp();
  m = await signUpMerchant(t);
  key = await createApiKey(m, { name: 'a' });
  executions = 0;
  gate = undefined;
  failNext = false;
  // A test-only write and list endpoint, served through the real API router on the same database.
  app = mountApiRoutes(t, (ctx) => [
    apiRoute(ctx, {
      method: 'post',
      path: '/api/v1/test/notes',
      summary: 'Create a note',
      tags: ['Test'],
      body: Note,
      response: z.object({ id: z.string(), text: z.string(), execution: z.number() }),
      handler: async ({ body }) => {
        executions += 1;
        if (gate) await gate;
        if (failNext) {
          failNext = false;
          throw new Error('database on fire');
        }
        return { id: `note_${executions}`, text: body.text, execution: executions };
      },
    }),
    apiRoute(ctx, {
      method: 'get',
      path: '/api/v1/test/keys',
      summary: 'List keys',
      tags: ['Test'],
      query: listQuery({ mode: z.enum(['live', 'test']).optional() }),
      response: pageOf(z.object({ id: z.string(), name: z.string() })),
      handler: ({ query, api }) => {
        const db = ctx.db.kysely;
        let q = db.selectFrom('apiKeys').select(['id', 'name']).where('merchantId', '=', api.merchantId).orderBy('name');
        if (query.mode) q = q.where('mode', '=', query.mode);
        return paginate(db, q, query, (r) => r);
      },
    }),
  ]);
});
afterEach(() => t.close());

describe('request bodies and errors', () => {
  it('answers 413 for a JSON body over 100 kB', async () => {
    const res = await apiAs(app, key).post('/api/v1/test/notes', { text: 'x'.repeat(110_000) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { code: 'body_too_large', message: 'Request body is too large.' } });
  });

  it('answers 400 invalid_json for malformed JSON', async () => {
    const res = await apiAs(app, key).post('/api/v1/test/notes').set('Content-Type', 'application/json').send('{"text": "hi",');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_json', message: 'Request body is not valid JSON.' } });
    expect(executions).toBe(0);
  });

  it('refuses unknown body fields and names them', async () => {
    const res = await apiAs(app, key).post('/api/v1/test/notes', { text: 'hi', colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: 'Unknown field: colour.', param: 'colour' } });
    expect(executions).toBe(0);
  });

  it('names the invalid field', async () => {
    const res = await apiAs(app, key).post('/api/v1/test/notes', { text: 42 });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', param: 'text' });
  });

  it('refuses unknown query parameters on a real endpoint', async () => {
    const res = await apiAs(t, key).get('/api/v1/program?expand=everything');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: 'Unknown field: expand.', param: 'expand' } });
  });

  it('answers 404 in JSON for unknown /api routes, with or without a key, and never asks for a CSRF token', async () => {
    const withKey = await apiAs(t, key).get('/api/v1/nothing-here');
    expect(withKey.status).toBe(404);
    expect(withKey.body).toEqual({ error: { code: 'route_not_found', message: 'No route for GET /api/v1/nothing-here.' } });
    const post = await request(t.http).post('/api/v1/affiliates/nope').send({ a: 1 });
    expect(post.status).toBe(404);
    expect(post.body.error.code).toBe('route_not_found');
    const wrongMethod = await apiAs(t, key).post('/api/v1/program', {});
    expect(wrongMethod.status).toBe(404);
  });
});

describe('pagination', () => {
  beforeEach(async () => {
    for (const name of ['b', 'c', 'd', 'e']) await createKey(t.db.kysely, t.clock, m.merchantId, m.userId, { name, mode: name === 'e' ? 'test' : 'live' });
  });

  it('answers page 1 of 50 by default, with the total', async () => {
    const res = await apiAs(app, key).get('/api/v1/test/keys');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page: 1, limit: 50, total: 5 });
    expect(res.body.data.map((k: { name: string }) => k.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('pages with page and limit, and filters before counting', async () => {
    const page2 = await apiAs(app, key).get('/api/v1/test/keys?page=2&limit=2');
    expect(page2.body).toMatchObject({ page: 2, limit: 2, total: 5 });
    expect(page2.body.data.map((k: { name: string }) => k.name)).toEqual(['c', 'd']);
    const beyond = await apiAs(app, key).get('/api/v1/test/keys?page=9&limit=100');
    expect(beyond.body).toEqual({ data: [], page: 9, limit: 100, total: 5 });
    const filtered = await apiAs(app, key).get('/api/v1/test/keys?mode=test');
    expect(filtered.body).toMatchObject({ total: 1, data: [{ name: 'e' }] });
  });

  it.each([
    ['limit=0', 'limit', 'limit must be 1 or more.'],
    ['limit=101', 'limit', 'limit must be at most 100.'],
    ['limit=abc', 'limit', 'limit must be a whole number.'],
    ['limit=2.5', 'limit', 'limit must be a whole number.'],
    ['page=0', 'page', 'page must be 1 or more.'],
    ['page=-1', 'page', 'page must be 1 or more.'],
  ])('refuses %s with a 400 naming the parameter', async (qs, param, message) => {
    const res = await apiAs(app, key).get(`/api/v1/test/keys?${qs}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message, param } });
  });
});

describe('Idempotency-Key', () => {
  const post = (body: unknown, idemKey = 'order-123', as = key) => apiAs(app, as).post('/api/v1/test/notes', body).set('Idempotency-Key', idemKey);

  it('replays the first response for the same key and body, without running the write again', async () => {
    const first = await post({ text: 'hello', tags: ['a'] });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post({ tags: ['a'], text: 'hello' });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers['x-ratelimit-limit']).toBe('30');
    expect(executions).toBe(1);
    const rows = await t.db.kysely.selectFrom('idempotencyKeys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ idempotencyKey: 'order-123', state: 'done', responseStatus: 201, merchantId: m.merchantId, expiresAt: '2026-11-26T12:00:00.000Z' });
    expect(JSON.parse(rows[0]!.responseBody!)).toEqual(first.body);
  });

  it('refuses the same key with a different body with 422', async () => {
    await post({ text: 'hello' });
    const res = await post({ text: 'goodbye' });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: { code: 'idempotency_key_reused', message: 'This Idempotency-Key was already used with a different request. Use a new key for a new request.', param: 'Idempotency-Key' },
    });
    expect(executions).toBe(1);
  });

  it('scopes keys per API key', async () => {
    const other = await createApiKey(m, { name: 'Other' });
    await post({ text: 'hello' });
    const res = await post({ text: 'hello' }, 'order-123', other);
    expect(res.status).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(executions).toBe(2);
  });

  it('answers 409 while the first request is still in flight', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const first = post({ text: 'slow' }).then((r) => r);
    while (executions === 0) await new Promise((r) => setImmediate(r));
    const second = await post({ text: 'slow' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('idempotency_key_in_use');
    open();
    expect((await first).status).toBe(201);
    expect((await post({ text: 'slow' })).headers['idempotent-replayed']).toBe('true');
  });

  it('does not use up the key on a refused request or a server error', async () => {
    expect((await post({ text: '' })).status).toBe(400);
    failNext = true;
    expect((await post({ text: 'hello' })).status).toBe(500);
    const retry = await post({ text: 'hello' });
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.body.execution).toBe(2);
  });

  it('forgets keys after 24 hours, and the sweep job deletes them', async () => {
    await post({ text: 'hello' });
    t.clock.advance(24 * 3_600_000);
    await settle(t);
    expect(await t.db.kysely.selectFrom('idempotencyKeys').selectAll().execute()).toHaveLength(0);
    const res = await post({ text: 'a different body is fine now' });
    expect(res.status).toBe(201);
    expect(executions).toBe(2);
  });

  it('refuses a malformed Idempotency-Key', async () => {
    const res = await post({ text: 'hello' }, 'x'.repeat(256));
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('Idempotency-Key');
  });
});
