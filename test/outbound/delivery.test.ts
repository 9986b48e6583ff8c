import fs from 'node:fs';
import path from 'node:path';
import { buildTestApp, settle, signUpMerchant, type SignedUpMerchant, type TestApp } from '../helpers/app';
import { webhookReceiver, type WebhookReceiver } from '../helpers/api';
import { recordEvent, type OutboundEventType } from '../../server/outbound/record';
import { fanOut } from '../../server/outbound/fanout';
import { deliverDue } from '../../server/outbound/deliver';
import { createLogger } from '../../server/lib/logger';

let t: TestApp;
const receivers: WebhookReceiver[] = [];
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await t.close();
});

async function receiver(respond?: (n: number) => number) {
  const r = await webhookReceiver(respond);
  receivers.push(r);
  return r;
}

/** Register an endpoint through the settings page; returns its id and the secret shown once. */
async function addEndpoint(m: SignedUpMerchant, url: string, options: { mode?: 'live' | 'test'; events?: OutboundEventType[] } = {}) {
  const res = await m.browser.submit('/settings/webhooks', { url, mode: options.mode ?? 'live', events: options.events ?? ['commission.created', 'partner_application.approved'] } as never);
  if (res.status !== 201) throw new Error(`adding the endpoint failed: ${res.status}`);
  const secret = /whsec_[0-9A-Za-z]{32}/.exec(res.text)![0];
  const { id } = await t.db.kysely.selectFrom('webhookEndpoints').select('id').where('url', '=', url).executeTakeFirstOrThrow();
  return { id, secret };
}

const event = (m: SignedUpMerchant, type: OutboundEventType = 'commission.created', livemode = true) =>
  recordEvent(t.db.kysely, { merchantId: m.merchantId, type, livemode, data: { commission: { id: 'com_1', amount: 1250, currency: 'usd' } }, at: t.clock.now() });

const deliveries = () =>
  t.db.kysely.selectFrom('webhookDeliveries').select(['endpointId', 'eventId', 'status', 'attempts', 'nextAttemptAt', 'responseStatus', 'lastError']).orderBy('createdAt').execute();

/** The verification snippet from docs/webhooks.md, evaluated exactly as merchants copy it. */
function documentedVerifier(): (rawBody: Buffer | string, header: string, secret: string, options?: { toleranceSeconds?: number; now?: number }) => unknown {
  const doc = fs.readFileSync(path.join(__dirname, '../../docs/webhooks.md'), 'utf8');
  const snippet = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes('function verifyRefcutWebhook'));
  if (!snippet) throw new Error('no verification snippet in docs/webhooks.md');
  return new Function('require', `${snippet}\nreturn verifyRefcutWebhook;`)(require);
}

