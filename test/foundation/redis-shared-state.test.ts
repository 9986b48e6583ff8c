// With REDIS_URL, sessions and rate-limit counters live in Redis and hold across processes, and nothing
// of them is written to the database. Runs when TEST_REDIS_URL is set (.ci/run sets it and starts Redis).
import crypto from 'node:crypto';
import request from 'supertest';
import { buildTestApp, signUpMerchant, type TestApp } from '../helpers/app';
import { apiAs, createApiKey } from '../helpers/api';
import { connectRedis, type RedisClient } from '../../server/http/shared-state';
import { parseConfig } from '../../server/config';
import { createLogger } from '../../server/lib/logger';

const REDIS_URL = process.env.TEST_REDIS_URL;
const describeWithRedis = REDIS_URL ? describe : describe.skip;

describe('REDIS_URL configuration', () => {
  it('accepts redis:// and rediss:// URLs with a key prefix, and refuses anything else', () => {
    expect(parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' }).redis).toEqual({ url: 'redis://127.0.0.1:6379/2', prefix: 'refcut:' });
    expect(parseConfig({ REDIS_URL: 'rediss://u:p@cache.example:6380', REDIS_PREFIX: 'shop-a:' }).redis).toEqual({ url: 'rediss://u:p@cache.example:6380', prefix: 'shop-a:' });
    expect(parseConfig({}).redis).toBeNull();
    expect(() => parseConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL must look like redis:\/\/host:6379/);
    expect(() => parseConfig({ REDIS_URL: 'redis://x', REDIS_PREFIX: 'has space' })).toThrow(/REDIS_PREFIX/);
  });

  it('fails start-up with a clear message when Redis cannot be reached', async () => {
    await expect(connectRedis('redis://127.0.0.1:1', createLogger('silent'))).rejects.toThrow(/^REDIS_URL: could not connect \(/);
  });
});

describeWithRedis('sessions and rate limits in Redis, shared by two app processes', () => {
  let client: RedisClient;
  let prefix: string;
  let a: TestApp;
  let b: TestApp;

  beforeEach(async () => {
    client = await connectRedis(REDIS_URL!, createLogger('silent'));
    prefix = `refcut-test-${crypto.randomBytes(6).toString('hex')}:`;
    const env = { API_RATE_LIMIT_GET: '3' };
    a = await buildTestApp({ env, redis: { client, prefix } });
    b = await buildTestApp({ env, db: a.db, clock: a.clock, redis: { client, prefix } });
  });

  afterEach(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(keys);
    await client.close();
    await a.close();
  });

  const cookieOf = (res: request.Response) => (res.headers['set-cookie'] as unknown as string[] | undefined)?.find((c) => c.startsWith('refcut.sid='))?.split(';')[0];

  it('a session opened on one process is valid on the other, is stored only in Redis, and logging out ends it everywhere', async () => {
    const m = await signUpMerchant(a);
    const login = await request(a.http).get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
    const res = await request(a.http).post('/login').set('Cookie', cookieOf(login)!).type('form').send({ email: m.email, password: 'correct horse battery', _csrf: csrf });
    expect(res.status).toBe(303);
    const cookie = cookieOf(res)!;

    const onB = await request(b.http).get('/dashboard').set('Cookie', cookie);
    expect(onB.status).toBe(200);
    expect(await a.db.kysely.selectFrom('sessions').select('sid').execute()).toEqual([]);
    const sid = decodeURIComponent(cookie.slice('refcut.sid='.length)).slice('s:'.length).split('.')[0]!;
    const ttl = await client.pTTL(`${prefix}sess:${sid}`);
    expect(ttl).toBeGreaterThan(6 * 86_400_000);
    expect(ttl).toBeLessThanOrEqual(7 * 86_400_000);

    const page = await request(b.http).get('/dashboard').set('Cookie', cookie);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const out = await request(b.http).post('/logout').set('Cookie', cookie).type('form').send({ _csrf: token });
    expect(out.status).toBe(303);
    expect(await client.exists(`${prefix}sess:${sid}`)).toBe(0);
    const afterOnA = await request(a.http).get('/dashboard').set('Cookie', cookie);
    expect(afterOnA.status).toBe(303);
    expect(afterOnA.headers.location).toMatch(/^\/login/);
  });

  it('an API key’s read limit counts requests on both processes, with exact headers, and writes no database rows', async () => {
    const m = await signUpMerchant(a);
    const key = await createApiKey(m);
    const r1 = await apiAs(a, key).get('/api/v1/program');
    const r2 = await apiAs(b, key).get('/api/v1/program');
    const r3 = await apiAs(a, key).get('/api/v1/program');
    expect([r1.status, r2.status, r3.status]).toEqual([200, 200, 200]);
    expect([r1, r2, r3].map((r) => r.headers['x-ratelimit-remaining'])).toEqual(['2', '1', '0']);
    const reset = Number(r3.headers['x-ratelimit-reset']);
    expect(reset * 1000).toBeGreaterThan(Date.now());
    expect(reset * 1000).toBeLessThanOrEqual(Date.now() + 61_000);

    const r4 = await apiAs(b, key).get('/api/v1/program');
    expect(r4.status).toBe(429);
    expect(r4.body.error.code).toBe('rate_limited');
    expect(Number(r4.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await a.db.kysely.selectFrom('rateLimits').select('key').execute()).toEqual([]);
    expect((await client.keys(`${prefix}rl:api-read:*`)).length).toBe(1);
  });

  it('failed logins for one email are counted across processes: the sixth is refused on either', async () => {
    const m = await signUpMerchant(a);
    for (let i = 0; i < 5; i += 1) {
      const app = i % 2 === 0 ? a : b;
      const page = await request(app.http).get('/login');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      const res = await request(app.http).post('/login').set('Cookie', cookieOf(page)!).type('form').send({ email: m.email, password: 'wrong password!', _csrf: csrf });
      expect(res.status).toBe(401);
    }
    const page = await request(b.http).get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const blocked = await request(b.http).post('/login').set('Cookie', cookieOf(page)!).type('form').send({ email: m.email, password: 'correct horse battery', _csrf: csrf });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many failed attempts');
  });

  it('the health check answers 503 while this process cannot reach Redis', async () => {
    expect((await request(a.http).get('/healthz')).body).toEqual({ status: 'ok' });
    const lost = await connectRedis(REDIS_URL!, createLogger('silent'));
    const c = await buildTestApp({ db: a.db, redis: { client: lost, prefix } });
    await lost.close();
    const res = await request(c.http).get('/healthz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unavailable' });
  });
});
