// The Stripe API as a merchant's own server sees it (its own secret key, no Stripe-Account header):
// creating and retrieving Checkout Sessions, every request recorded with its decoded form body. The
// project's FakeStripe serves the platform's Connect reads; this one serves the example store.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { build } from '../fake-stripe';
import { parseParams, type Params } from '../fake-stripe/params';

export interface MerchantStripe {
  url: string;
  requests: { method: string; path: string; body: Params; authorization?: string; stripeAccount?: string }[];
  sessions: Map<string, Stripe.Checkout.Session>;
  /** The next create answers with this Stripe error instead. */
  failNextCreate(message: string): void;
  close(): Promise<void>;
}

export async function startMerchantStripe(): Promise<MerchantStripe> {
  const requests: MerchantStripe['requests'] = [];
  const sessions = new Map<string, Stripe.Checkout.Session>();
  let failure: string | undefined;
  const send = (res: http.ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = parseParams(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const header = (n: string) => (typeof req.headers[n] === 'string' ? (req.headers[n] as string) : undefined);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, body, authorization: header('authorization'), stripeAccount: header('stripe-account') });

    if (req.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
      if (failure) {
        const message = failure;
        failure = undefined;
        return send(res, 400, { error: { type: 'invalid_request_error', message } });
      }
      const s = build.checkoutSession({ mode: body.mode as Stripe.Checkout.Session.Mode, ui_mode: 'embedded_page', status: 'open', payment_status: 'unpaid', url: null });
      s.client_secret = `${s.id}_secret_${s.id.slice(-6)}`;
      s.client_reference_id = typeof body.client_reference_id === 'string' ? body.client_reference_id : null;
      sessions.set(s.id, s);
      return send(res, 200, s);
    }
    const m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const s = sessions.get(m[1]!);
      return s ? send(res, 200, s) : send(res, 404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such checkout.session: '${m[1]}'` } });
    }
    send(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${url.pathname}).` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    sessions,
    failNextCreate: (message) => {
      failure = message;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
