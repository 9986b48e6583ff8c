// A test app set up for a storm (its merchants signed up, programs set, partners created, accounts
// connected through OAuth, the fake Stripe filled), a deliverer that posts signed events over a real
// keep-alive HTTP connection the way Stripe does, and the ledger read back by natural keys so two
// worlds can be compared row for row. No test-runner imports: scripts/storm.ts uses it too.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { signUpMerchant, settle, TEST_WEBHOOK_SECRET, type SignedUpMerchant } from '../helpers/app';
import { buildTestAppWithStripe, connectStripe, type StripeTestApp } from '../helpers/stripe';
import { buildPartner } from '../helpers/partners';
import { seeded } from '../helpers/reliability';
import type { Storm } from './storm';
import type { Db } from '../../db';
import type { FakeStripe } from '../fake-stripe';

export interface StormWorld {
  t: StripeTestApp;
  /** account → the signed-up merchant (its logged-in browser, ids) */
  merchants: Map<string, SignedUpMerchant>;
  deliver(events: Stripe.Event[], opts?: { concurrency?: number; onAck?: (e: Stripe.Event, status: number) => void }): Promise<DeliveryStats>;
  settle(): Promise<void>;
  snapshot(): Promise<LedgerSnapshot>;
  close(): Promise<void>;
  /** Stop serving and the background jobs, leaving the database and the fake Stripe to a server process. */
  detach(): Promise<FakeStripe>;
}

export interface DeliveryStats {
  delivered: number;
  statuses: Record<number, number>;
}

export async function stormWorld(storm: Storm, opts: { db?: Db; app?: () => Promise<StripeTestApp> } = {}): Promise<StormWorld> {
  const t = opts.app ? await opts.app() : await buildTestAppWithStripe({ db: opts.db });
  const merchants = new Map<string, SignedUpMerchant>();
  for (const sm of storm.merchants) {
    const m = await signUpMerchant(t, { name: sm.name });
    const { currency, ...program } = sm.program;
    await t.db.kysely.updateTable('programSettings').set({ ...program, currency, minPayout: 0 }).where('merchantId', '=', m.merchantId).execute();
    for (const p of sm.partners) await buildPartner(t.db.kysely, m.merchantId, { ...p, clock: t.clock });
    t.fake.addAccount(sm.account);
    await connectStripe(t, m, { account: sm.account });
    t.fake.put(sm.account, ...sm.objects);
    merchants.set(sm.account, m);
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

  const stopServing = async () => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  return {
    t,
    merchants,
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
      await stopServing();
      await t.close();
    },
    async detach() {
      await stopServing();
      await t.app.jobs.stop();
      return t.fake;
    },
  };
}

/** Stripe's way: every event at least once, often more, in no particular order, some much later. */
export function stormDeliveries(events: Stripe.Event[], seed: number): { first: Stripe.Event[]; second: Stripe.Event[]; duplicates: number } {
  const rng = seeded(seed);
  const withCopies: Stripe.Event[] = [];
  let duplicates = 0;
  for (const e of events) {
    withCopies.push(e);
    if (rng.chance(0.25)) {
      const copies = rng.int(1, 2);
      duplicates += copies;
      for (let i = 0; i < copies; i++) withCopies.push(e);
    }
  }
  const shuffled = rng.shuffle(withCopies);
  const late = new Set(shuffled.filter(() => rng.chance(0.1)));
  const first = [...shuffled.filter((e) => !late.has(e)), ...late];
  const second = rng.shuffle(events);
  return { first, second, duplicates: duplicates + second.length };
}

export interface StormFigures {
  events: number;
  deliveries: number;
  duplicates: number;
  waves: number;
  statuses: Record<number, number>;
}

/**
 * Deliver the storm's events Stripe's way, twice over, in waves that are each processed before the next
 * arrives: an event shuffled behind its successors is then really handled after them (within one wave
 * the worker would restore Stripe's order by itself, since it takes due events oldest first).
 */
export async function deliverStorm(w: StormWorld, storm: Storm, seed: number): Promise<StormFigures> {
  const { first, second, duplicates } = stormDeliveries(storm.events, seed);
  const rng = seeded(seed + 1);
  const figures: StormFigures = { events: storm.events.length, deliveries: first.length + second.length, duplicates, waves: 0, statuses: {} };
  for (const pass of [first, second]) {
    for (let i = 0; i < pass.length; figures.waves++) {
      const wave = pass.slice(i, (i += rng.int(20, 120)));
      const stats = await w.deliver(wave, { concurrency: 8 });
      for (const [status, n] of Object.entries(stats.statuses)) figures.statuses[Number(status)] = (figures.statuses[Number(status)] ?? 0) + n;
      await w.settle();
    }
  }
  return figures;
}

/**
 * Everything money-related, keyed by what Stripe and the merchant name things (never our random ids).
 * A row's status reason is left out: it names the last thing that moved the row ("Holding period ended"
 * or the refund written after it), which legitimately depends on when the approval job ran.
 */
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
