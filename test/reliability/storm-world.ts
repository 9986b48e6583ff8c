// A test app set up for a storm (its merchants signed up, programs set, partners created, accounts
// connected through OAuth, the fake Stripe filled), a deliverer that posts signed events over a real
// keep-alive HTTP connection the way Stripe does, and the ledger read back by natural keys so two
// worlds can be compared row for row. No test-runner imports: scripts/storm.ts uses it too.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { signUpMerchant, settle, TEST_WEBHOOK_SECRET } from '../helpers/app';
import { buildTestAppWithStripe, connectStripe, type StripeTestApp } from '../helpers/stripe';
import { buildPartner } from '../helpers/partners';
import type { Storm } from './storm';
import type { Db } from '../../db';

export interface StormWorld {
  t: StripeTestApp;
  /** account → merchant id */
  merchantOf: Map<string, string>;
  deliver(events: Stripe.Event[], opts?: { concurrency?: number; onAck?: (e: Stripe.Event, status: number) => void }): Promise<DeliveryStats>;
  settle(): Promise<void>;
  snapshot(): Promise<LedgerSnapshot>;
  close(): Promise<void>;
}

export interface DeliveryStats {
  delivered: number;
  statuses: Record<number, number>;
}

export async function stormWorld(storm: Storm, opts: { db?: Db } = {}): Promise<StormWorld> {
  const t = await buildTestAppWithStripe({ db: opts.db });
  const merchantOf = new Map<string, string>();
  for (const sm of storm.merchants) {
    const m = await signUpMerchant(t, { name: sm.name });
    const { currency, ...program } = sm.program;
    await t.db.kysely.updateTable('programSettings').set({ ...program, currency, minPayout: 0 }).where('merchantId', '=', m.merchantId).execute();
    for (const p of sm.partners) await buildPartner(t.db.kysely, m.merchantId, { ...p, clock: t.clock });
    t.fake.addAccount(sm.account);
    await connectStripe(t, m, { account: sm.account });
    t.fake.put(sm.account, ...sm.objects);
    merchantOf.set(sm.account, m.merchantId);
  }
  await settle(t);

  const server = http.createServer(t.http);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  const post = (event: Stripe.Event) =>
    new Promise<number>((resolve, reject) => {
      const body = JSON.stringify(event);
      const signature = t.stripe.webhooks.generateTestHeaderString({ payload: body, secret: TEST_WEBHOOK_SECRET, timestamp: Math.floor(t.clock.now().getTime() / 1000) });
      const req = http.request({ host: '127.0.0.1', port, path: '/webhooks/stripe', method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Stripe-Signature': signature } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });

  return {
    t,
    merchantOf,
    async deliver(events, o = {}) {
      const stats: DeliveryStats = { delivered: 0, statuses: {} };
      let next = 0;
      const worker = async () => {
        while (next < events.length) {
          const e = events[next++]!;
          const status = await post(e);
          stats.delivered += 1;
          stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
          o.onAck?.(e, status);
        }
      };
      await Promise.all(Array.from({ length: o.concurrency ?? 1 }, worker));
      return stats;
    },
    settle: () => settle(t),
    snapshot: () => ledgerSnapshot(t.db),
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}

/** Everything money-related, keyed by what Stripe and the merchant name things (never our random ids). */
export interface LedgerSnapshot {
  conversions: Record<string, unknown>;
  commissions: Record<string, unknown>;
  bindings: Record<string, unknown>;
  subscriptions: Record<string, unknown>;
  events: Record<string, unknown>;
}

export async function ledgerSnapshot(db: Db): Promise<LedgerSnapshot> {
  const k = db.kysely;
  const accounts = new Map((await k.selectFrom('stripeConnections').select(['merchantId', 'accountId']).execute()).map((c) => [c.merchantId, c.accountId]));
  const partners = new Map((await k.selectFrom('partners').select(['id', 'code']).execute()).map((p) => [p.id, p.code]));
  const conversions = await k.selectFrom('conversions').selectAll().execute();
  const sourceKeyOf = new Map(conversions.map((c) => [c.id, c.sourceKey]));
  const commissions = await k.selectFrom('commissions').selectAll().execute();
  const creditKeyOf = new Map(commissions.map((c) => [c.id, naturalKey(c.ledgerKey, sourceKeyOf)]));
  const out: LedgerSnapshot = { conversions: {}, commissions: {}, bindings: {}, subscriptions: {}, events: {} };
  for (const c of conversions) {
    out.conversions[`${accounts.get(c.merchantId)} ${c.sourceKey}`] = {
      partner: c.partnerId ? partners.get(c.partnerId) : null,
      unattributedReason: c.unattributedReason,
      kind: c.kind,
      amount: c.amount,
      amountPaid: c.amountPaid,
      currency: c.currency,
      livemode: c.livemode,
      customer: c.stripeCustomerId,
      invoice: c.invoiceId,
      paymentIntent: c.paymentIntentId,
      subscription: c.subscriptionId,
      occurredAt: c.occurredAt,
    };
  }
  for (const c of commissions) {
    out.commissions[`${accounts.get(c.merchantId)} ${creditKeyOf.get(c.id)}`] = {
      kind: c.kind,
      partner: partners.get(c.partnerId),
      sale: sourceKeyOf.get(c.conversionId),
      reverses: c.reversesId ? creditKeyOf.get(c.reversesId) : null,
      amount: c.amount,
      fee: c.fee,
      net: c.net,
      currency: c.currency,
      status: c.status,
      statusReason: c.statusReason,
      holdUntil: c.holdUntil,
      payout: c.payoutId !== null,
    };
  }
  for (const b of await k.selectFrom('referralBindings').selectAll().execute()) {
    out.bindings[`${accounts.get(b.merchantId)} ${b.customerKey}`] = { partner: partners.get(b.partnerId), livemode: b.livemode };
  }
  for (const s of await k.selectFrom('stripeSubscriptions').selectAll().execute()) {
    out.subscriptions[`${accounts.get(s.merchantId)} ${s.subscriptionId}`] = { status: s.status, fromEvent: s.updatedFromEventId, customer: s.customerId };
  }
  for (const e of await k.selectFrom('stripeEvents').select(['id', 'status', 'ignoredReason', 'lastError']).execute()) {
    out.events[e.id] = { status: e.status, ignoredReason: e.ignoredReason, lastError: e.lastError };
  }
  return out;
}

/** `credit:cnv_…` names a random id: name the sale by its natural key instead. */
function naturalKey(ledgerKey: string, sourceKeyOf: Map<string, string>): string {
  return ledgerKey.startsWith('credit:') ? `credit:${sourceKeyOf.get(ledgerKey.slice('credit:'.length)) ?? ledgerKey}` : ledgerKey;
}

/** Rows that differ between two snapshots, as readable lines (empty when they are equal). */
export function diffSnapshots(expected: LedgerSnapshot, actual: LedgerSnapshot): string[] {
  const lines: string[] = [];
  for (const table of Object.keys(expected) as (keyof LedgerSnapshot)[]) {
    const a = expected[table];
    const b = actual[table];
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const x = JSON.stringify(a[key] ?? null);
      const y = JSON.stringify(b[key] ?? null);
      if (x !== y) lines.push(`${table} ${key}:\n    in order: ${x}\n    storm:    ${y}`);
    }
  }
  return lines;
}
