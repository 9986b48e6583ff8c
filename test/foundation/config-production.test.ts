import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { buildTestApp, csrfFrom } from '../helpers/app';
import { createTestDb, testDialect } from '../helpers/db';
import { databaseUrlOf } from '../reliability/server-process';
import { ConfigError, parseConfig } from '../../server/config';
import { start } from '../../server/main';

const productionEnv = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://partners.acme.example',
  SESSION_SECRET: 'production-session-secret-0123456789abcdef',
  STRIPE_SECRET_KEY: 'sk_live_platform',
  STRIPE_CLIENT_ID: 'ca_platform',
  STRIPE_WEBHOOK_SECRET: 'whsec_platform',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('production refuses settings that only make sense locally', () => {
  it('starts with every secret and an explicit PUBLIC_URL', () => {
    expect(parseConfig(productionEnv).publicUrl).toBe('https://partners.acme.example');
  });

  it('refuses to start without PUBLIC_URL', () => {
    const { PUBLIC_URL: _omitted, ...env } = productionEnv;
    expect(problemsOf(env)).toEqual(['PUBLIC_URL: required when NODE_ENV=production (the address people reach this server at)']);
  });

  it('refuses a fake Stripe API or Connect base, one line each', () => {
    expect(problemsOf({ ...productionEnv, STRIPE_API_BASE: 'http://127.0.0.1:12111', STRIPE_CONNECT_BASE: 'https://connect.stripe.test' })).toEqual([
      'STRIPE_API_BASE: must be https://api.stripe.com when NODE_ENV=production (other values are for test fakes)',
      'STRIPE_CONNECT_BASE: must be https://connect.stripe.com when NODE_ENV=production (other values are for test fakes)',
    ]);
  });

  it('accepts the real Stripe bases spelled out, and a fake one when a benchmark says so', () => {
    expect(problemsOf({ ...productionEnv, STRIPE_API_BASE: 'https://api.stripe.com/', STRIPE_CONNECT_BASE: 'https://connect.stripe.com' })).toEqual([]);
    expect(parseConfig({ ...productionEnv, STRIPE_API_BASE: 'http://127.0.0.1:12111', REFCUT_ALLOW_FAKE_STRIPE: '1' }).stripe.apiBase).toBe('http://127.0.0.1:12111');
  });

  it('still lets development and tests use a fake Stripe on localhost', () => {
    const c = parseConfig({ STRIPE_API_BASE: 'http://127.0.0.1:12111' });
    expect(c.stripe.apiBase).toBe('http://127.0.0.1:12111');
    expect(c.publicUrl).toBe('http://localhost:3000');
  });
});

describe('TRUST_PROXY decides which client address the app sees', () => {
  const forwarded = '203.0.113.5, 198.51.100.7';

  /** The client address the failed-login limiter counted (its rate-limit key) for one request through a proxy chain. */
  async function addressSeen(env: Record<string, string>): Promise<string> {
    const t = await buildTestApp({ env });
    try {
      const agent = request.agent(t.http);
      const token = csrfFrom((await agent.get('/login')).text);
      const res = await agent.post('/login').set('X-Forwarded-For', forwarded).type('form').send({ email: 'nobody@acme.test', password: 'wrong password', _csrf: token });
      expect(res.status).toBe(401);
      const rows = await t.db.kysely.selectFrom('rateLimits').select('key').where('key', 'like', 'login-ip:%').execute();
      expect(rows).toHaveLength(1);
      return rows[0]!.key.slice('login-ip:'.length);
    } finally {
      await t.close();
    }
  }

  it.each([
    ['1', '198.51.100.7'],
    ['2', '203.0.113.5'],
    ['true', '203.0.113.5'],
    ['loopback, 198.51.100.0/24', '203.0.113.5'],
  ])('TRUST_PROXY=%s takes the client from X-Forwarded-For (%s)', async (value, expected) => {
    expect(await addressSeen({ TRUST_PROXY: value })).toBe(expected);
  });

  it('by default trusts a proxy on this host only', async () => {
    expect(await addressSeen({})).toBe('198.51.100.7');
  });

  it.each(['0', 'false', '10.0.0.0/8'])('TRUST_PROXY=%s ignores X-Forwarded-For from an untrusted peer', async (value) => {
    expect(await addressSeen({ TRUST_PROXY: value })).not.toMatch(/203\.0\.113|198\.51\.100/);
  });

  it.each(['nonsense', 'loopback,,10.0.0.1', '10.0.0.0/33', '-1'])('refuses TRUST_PROXY=%s with one line instead of crashing later', (value) => {
    const problems = problemsOf({ TRUST_PROXY: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^TRUST_PROXY: must be a hop count, true, false, or comma-separated names\/addresses\/CIDRs/);
  });
});

describe('DATABASE_POOL_SIZE', () => {
  it('defaults to 10 connections and accepts 1 to 100', () => {
    expect(parseConfig({}).databasePoolSize).toBe(10);
    expect(parseConfig({ DATABASE_POOL_SIZE: '25' }).databasePoolSize).toBe(25);
    for (const bad of ['0', '101', 'lots']) expect(problemsOf({ DATABASE_POOL_SIZE: bad }).map((p) => p.split(':')[0])).toEqual(['DATABASE_POOL_SIZE']);
  });

  (testDialect === 'postgres' ? it : it.skip)('sizes the PostgreSQL pool of a started server', async () => {
    const testDb = await createTestDb();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refcut-pool-'));
    const config = parseConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrlOf(testDb, path.join(dir, 'unused.db')), DATABASE_POOL_SIZE: '3' });
    const server = await start(config);
    try {
      expect((server.db.pool as unknown as { options: { max: number } }).options.max).toBe(3);
      expect((await request(server.server).get('/healthz')).status).toBe(200);
    } finally {
      await server.stop();
      await testDb.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
