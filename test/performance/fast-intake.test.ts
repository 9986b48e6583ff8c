// The lean webhook path (server/stripe/fast-intake.ts) against the Express route it stands in for: the
// same delivery sent to both answers with the same status, headers and body, stores the same row and
// logs the same lines. `/webhooks/stripe?via=express` reaches the same route, but the lean path leaves
// any URL with a query to Express, so it is the route's own answer.
import net from 'node:net';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import request from 'supertest';
import { settle, signUpMerchant, TEST_WEBHOOK_SECRET } from '../helpers/app';
import { buildTestAppWithStripe, connectStripe, storedEvent, type StripeTestApp } from '../helpers/stripe';
import { build } from '../fake-stripe';

const FAST = '/webhooks/stripe';
const ROUTE = '/webhooks/stripe?via=express';

let t: StripeTestApp;
let account: string;
let routerRuns: jest.SpyInstance;
beforeEach(async () => {
  t = await buildTestAppWithStripe();
  account = await connectStripe(t, await signUpMerchant(t));
  routerRuns = jest.spyOn((t.http as unknown as { router: { handle: () => void } }).router, 'handle');
});
afterEach(async () => {
  routerRuns.mockRestore();
  await t.close();
});

const unhandled = () => build.event('payment_intent.created', build.paymentIntent(), { account });
const sign = (payload: string, secret = TEST_WEBHOOK_SECRET) =>
  t.stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(t.clock.now().getTime() / 1000) });

interface Delivery {
  body: string | Buffer;
  signature?: string;
  headers?: Record<string, string>;
}
const signed = (payload: unknown): Delivery => {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return { body, signature: sign(body) };
};

/** POST one delivery; also says whether Express's router ran for it. */
async function post(path: string, d: Delivery) {
  routerRuns.mockClear();
  let r = request(t.http).post(path).set('Content-Type', 'application/json');
  if (d.signature !== undefined) r = r.set('Stripe-Signature', d.signature);
  for (const [k, v] of Object.entries(d.headers ?? {})) r = r.set(k, v);
  const res = await r.send(d.body);
  return { res, express: routerRuns.mock.calls.length > 0 };
}

/** The response with what differs per request (its id, the date) masked. */
function shape(res: request.Response) {
  const headers = { ...res.headers } as Record<string, string | string[]>;
  delete headers.date;
  expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  headers['x-request-id'] = '<request id>';
  return { status: res.status, headers, body: res.text };
}

// What a delivery logs itself (the worker, kicked by a stored event, may log in between).
const REQUEST_LINES = new Set(['stripe webhook received', 'request completed', 'unhandled error', 'webhook fast path failed; the route retries']);

/** Sends `a` through the lean path and `b` (the same delivery, or one like it) through the route; returns both. */
async function both(a: Delivery, b: Delivery = a) {
  const before = t.logs.length;
  const fast = await post(FAST, a);
  const fastLogs = t.logs.slice(before).filter((l) => REQUEST_LINES.has(l.msg as string));
  const mid = t.logs.length;
  const route = await post(ROUTE, b);
  const routeLogs = t.logs.slice(mid).filter((l) => REQUEST_LINES.has(l.msg as string));
  expect(route.express).toBe(true);
  return { fast, route, fastLogs, routeLogs };
}

