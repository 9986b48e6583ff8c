// A small stateful fake of the Stripe API on a local port, reached through the real SDK (STRIPE_API_BASE).
// Per-account object stores that tests fill, OAuth token exchange and deauthorization, Stripe-shaped
// errors, a log of every request (with its Stripe-Account header) and fault injection. No test-runner
// imports: the demo script runs it too.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import crypto from 'node:crypto';
import type Stripe from 'stripe';
import { parseParams, str, strList, type Params } from './params';
import { filterList, type StripeObject } from './lists';
import { allowOnly, apiError, HttpError, oauthError, paginate, send } from './responses';

export type { StripeObject };

/** What tests can store: the objects the fake serves, typed so overrides are checked against the SDK. */
export type FakeStoredObject =
  | Stripe.Customer
  | Stripe.Subscription
  | Stripe.Checkout.Session
  | Stripe.Invoice
  | Stripe.InvoicePayment
  | Stripe.Charge
  | Stripe.PaymentIntent
  | Stripe.Refund
  | Stripe.Dispute
  | Stripe.BalanceTransaction
  | Stripe.Discount
  | Stripe.Event;

export interface RecordedRequest {
  method: string;
  path: string;
  query: Params;
  body: Params;
  stripeAccount?: string;
  authorization?: string;
  stripeVersion?: string;
  idempotencyKey?: string;
}

/** What an injected fault answers instead of the real thing. */
export type Fault =
  | { status: 500 | 502 | 503; message?: string }
  | { status: 429; retryAfter?: number }
  | { status: 404 }
  | { hang: true };

interface QueuedFault {
  remaining: number;
  fault: Fault;
  match?: (r: RecordedRequest) => boolean;
}

interface Account {
  connected: boolean;
  objects: Map<string, Map<string, StripeObject>>;
}

interface Grant {
  account: string;
  livemode: boolean;
  scope: string;
  used: boolean;
}

/** URL segment → the `object` value of what it serves. */
const RESOURCES: Record<string, string> = {
  events: 'event',
  customers: 'customer',
  subscriptions: 'subscription',
  'checkout/sessions': 'checkout.session',
  invoices: 'invoice',
  invoice_payments: 'invoice_payment',
  charges: 'charge',
  payment_intents: 'payment_intent',
  refunds: 'refund',
  disputes: 'dispute',
  balance_transactions: 'balance_transaction',
};

export class FakeStripe {
  readonly requests: RecordedRequest[] = [];
  private readonly accounts = new Map<string, Account>();
  private readonly grants = new Map<string, Grant>();
  private readonly faults: QueuedFault[] = [];
  private readonly hanging = new Set<http.ServerResponse>();
  private seq = 0;
  private readonly order = new WeakMap<StripeObject, number>();
  private server?: http.Server;
  url = '';