describe('delivering an event', () => {
  it('POSTs the event as signed JSON that the documented snippet verifies', async () => {
    const m = await signUpMerchant(t);
    const r = await receiver();
    const { id: endpointId, secret } = await addEndpoint(m, r.url);
    const eventId = await event(m);
    await settle(t);

    expect(r.received).toHaveLength(1);
    const got = r.received[0]!;
    expect(got.body).toEqual({ id: eventId, type: 'commission.created', createdAt: '2026-11-25T12:00:00.000Z', livemode: true, data: { commission: { id: 'com_1', amount: 1250, currency: 'usd' } } });
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['refcut-event-id']).toBe(eventId);
    expect(got.headers['refcut-event-type']).toBe('commission.created');
    const [delivery] = await t.db.kysely.selectFrom('webhookDeliveries').selectAll().execute();
    expect(got.headers['refcut-delivery-id']).toBe(delivery!.id);
    expect(got.headers['refcut-signature']).toMatch(/^t=1795608000,v1=[0-9a-f]{64}$/);

    const verify = documentedVerifier();
    const now = t.clock.now().getTime();
    expect(verify(got.rawBody, String(got.headers['refcut-signature']), secret, { now })).toEqual(got.body);
    expect(() => verify(Buffer.from(got.rawBody.toString().replace('1250', '9999')), String(got.headers['refcut-signature']), secret, { now })).toThrow('does not match');
    expect(() => verify(got.rawBody, String(got.headers['refcut-signature']), 'whsec_wrong', { now })).toThrow('does not match');
    expect(() => verify(got.rawBody, String(got.headers['refcut-signature']), secret, { now: now + 600_000 })).toThrow('outside the tolerance');

    expect(delivery).toMatchObject({ endpointId, eventId, status: 'succeeded', attempts: 1, nextAttemptAt: null, responseStatus: 200, lastError: null, lastAttemptAt: '2026-11-25T12:00:00.000Z' });
    expect(await t.db.kysely.selectFrom('outboxFanouts').selectAll().execute()).toEqual([{ eventId, deliveries: 1, createdAt: '2026-11-25T12:00:00.000Z' }]);
  });

  it('sends only the subscribed types, in the endpoint’s mode, and nothing to endpoints added later', async () => {
    const m = await signUpMerchant(t);
    const live = await receiver();
    const test = await receiver();
    await addEndpoint(m, live.url, { events: ['payout.paid'] });
    await addEndpoint(m, test.url, { mode: 'test', events: ['payout.paid'] });
    await event(m, 'commission.created');
    const paidLive = await event(m, 'payout.paid', true);
    const paidTest = await event(m, 'payout.paid', false);
    await settle(t);
    expect(live.received.map((x) => (x.body as { id: string }).id)).toEqual([paidLive]);
    expect(test.received.map((x) => (x.body as { id: string; livemode: boolean })).map((b) => [b.id, b.livemode])).toEqual([[paidTest, false]]);

    t.clock.advance(1000);
    const late = await receiver();
    await addEndpoint(m, late.url, { events: ['payout.paid'] });
    await settle(t);
    expect(late.received).toEqual([]);
  });

  it('never sends merchant A’s events to merchant B’s endpoints', async () => {
    const a = await signUpMerchant(t);
    const b = await signUpMerchant(t);
    const ra = await receiver();
    const rb = await receiver();
    await addEndpoint(a, ra.url);
    await addEndpoint(b, rb.url);
    const fromA = await event(a);
    await settle(t);
    expect(ra.received.map((x) => (x.body as { id: string }).id)).toEqual([fromA]);
    expect(rb.received).toEqual([]);
    expect((await deliveries()).map((d) => d.eventId)).toEqual([fromA]);
  });

  it('sends each delivery once when two workers run at the same time', async () => {
    const m = await signUpMerchant(t);
    const r = await receiver();
    await addEndpoint(m, r.url);
    await event(m);
    await event(m, 'partner_application.approved');
    await Promise.all([fanOut(t.db.kysely, t.clock), fanOut(t.db.kysely, t.clock)]);
    expect(await deliveries()).toHaveLength(2);
    const logger = createLogger('silent');
    const sent = await Promise.all([0, 1, 2].map(() => deliverDue(t.db.kysely, t.clock, logger, { timeoutMs: 5_000, batch: 10, allowPrivate: true })));
    expect(sent.reduce((x, y) => x + y, 0)).toBe(2);
    expect(r.received).toHaveLength(2);
  });
});

describe('retries', () => {
  it('retries a 500 with exponential backoff and stops after the first success', async () => {
    const m = await signUpMerchant(t);
    const r = await receiver((n) => (n <= 2 ? 500 : 204));
    await addEndpoint(m, r.url);
    await event(m);
    await settle(t);
    expect(await deliveries()).toMatchObject([{ status: 'pending', attempts: 1, responseStatus: 500, lastError: 'HTTP 500: receiver says no', nextAttemptAt: '2026-11-25T12:01:00.000Z' }]);

    t.clock.advance(59_000);
    await settle(t);
    expect(r.received).toHaveLength(1);
    t.clock.advance(1_000);
    await settle(t);
    expect(await deliveries()).toMatchObject([{ status: 'pending', attempts: 2, responseStatus: 500, nextAttemptAt: '2026-11-25T12:03:00.000Z' }]);

    t.clock.advance(120_000);
    await settle(t);
    expect(await deliveries()).toMatchObject([{ status: 'succeeded', attempts: 3, responseStatus: 204, lastError: null, nextAttemptAt: null }]);
    t.clock.advanceDays(2);
    await settle(t);
    expect(r.received).toHaveLength(3);
    // Every attempt carries the same event id, so the receiver can dedupe.
    expect(new Set(r.received.map((x) => x.headers['refcut-event-id'])).size).toBe(1);
  });

  it('retries network errors and gives up after a day', async () => {
    const m = await signUpMerchant(t);
    const gone = await receiver();
    const url = gone.url;
    await gone.close();
    receivers.splice(receivers.indexOf(gone), 1);
    await addEndpoint(m, url);
    await event(m);
    await settle(t);
    expect(await deliveries()).toMatchObject([{ status: 'pending', attempts: 1, responseStatus: null, lastError: 'ECONNREFUSED' }]);

    const schedule: string[] = [];
    for (let i = 0; i < 20; i++) {
      const [d] = await deliveries();
      if (d!.status !== 'pending') break;
      schedule.push(d!.nextAttemptAt!);
      t.clock.set(d!.nextAttemptAt!);
      await settle(t);
    }
    // 1, 2, 4 … 256 minutes, then every 6 hours, while the next attempt falls within a day of the first.
    expect(schedule).toEqual([
      '2026-11-25T12:01:00.000Z',
      '2026-11-25T12:03:00.000Z',
      '2026-11-25T12:07:00.000Z',
      '2026-11-25T12:15:00.000Z',
      '2026-11-25T12:31:00.000Z',
      '2026-11-25T13:03:00.000Z',
      '2026-11-25T14:07:00.000Z',
      '2026-11-25T16:15:00.000Z',
      '2026-11-25T20:31:00.000Z',
      '2026-11-26T02:31:00.000Z',
      '2026-11-26T08:31:00.000Z',
    ]);
    expect(await deliveries()).toMatchObject([{ status: 'failed', attempts: 12, nextAttemptAt: null, lastError: 'ECONNREFUSED' }]);
  });
});

