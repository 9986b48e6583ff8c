import http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { buildTestApp, settle, signUpMerchant, type SignedUpMerchant, type TestApp } from '../helpers/app';
import { webhookReceiver, type WebhookReceiver } from '../helpers/api';
import { recordEvent } from '../../server/outbound/record';
import { ConfigError, parseConfig } from '../../server/config';

// Deliveries with OUTBOUND_ALLOW_PRIVATE=false (the production default): whatever the saved URL looked like,
// the address the socket would connect to decides, at delivery time.

const REFUSED = 'Refused: destination resolves to a private address';

let t: TestApp;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function start(options?: Parameters<typeof buildTestApp>[0]): Promise<void> {
  t = await buildTestApp(options);
  closers.push(t.close);
}

async function receiver(): Promise<WebhookReceiver> {
  const r = await webhookReceiver();
  closers.push(r.close);
  return r;
}
const portOf = (r: WebhookReceiver) => new URL(r.url).port;

/** DNS where hooks.rebind.test points at this machine (an attacker's record, or a rebinding answer); records every question. */
function rebindingDns(asked: string[]): LookupFunction {
  return (hostname, options, callback) => {
    asked.push(hostname);
    if (hostname !== 'hooks.rebind.test') return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
    if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
  };
}

async function addEndpoint(m: SignedUpMerchant, url: string) {
  const res = await m.browser.submit('/settings/webhooks', { url, mode: 'live', events: ['commission.created'] } as never);
  expect([url, res.status]).toEqual([url, 201]);
  return (await t.db.kysely.selectFrom('webhookEndpoints').select('id').where('url', '=', url).executeTakeFirstOrThrow()).id;
}

const event = (m: SignedUpMerchant) =>
  recordEvent(t.db.kysely, { merchantId: m.merchantId, type: 'commission.created', livemode: true, data: { commission: { id: 'com_1' } }, at: t.clock.now() });

const deliveries = () =>
  t.db.kysely.selectFrom('webhookDeliveries').select(['endpointId', 'status', 'attempts', 'nextAttemptAt', 'responseStatus', 'lastError']).orderBy('endpointId').execute();

describe('a host name that resolves to a private address', () => {
  it('is saved (it looks public) but refused when delivering: nothing reaches the receiver, the delivery fails at once with a clear error', async () => {
    const asked: string[] = [];
    await start({ env: { OUTBOUND_ALLOW_PRIVATE: 'false' }, dnsLookup: rebindingDns(asked) });
    const m = await signUpMerchant(t);
    const r = await receiver();
    const endpointId = await addEndpoint(m, `http://hooks.rebind.test:${portOf(r)}/hooks/refcut`);
    await event(m);
    await settle(t);

    expect(asked).toContain('hooks.rebind.test');
    expect(r.received).toEqual([]);
    expect(await deliveries()).toEqual([{ endpointId, status: 'failed', attempts: 1, nextAttemptAt: null, responseStatus: null, lastError: REFUSED }]);

    const page = await m.browser.agent.get(`/settings/webhooks/${endpointId}`);
    expect(page.text).toContain('>failed<');
    expect(page.text).toContain(REFUSED);

    // Not retried by itself; a manual resend is checked again and refused again.
    t.clock.advanceDays(2);
    await settle(t);
    const [delivery] = await t.db.kysely.selectFrom('webhookDeliveries').select('id').execute();
    expect((await m.browser.submit(`/settings/webhooks/deliveries/${delivery!.id}/resend`, {}, `/settings/webhooks/${endpointId}`)).status).toBe(303);
    await settle(t);
    expect(r.received).toEqual([]);
    expect(await deliveries()).toMatchObject([{ status: 'failed', attempts: 1, lastError: REFUSED }]);
  });

  it('is delivered when the operator allows private destinations (the same fake DNS is in use)', async () => {
    const asked: string[] = [];
    await start({ env: { OUTBOUND_ALLOW_PRIVATE: 'true' }, dnsLookup: rebindingDns(asked) });
    const m = await signUpMerchant(t);
    const r = await receiver();
    await addEndpoint(m, `http://hooks.rebind.test:${portOf(r)}/hooks/refcut`);
    await event(m);
    await settle(t);
    expect(asked).toContain('hooks.rebind.test');
    expect(r.received).toHaveLength(1);
    expect(await deliveries()).toMatchObject([{ status: 'succeeded', attempts: 1, responseStatus: 200, lastError: null }]);
  });
});

