// Stands in for Stripe's Connect authorize page (STRIPE_CONNECT_BASE) when Refcut talks to the fake
// Stripe: it "approves" at once, registering a one-time code for the account in the fake and sending the
// browser back to the callback, as Stripe does after the merchant clicks Connect. Used by the demo and
// by the browser tests.
import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FakeStripe } from '../../test/fake-stripe';

export interface AuthorizePage {
  /** The base to set as STRIPE_CONNECT_BASE. */
  url: string;
  /** Every authorize request, for tests. */
  requests: URL[];
  close(): Promise<void>;
}

export async function startAuthorizePage(fake: FakeStripe, opts: { account: () => string }): Promise<AuthorizePage> {
  const requests: URL[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://authorize.local');
    if (req.method !== 'GET' || url.pathname !== '/oauth/authorize') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    requests.push(url);
    const redirectUri = url.searchParams.get('redirect_uri') ?? '';
    if (!/^https?:\/\//.test(redirectUri) || !URL.canParse(redirectUri)) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('redirect_uri must be an http(s) URL');
      return;
    }
    const code = fake.oauthCode(`ac_${crypto.randomBytes(12).toString('hex')}`, { account: opts.account(), livemode: false, scope: url.searchParams.get('scope') ?? 'read_write' });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('scope', 'read_write');
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    res.writeHead(302, { Location: back.toString() }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
