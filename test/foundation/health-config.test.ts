import request from 'supertest';
import { buildTestApp } from '../helpers/app';
import { ConfigError, parseConfig } from '../../server/config';

describe('health check', () => {
  it('answers ok after a database round trip, and 503 when the database is gone', async () => {
    const t = await buildTestApp();
    const ok = await request(t.http).get('/healthz');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ status: 'ok' });
    await t.close();
    const down = await request(t.http).get('/healthz');
    expect(down.status).toBe(503);
  });
});

describe('configuration', () => {
  it('uses safe development defaults with no environment at all', () => {
    const c = parseConfig({});
    expect(c.port).toBe(3000);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.databaseUrl).toBe('./data/app.db');
    expect(c.defaultedSecrets).toEqual(['SESSION_SECRET', 'STRIPE_SECRET_KEY', 'STRIPE_CLIENT_ID', 'STRIPE_WEBHOOK_SECRET']);
  });

  it('refuses to start in production without secrets, naming each variable', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    try {
      parseConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) });
    } catch (e) {
      expect((e as ConfigError).problems).toEqual([
        'STRIPE_SECRET_KEY: required when NODE_ENV=production',
        'STRIPE_CLIENT_ID: required when NODE_ENV=production',
        'STRIPE_WEBHOOK_SECRET: required when NODE_ENV=production',
        'PUBLIC_URL: required when NODE_ENV=production (the address people reach this server at)',
      ]);
    }
  });

  it('reports one line per malformed variable', () => {
    try {
      parseConfig({ PORT: 'eighty', PUBLIC_URL: 'localhost', STRIPE_WEBHOOK_SECRET: 'whsec_a,nope', LOG_LEVEL: 'loud', SESSION_SECRET: 'short' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      const problems = (e as ConfigError).problems;
      expect(problems).toHaveLength(5);
      expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'PORT', 'PUBLIC_URL', 'SESSION_SECRET', 'STRIPE_WEBHOOK_SECRET']);
    }
  });

  it('splits rotated webhook secrets', () => {
    expect(parseConfig({ STRIPE_WEBHOOK_SECRET: 'whsec_new, whsec_old' }).stripe.webhookSecrets).toEqual(['whsec_new', 'whsec_old']);
  });
});
