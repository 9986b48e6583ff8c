// Replaying a Stripe history through the real webhook endpoint: each event signed the way Stripe signs
// it (a `Stripe-Signature` over the exact body, timestamped now) and POSTed over HTTP; then waiting
// until the background worker has processed every stored event.
import type Stripe from 'stripe';
import type { DB } from '../../db';

export interface ReplayTarget {
  baseUrl: string;
  /** Any Stripe client: only its webhook signing helper is used. */
  stripe: Stripe;
  webhookSecret: string;
  /** Signature timestamps come from here (seconds); the server checks them against its own clock. */
  nowSeconds: () => number;
}

/** POST events in order with a few in flight at once; every one must be acknowledged with 200. */
export async function deliverAll(target: ReplayTarget, events: Stripe.Event[], concurrency = 4): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const event = events[next++]!;
      const payload = JSON.stringify(event);
      const signature = target.stripe.webhooks.generateTestHeaderString({ payload, secret: target.webhookSecret, timestamp: target.nowSeconds() });
      const res = await fetch(new URL('/webhooks/stripe', target.baseUrl), { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature }, body: payload });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status} for ${event.type} ${event.id}: ${text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, events.length) }, worker));
}

export interface EventTally {
  processed: number;
  ignored: number;
  failed: number;
  waiting: number;
}

/** The stored events of one connected account, by outcome. */
export async function tallyEvents(db: DB, account: string): Promise<EventTally> {
  const rows = await db.selectFrom('stripeEvents').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('accountId', '=', account).groupBy('status').execute();
  const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { processed: n('processed'), ignored: n('ignored'), failed: n('failed'), waiting: n('pending') + n('processing') };
}

/** Poll the app's health check and the events table until no event of `account` waits for the worker. */
export async function waitUntilProcessed(baseUrl: string, db: DB, account: string, opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<EventTally> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    const health = await fetch(new URL('/healthz', baseUrl));
    if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
    await health.arrayBuffer();
    const tally = await tallyEvents(db, account);
    if (tally.waiting === 0) return tally;
    if (Date.now() > deadline) throw new Error(`events still waiting after ${opts.timeoutMs ?? 120_000} ms: ${JSON.stringify(tally)}`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 150));
  }
}