type Row = Awaited<ReturnType<typeof storedEvent>>;
const masked = (row: Row) => ({ ...row, id: '<id>', objectId: '<object>', payload: '<payload>' });
const countEvents = async () => Number((await t.db.kysely.selectFrom('stripeEvents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const logShape = (lines: Record<string, unknown>[]) =>
  lines.map(({ time: _t, responseTime: _r, reqId: _i, eventId: _e, err, req, ...rest }) => ({
    ...rest,
    ...(req ? { req: { ...(req as object), id: '<request id>' } } : {}),
    ...(err ? { err: (err as { message: string }).message } : {}),
  }));

describe('the lean webhook path answers as the Express route does', () => {
  it('for a new event: same 200, same row, same log lines, and the worker processes it', async () => {
    const [e1, e2] = [unhandled(), unhandled()];
    const { fast, route, fastLogs, routeLogs } = await both(signed(e1), signed(e2));
    expect(fast.express).toBe(false);
    expect(shape(fast.res)).toEqual(shape(route.res));
    expect(fast.res.body).toEqual({ received: true });
    expect(Object.keys(fast.res.headers).sort()).toEqual(['connection', 'content-length', 'content-security-policy', 'content-type', 'date', 'etag', 'x-content-type-options', 'x-request-id']);
    expect(JSON.parse((await storedEvent(t, e1.id)).payload)).toEqual(e1);
    expect(logShape(fastLogs)).toEqual(logShape(routeLogs));
    expect(fastLogs.map((l) => l.msg)).toEqual(['stripe webhook received', 'request completed']);
    expect(fastLogs[0]).toMatchObject({ eventId: e1.id, accountId: account, duplicate: false });
    await settle(t);
    expect(masked(await storedEvent(t, e1.id))).toEqual(masked(await storedEvent(t, e2.id)));
    expect(await storedEvent(t, e1.id)).toMatchObject({ status: 'ignored', ignoredReason: 'no_handler' });
  });

  it('for a duplicate: same 200, one row, logged as a duplicate', async () => {
    const e = unhandled();
    await post(FAST, signed(e));
    await settle(t);
    const first = await storedEvent(t, e.id);
    const { fast, route, fastLogs, routeLogs } = await both(signed(e));
    await settle(t);
    expect(fast.express).toBe(false);
    expect(shape(fast.res)).toEqual(shape(route.res));
    expect(logShape(fastLogs)).toEqual(logShape(routeLogs));
    expect(fastLogs[0]).toMatchObject({ msg: 'stripe webhook received', duplicate: true });
    expect(await countEvents()).toBe(1);
    expect(await storedEvent(t, e.id)).toEqual(first);
  });

  const refused: [string, () => Delivery][] = [
    ['a signature made with another secret', () => ({ ...signed(unhandled()), signature: sign(JSON.stringify(unhandled()), 'whsec_someone_else') })],
    ['no Stripe-Signature header', () => ({ body: JSON.stringify(unhandled()) })],
    ['a body changed after signing', () => ({ body: JSON.stringify(unhandled()), signature: sign(JSON.stringify(unhandled())) })],
    ['signed JSON that is not an event', () => signed({ hello: 'world' })],
    ['a signed body that is not JSON', () => signed('not json at all')],
    ['an empty body', () => ({ body: '', signature: sign('') })],
  ];
  it.each(refused)('for %s: the route answers the same 400, nothing is stored', async (_label, delivery) => {
    const d = delivery();
    const { fast, route, fastLogs, routeLogs } = await both(d);
    expect(fast.express).toBe(true);
    expect(fast.res.status).toBe(400);
    expect(shape(fast.res)).toEqual(shape(route.res));
    expect(logShape(fastLogs)).toEqual(logShape(routeLogs));
    expect(await countEvents()).toBe(0);
  });

  it('for a body over 1 MB: the route answers the same 413', async () => {
    const big = JSON.stringify({ ...unhandled(), padding: 'x'.repeat(1_100_000) });
    const { fast, route } = await both(signed(big));
    expect(fast.res.status).toBe(413);
    expect(shape(fast.res)).toEqual(shape(route.res));
    expect(await countEvents()).toBe(0);
  });

  it('for a compressed body: the route inflates it and stores the event', async () => {
    const [e1, e2] = [unhandled(), unhandled()];
    const gz = (e: unknown): Delivery => {
      const body = JSON.stringify(e);
      return { body: zlib.gzipSync(body), signature: sign(body), headers: { 'Content-Encoding': 'gzip', 'Content-Type': 'application/octet-stream' } };
    };
    const { fast, route } = await both(gz(e1), gz(e2));
    expect(fast.express).toBe(true);
    expect(shape(fast.res)).toEqual(shape(route.res));
    await settle(t);
    expect(masked(await storedEvent(t, e1.id))).toEqual(masked(await storedEvent(t, e2.id)));
  });

  it('for any content type: the body is taken as raw bytes either way', async () => {
    const [e1, e2] = [unhandled(), unhandled()];
    const text = (e: unknown): Delivery => ({ ...signed(e), headers: { 'Content-Type': 'text/plain' } });
    const { fast, route } = await both(text(e1), text(e2));
    expect(fast.express).toBe(false);
    expect(shape(fast.res)).toEqual(shape(route.res));
    expect(fast.res.status).toBe(200);
  });

  it('with ETags turned off: neither path sends one', async () => {
    t.http.set('etag', false);
    const { fast, route } = await both(signed(unhandled()), signed(unhandled()));
    expect(fast.express).toBe(false);
    expect(shape(fast.res)).toEqual(shape(route.res));
    expect(fast.res.headers.etag).toBeUndefined();
  });

  it('when the event cannot be stored: the route answers the same 500, so Stripe retries', async () => {
    await sql`drop table stripe_events`.execute(t.db.kysely);
    const { fast, route, fastLogs, routeLogs } = await both(signed(unhandled()), signed(unhandled()));
    expect(fast.express).toBe(true);
    expect(fast.res.status).toBe(500);
    expect(fast.res.body.error.code).toBe('internal_error');
    expect(shape(fast.res)).toEqual(shape(route.res));
    // The lean path says why it handed the request over; the rest is the route's own logging.
    expect(fastLogs[0]).toMatchObject({ msg: 'webhook fast path failed; the route retries' });
    expect(logShape(fastLogs.slice(1))).toEqual(logShape(routeLogs));
  });
});

describe('an upload cut off half-way', () => {
  it('stores nothing and leaves the server answering', async () => {
    const server = t.http.listen(0, '127.0.0.1');
    try {
      await new Promise((r) => server.once('listening', r));
      const { port } = server.address() as AddressInfo;
      const body = JSON.stringify(unhandled());
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.write(`POST ${FAST} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nStripe-Signature: ${sign(body)}\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 100)}`);
      await new Promise((r) => setTimeout(r, 50));
      socket.destroy();
      await new Promise((r) => setTimeout(r, 50));
      expect(await countEvents()).toBe(0);
      const e = unhandled();
      expect((await post(FAST, signed(e))).res.status).toBe(200);
      expect(await countEvents()).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