describe('the deliveries page and resend', () => {
  it('lists deliveries with status, response code and attempts, and resends one', async () => {
    const m = await signUpMerchant(t);
    const r = await receiver((n) => (n === 1 ? 503 : 200));
    const { id: endpointId } = await addEndpoint(m, r.url);
    const eventId = await event(m);
    await settle(t);

    const page = await m.browser.agent.get(`/settings/webhooks/${endpointId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(eventId);
    expect(page.text).toContain('>pending<');
    expect(page.text).toContain('HTTP 503: receiver says no');
    expect(page.text).toContain('2026-11-25 12:01:00 UTC');

    const [delivery] = await t.db.kysely.selectFrom('webhookDeliveries').select('id').execute();
    t.clock.advance(10_000);
    const resend = await m.browser.submit(`/settings/webhooks/deliveries/${delivery!.id}/resend`, {}, `/settings/webhooks/${endpointId}`);
    expect(resend.status).toBe(303);
    expect(resend.headers.location).toBe(`/settings/webhooks/${endpointId}`);
    await settle(t);
    expect(r.received.map((x) => x.headers['refcut-event-id'])).toEqual([eventId, eventId]);
    expect(await deliveries()).toMatchObject([{ status: 'succeeded', attempts: 1, responseStatus: 200 }]);
    const after = await m.browser.agent.get(`/settings/webhooks/${endpointId}`);
    expect(after.text).toContain('>succeeded<');
    expect(after.text).toContain('Delivery queued');
    const audit = await t.db.kysely.selectFrom('auditLog').select(['actor', 'subjectId']).where('action', '=', 'webhook_delivery.resent').execute();
    expect(audit).toEqual([{ actor: m.userId, subjectId: delivery!.id }]);
  });

  it('does not let another merchant resend a delivery', async () => {
    const a = await signUpMerchant(t);
    const b = await signUpMerchant(t);
    const r = await receiver();
    await addEndpoint(a, r.url);
    await event(a);
    await settle(t);
    const [delivery] = await t.db.kysely.selectFrom('webhookDeliveries').select('id').execute();
    expect((await b.browser.submit(`/settings/webhooks/deliveries/${delivery!.id}/resend`, {}, '/settings/webhooks')).status).toBe(404);
    await settle(t);
    expect(r.received).toHaveLength(1);
  });
});

describe('disabled endpoints', () => {
  it('receive nothing: no delivery for new events, and waiting ones are canceled', async () => {
    const m = await signUpMerchant(t);
    const r = await receiver();
    const { id } = await addEndpoint(m, r.url);

    await event(m);
    await fanOut(t.db.kysely, t.clock);
    await m.browser.submit(`/settings/webhooks/${id}/disable`, {}, '/settings/webhooks');
    await event(m);
    await settle(t);

    expect(r.received).toEqual([]);
    expect(await deliveries()).toMatchObject([{ status: 'canceled', attempts: 0 }]);
  });
});
