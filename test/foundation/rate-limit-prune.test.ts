import request from 'supertest';
import { buildTestApp, csrfFrom, type TestApp } from '../helpers/app';
import { pruneExpiredRateLimits } from '../../server/http/rate-limit-store';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(async () => {
  await t.close();
});

async function failLogin(email: string) {
  const agent = request.agent(t.http);
  const token = csrfFrom((await agent.get('/login')).text);
  const res = await agent.post('/login').type('form').send({ email, password: 'wrong password', _csrf: token });
  expect(res.status).toBe(401);
}

async function counters() {
  return t.db.kysely.selectFrom('rateLimits').select(['key', 'hits']).orderBy('key').execute();
}

async function addEndedWindows(keys: string[]) {
  await t.db.kysely
    .insertInto('rateLimits')
    .values(keys.map((key) => ({ key, hits: 7, resetAt: Date.now() - 60_000 })))
    .execute();
}

describe('pruning rate-limit counters', () => {
  it('deletes counters whose window ended and keeps the running ones counting', async () => {
    await failLogin('someone@acme.test');
    const live = await counters();
    expect(live.map((r) => r.key)).toEqual(['login-email:someone@acme.test', expect.stringMatching(/^login-ip:/)]);
    await addEndedWindows(['login-ip:198.51.100.1', 'login-email:old@acme.test', 'api-read:key_old']);

    await t.app.jobs.drain();

    expect(await counters()).toEqual(live);
    await failLogin('someone@acme.test');
    expect((await counters()).map((r) => r.hits)).toEqual([2, 2]);
  });

  it('deletes in bounded batches until none is left', async () => {
    await addEndedWindows(['a', 'b', 'c', 'd', 'e']);
    const now = Date.now();
    expect(await pruneExpiredRateLimits(t.db.kysely, now, 2)).toBe(2);
    expect(await pruneExpiredRateLimits(t.db.kysely, now, 2)).toBe(2);
    expect(await pruneExpiredRateLimits(t.db.kysely, now, 2)).toBe(1);
    expect(await pruneExpiredRateLimits(t.db.kysely, now, 2)).toBe(0);
    expect(await counters()).toEqual([]);
  });
});