describe('URLs saved while private destinations were allowed', () => {
  it('are refused at delivery once the operator turns them off: localhost through the system resolver, literal IPs', async () => {
    await start();
    const m = await signUpMerchant(t);
    const r = await receiver();
    const urls = [`http://localhost:${portOf(r)}/a`, `http://127.0.0.1:${portOf(r)}/b`, `http://[::ffff:127.0.0.1]:${portOf(r)}/c`, `http://2130706433:${portOf(r)}/d`];
    for (const url of urls) await addEndpoint(m, url);
    await event(m);

    // The same database, restarted with the production default.
    const strict = await buildTestApp({ db: t.db, clock: t.clock, env: { OUTBOUND_ALLOW_PRIVATE: 'false' } });
    await settle(strict);
    expect(r.received).toEqual([]);
    const rows = await deliveries();
    expect(rows).toHaveLength(urls.length);
    for (const d of rows) expect(d).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null, lastError: REFUSED });
  });
});

describe('the saved-URL check through the settings form', () => {
  it.each([
    'http://127.0.0.1:8080/x',
    'http://localhost:3000/x',
    'http://0x7f.1/x',
    'http://2130706433/x',
    'https://[::127.0.0.1]/x',
    'https://[::1]/x',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.5/x',
    'http://[fd00::1]/x',
  ])('refuses %s when private destinations are off', async (url) => {
    await start({ env: { OUTBOUND_ALLOW_PRIVATE: 'false' } });
    const m = await signUpMerchant(t);
    const res = await m.browser.submit('/settings/webhooks', { url, mode: 'live', events: ['commission.created'] } as never);
    expect(res.status).toBe(400);
    expect(res.text).toContain('The URL must point to a public address.');
    expect(await t.db.kysely.selectFrom('webhookEndpoints').selectAll().execute()).toEqual([]);
  });

  it('accepts the same URL when they are allowed (the test default)', async () => {
    await start();
    const m = await signUpMerchant(t);
    expect((await m.browser.submit('/settings/webhooks', { url: 'http://127.0.0.1:8080/x', mode: 'live', events: ['commission.created'] } as never)).status).toBe(201);
  });
});

describe('redirects', () => {
  it('are answers, never followed', async () => {
    await start();
    const target = await receiver();
    const redirecting = http.createServer((_req, res) => res.writeHead(307, { Location: target.url }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => redirecting.close(() => resolve())));
    const m = await signUpMerchant(t);
    await addEndpoint(m, `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/hooks`);
    await event(m);
    await settle(t);
    expect(target.received).toEqual([]);
    expect(await deliveries()).toMatchObject([{ status: 'pending', attempts: 1, responseStatus: 307, lastError: 'HTTP 307' }]);
  });
});

describe('OUTBOUND_ALLOW_PRIVATE', () => {
  const secrets = { SESSION_SECRET: 'x'.repeat(40), STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_CLIENT_ID: 'ca_x', STRIPE_WEBHOOK_SECRET: 'whsec_x', PUBLIC_URL: 'https://refcut.example' };
  const allowPrivate = (env: Record<string, string>) => {
    try {
      return parseConfig(env).outbound.allowPrivate;
    } catch (e) {
      return (e as ConfigError).problems.find((p) => p.startsWith('OUTBOUND_ALLOW_PRIVATE')) ?? (e as Error).message;
    }
  };
  it('is off in production and on in development and test unless set', () => {
    expect(allowPrivate({ NODE_ENV: 'production', ...secrets })).toBe(false);
    expect(allowPrivate({ NODE_ENV: 'production', ...secrets, OUTBOUND_ALLOW_PRIVATE: 'true' })).toBe(true);
    expect(allowPrivate({ NODE_ENV: 'development' })).toBe(true);
    expect(allowPrivate({ NODE_ENV: 'test', OUTBOUND_ALLOW_PRIVATE: 'false' })).toBe(false);
    expect(allowPrivate({ OUTBOUND_ALLOW_PRIVATE: 'yes' })).toBe('OUTBOUND_ALLOW_PRIVATE: OUTBOUND_ALLOW_PRIVATE must be true or false');
  });
});