  /** Start on an ephemeral port of 127.0.0.1. */
  static async start(): Promise<FakeStripe> {
    const fake = new FakeStripe();
    const server = http.createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.server = server;
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  // ---- arranging -------------------------------------------------------------------------------

  /** Add a connected account (our platform may call it). */
  addAccount(id = `acct_${crypto.randomBytes(8).toString('hex')}`, opts: { connected?: boolean } = {}): string {
    const existing = this.accounts.get(id);
    if (existing) existing.connected = opts.connected ?? existing.connected;
    else this.accounts.set(id, { connected: opts.connected ?? true, objects: new Map() });
    return id;
  }

  isConnected(account: string): boolean {
    return this.accounts.get(account)?.connected === true;
  }

  /** Revoke the platform's access to an account (as if the merchant disconnected in Stripe). */
  revoke(account: string): void {
    const a = this.accounts.get(account);
    if (a) a.connected = false;
  }

  /** Register an authorization code the OAuth callback may exchange once. */
  oauthCode(code: string, grant: { account: string; livemode?: boolean; scope?: string }): string {
    this.grants.set(code, { account: grant.account, livemode: grant.livemode ?? false, scope: grant.scope ?? 'read_write', used: false });
    return code;
  }

  /** Store objects (customers, invoices, events, …) in an account; a later put with the same id replaces. */
  put(account: string, ...objects: FakeStoredObject[]): void {
    const a = this.account(account);
    for (const obj of objects as unknown as StripeObject[]) {
      let coll = a.objects.get(obj.object);
      if (!coll) a.objects.set(obj.object, (coll = new Map()));
      const copy = structuredClone(obj);
      this.order.set(copy, ++this.seq);
      coll.set(obj.id, copy);
    }
  }

  get<T extends StripeObject = StripeObject>(account: string, object: string, id: string): T | undefined {
    return this.accounts.get(account)?.objects.get(object)?.get(id) as T | undefined;
  }

  /** The next `count` requests (matching `match`, if given) answer with `fault` instead. */
  failNext(count: number, fault: Fault, match?: (r: RecordedRequest) => boolean): void {
    this.faults.push({ remaining: count, fault, match });
  }

  requestsTo(path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => (typeof path === 'string' ? r.path === path || r.path.startsWith(`${path}/`) : path.test(r.path)));
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  // ---- serving ---------------------------------------------------------------------------------

  private account(id: string): Account {
    let a = this.accounts.get(id);
    if (!a) this.accounts.set(id, (a = { connected: true, objects: new Map() }));
    return a;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const header = (n: string) => (typeof req.headers[n] === 'string' ? (req.headers[n] as string) : undefined);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: parseParams(url.searchParams),
      body: parseParams(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
      stripeAccount: header('stripe-account'),
      authorization: header('authorization'),
      stripeVersion: header('stripe-version'),
      idempotencyKey: header('idempotency-key'),
    };
    this.requests.push(record);
    try {
      const fault = this.takeFault(record);
      if (fault && 'hang' in fault) {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      if (fault) throw this.faultError(fault, record);
      send(res, 200, this.route(record));
    } catch (err) {
      if (err instanceof HttpError) return send(res, err.status, err.body, err.headers);
      send(res, 500, { error: { type: 'api_error', message: `fake Stripe crashed: ${(err as Error).message}` } });
    }
  }

  private takeFault(r: RecordedRequest): Fault | undefined {
    const q = this.faults.find((f) => f.remaining > 0 && (!f.match || f.match(r)));
    if (!q) return undefined;
    q.remaining -= 1;
    return q.fault;
  }

  private faultError(fault: Exclude<Fault, { hang: true }>, r: RecordedRequest): HttpError {
    if (fault.status === 429) {
      return new HttpError(429, { error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests made to the API too quickly.' } }, { 'Retry-After': String(fault.retryAfter ?? 1) });
    }
    if (fault.status === 404) return apiError(404, 'invalid_request_error', `No such object: '${r.path.split('/').pop()}'`, { code: 'resource_missing', param: 'id' });
    return apiError(fault.status, 'api_error', fault.message ?? 'An unknown error occurred (injected by the fake).');
  }

  private route(r: RecordedRequest): unknown {
    const key = /^Bearer ((?:sk|rk)_(?:test|live)_\S+)$/.exec(r.authorization ?? '')?.[1];
    if (r.method === 'POST' && r.path === '/oauth/token') return this.oauthToken(r, key);
    if (r.method === 'POST' && r.path === '/oauth/deauthorize') return this.oauthDeauthorize(r, key);
    if (!key) throw apiError(401, 'invalid_request_error', 'You did not provide an API key. Provide it in the Authorization header (Bearer auth).');

    const m = /^\/v1\/(checkout\/sessions|[a-z_]+)(?:\/([^/]+)(?:\/(line_items|lines))?)?$/.exec(r.path);
    const type = m ? RESOURCES[m[1]!] : undefined;
    if (r.method !== 'GET' || !m || !type) throw apiError(404, 'invalid_request_error', `Unrecognized request URL (${r.method}: ${r.path}).`);

    if (!r.stripeAccount) {
      throw apiError(400, 'invalid_request_error', `fake Stripe: ${r.method} ${r.path} is about a connected account but has no Stripe-Account header (pass { stripeAccount } as the LAST SDK argument).`, {
        code: 'stripe_account_missing',
      });
    }
    const account = this.accounts.get(r.stripeAccount);
    if (!account?.connected) {
      throw apiError(403, 'invalid_request_error', `The provided key '${key.slice(0, 8)}***' does not have access to account '${r.stripeAccount}' (or that account does not exist). Application access may have been revoked.`, {
        code: 'account_invalid',
      });
    }
    const coll = [...(account.objects.get(type)?.values() ?? [])];
    const id = m[2];
    if (id && m[3]) return this.subList(coll, type, id, m[3], r);
    if (id) {
      allowOnly(r.query, ['expand']);
      const found = coll.find((o) => o.id === id);
      if (!found) throw apiError(404, 'invalid_request_error', `No such ${type.replace('checkout.session', 'checkout.session').replace('_', ' ')}: '${id}'`, { code: 'resource_missing', param: 'id' });
      return this.expand(account, structuredClone(found), strList(r.query.expand));
    }
    const sorted = coll.sort((a, b) => (b.created ?? 0) - (a.created ?? 0) || (this.order.get(b) ?? 0) - (this.order.get(a) ?? 0));
    const listed = filterList(type, sorted, r.query, (msg, param) => apiError(400, 'invalid_request_error', msg, { code: 'parameter_unknown', param }));
    const page = paginate(listed, r.query, `/v1/${m[1]}`);
    const expands = strList(r.query.expand)
      .filter((p) => p.startsWith('data.'))
      .map((p) => p.slice(5));
    page.data = page.data.map((o) => this.expand(account, structuredClone(o), expands));
    return page;
  }

  /** A session's line items (stored expanded as `line_items`) or an invoice's lines, paged like any list. */
  private subList(coll: StripeObject[], type: string, id: string, what: string, r: RecordedRequest) {
    const field = type === 'checkout.session' && what === 'line_items' ? 'line_items' : type === 'invoice' && what === 'lines' ? 'lines' : undefined;
    if (!field) throw apiError(404, 'invalid_request_error', `Unrecognized request URL (${r.method}: ${r.path}).`);
    allowOnly(r.query, ['limit', 'starting_after', 'ending_before', 'expand']);
    const parent = coll.find((o) => o.id === id);
    if (!parent) throw apiError(404, 'invalid_request_error', `No such ${type}: '${id}'`, { code: 'resource_missing', param: 'id' });
    const items = ((parent[field] as { data?: StripeObject[] } | undefined)?.data ?? []).map((o) => structuredClone(o));
    return paginate(items, r.query, r.path);
  }

  /** Replace ids by objects along each path (`customer`, `invoice`, `latest_charge.balance_transaction`). */
  private expand(account: Account, obj: StripeObject, paths: string[]): StripeObject {
    if (obj.object === 'invoice') {
      if (paths.includes('payments')) {
        const payments = [...(account.objects.get('invoice_payment')?.values() ?? [])].filter((p) => idOf(p.invoice) === obj.id);
        obj.payments = { object: 'list', data: structuredClone(payments), has_more: false, url: `/v1/invoice_payments?invoice=${obj.id}` };
      } else delete obj.payments; // includable: absent unless asked for
    }
    if (obj.object === 'checkout.session' && !paths.includes('line_items')) delete obj.line_items; // includable too
    for (const path of paths) {
      if (path === 'payments' && obj.object === 'invoice') continue;
      const parts = path.split('.');
      let node: Record<string, unknown> = obj;
      parts.forEach((part, i) => {
        const v = node?.[part];
        if (typeof v === 'string') {
          const found = findById(account, v);
          if (found) node[part] = structuredClone(found);
        } else if (Array.isArray(v) && i === parts.length - 1) {
          // A list of ids (an invoice's `discounts`): each found id becomes its object.
          node[part] = v.map((x) => (typeof x === 'string' ? structuredClone(findById(account, x) ?? x) : x));
        }
        if (i < parts.length - 1) node = node?.[part] as Record<string, unknown>;
      });
    }
    return obj;
  }

  private oauthToken(r: RecordedRequest, key: string | undefined) {
    if (!key) throw oauthError(401, 'invalid_client', 'No authentication was provided. Send your secret API key using the Authorization header.');
    if (str(r.body.grant_type) !== 'authorization_code') throw oauthError(400, 'unsupported_grant_type', 'Only authorization_code is supported by the fake.');
    const code = str(r.body.code) ?? '';
    const grant = this.grants.get(code);
    if (!grant) throw oauthError(400, 'invalid_grant', `Authorization code does not exist: ${code}`);
    if (grant.used) throw oauthError(400, 'invalid_grant', `This authorization code has already been used. All tokens issued with this code have been revoked.`);
    grant.used = true;
    this.addAccount(grant.account, { connected: true });
    const mode = grant.livemode ? 'live' : 'test';
    return {
      access_token: `sk_${mode}_${crypto.randomBytes(12).toString('hex')}`,
      refresh_token: `rt_${crypto.randomBytes(12).toString('hex')}`,
      token_type: 'bearer',
      scope: grant.scope,
      livemode: grant.livemode,
      stripe_user_id: grant.account,
      stripe_publishable_key: `pk_${mode}_${crypto.randomBytes(12).toString('hex')}`,
    };
  }

  private oauthDeauthorize(r: RecordedRequest, key: string | undefined) {
    if (!key) throw oauthError(401, 'invalid_client', 'No authentication was provided. Send your secret API key using the Authorization header.');
    const account = str(r.body.stripe_user_id) ?? '';
    if (!str(r.body.client_id)) throw oauthError(400, 'invalid_request', 'No client_id provided.');
    if (!this.isConnected(account)) throw oauthError(401, 'invalid_client', `This application is not connected to stripe account ${account}, or that account does not exist.`);
    this.revoke(account);
    return { stripe_user_id: account };
  }
}

function idOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string') return (v as { id: string }).id;
  return undefined;
}

function findById(account: Account, id: string): StripeObject | undefined {
  for (const coll of account.objects.values()) {
    const hit = coll.get(id);
    if (hit) return hit;
  }
  return undefined;
}
