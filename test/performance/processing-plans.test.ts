// Every statement that webhook intake and event processing run, explained (SQLite's EXPLAIN QUERY PLAN):
// none may read all of a table that grows with traffic, nor all of one of its indexes. One did (a commission's earlier sales of
// the same customer, `conversions.binding_id`), so every renewal read the whole conversions table and the
// webhook benchmark slowed down run after run. Plans are SQLite's; PostgreSQL's planner picks sequential
// scans on tables this small, so its plans would say nothing here.
import SQLite from 'better-sqlite3';
import type Stripe from 'stripe';
import { build } from '../fake-stripe';
import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { LAG_MS, rollupAll } from '../../server/dashboard/rollup';

/**
 * Tables whose size is per installation, merchant or connection, not per click, sale or event; parked_events,
 * which holds only the events waiting for another one; and rate_limits, whose periodic prune (every 15
 * minutes) reads the counters of the current windows: an index on reset_at would cost every rate-limited
 * request a second index write to save that job a scan.
 */
const SMALL = new Set(['merchants', 'program_settings', 'stripe_connections', 'attribution_backfills', 'users', 'memberships', 'parked_events', 'rate_limits', 'kysely_migration', 'kysely_migration_lock']);

interface Run {
  sql: string;
  params: unknown[];
}
const seen = new Map<string, Run>();
let recording = false;

// Wrap every statement the app prepares (kysely's, and db/hot.ts's prepared ones) so what runs while
// `recording` is kept with its first parameters.
const Database = SQLite as unknown as { prototype: { prepare(this: SQLite.Database, source: string): SQLite.Statement } };
const originalPrepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: SQLite.Database, source: string) {
  const statement = originalPrepare.call(this, source);
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    const original = statement[method] as (...args: unknown[]) => unknown;
    (statement as unknown as Record<string, unknown>)[method] = function (this: SQLite.Statement, ...args: unknown[]) {
      if (recording && !seen.has(source)) seen.set(source, { sql: source, params: args.length === 1 && Array.isArray(args[0]) ? args[0] : args });
      return original.apply(this, args);
    };
  }
  return statement;
};
afterAll(() => {
  Database.prototype.prepare = originalPrepare;
});

const sqliteOnly = process.env.TEST_DATABASE_URL ? describe.skip : describe;

let w: LedgerWorld;
beforeAll(async () => {
  w = await ledgerWorld();
});
afterAll(() => w?.close());

/**
 * Plan lines that read all of a growing table, or all of one of its indexes: a SCAN, unless through a partial
 * index (one that holds only the pending rows, such as outbox_events' fan-out and notification flags). Also a
 * sort before a LIMIT on a growing table: it reads and sorts every matching row to keep a few. The worker's
 * claim did (every pending event, sorted by time, for each batch of 25): 23 ms a claim with a backlog of
 * thousands, 44% of the statements' time in the webhook benchmark.
 */
function fullScans(db: SQLite.Database, run: Run): string[] {
  const partial = new Set(originalPrepare.call(db, "select name from sqlite_master where type = 'index' and sql like '% where %'").pluck().all() as string[]);
  if (!/^\s*(select|insert|update|delete|with)\b/i.test(run.sql)) return [];
  const plan = originalPrepare.call(db, `explain query plan ${run.sql}`).all(...run.params) as { detail: string }[];
  const growing = (alias: string) => {
    const table = new RegExp(`\\b(?:from|join|update|into)\\s+"?(\\w+)"?\\s+(?:as\\s+)?"?${alias}"?\\b`, 'i').exec(run.sql)?.[1] ?? alias;
    // Not tables: constant rows, json_each, and a multi-row insert's VALUES ("SCAN 2-ROW VALUES CLAUSE").
    return !SMALL.has(table) && !/^(CONSTANT|json_each|\d+$)/.test(alias);
  };
  const lines = plan.map((p) => p.detail.trim());
  const scans = lines.filter((line) => {
    const m = /^SCAN (\w+)/.exec(line);
    if (!m || partial.has(/USING (?:COVERING )?INDEX (\w+)/.exec(line)?.[1] ?? '')) return false;
    return growing(m[1]!);
  });
  const searched = lines.flatMap((line) => /^SEARCH (\w+)/.exec(line)?.[1] ?? []).filter(growing);
  const sortsToLimit = /\blimit\b/i.test(run.sql) && searched.length > 0 ? lines.filter((line) => /^USE TEMP B-TREE FOR (?:RIGHT PART OF )?ORDER BY/.test(line)).map((line) => `${line} (of ${searched.join(', ')})`) : [];
  return [...scans, ...sortsToLimit];
}

sqliteOnly('query plans of webhook intake and event processing', () => {
  it('reads no growing table without an index, for sales, renewals, refunds and disputes', async () => {
    const ev = build.event;
    const account = { account: w.account };
    recording = true;

    // A one-off sale with its referral in the session, refunded in part, then disputed and lost.
    const pi = build.paymentIntent({ amount: 3000 });
    const charge = build.charge({ amount: 3000, payment_intent: pi.id });
    w.t.fake.put(w.account, pi, charge);
    await w.send(ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'jane', amount_total: 3000, payment_intent: pi.id }), account));
    const refund = build.refund({ charge: charge.id, payment_intent: pi.id, amount: 1000 });
    w.t.fake.put(w.account, refund);
    await w.send(ev('charge.refunded', { ...charge, amount_refunded: 1000 }, account));
    const dispute = build.dispute({ charge: charge.id, payment_intent: pi.id, amount: 2000, status: 'lost' });
    await w.send(ev('charge.dispute.created', { ...dispute, status: 'needs_response' }, account), ev('charge.dispute.closed', dispute, account));

    // A subscription: its first invoice (referral on the subscription's Checkout Session, one Stripe call),
    // then two renewals that follow the customer's binding.
    const session = build.checkoutSession({ mode: 'subscription', client_reference_id: 'jane', subscription: 'sub_plans', customer: 'cus_plans', payment_intent: null, invoice: 'in_plans1' });
    w.t.fake.put(w.account, session);
    const invoice = (id: string, reason: Stripe.Invoice.BillingReason) =>
      build.invoice({ id, customer: 'cus_plans', subscription: 'sub_plans', billing_reason: reason, amount_due: 2900, amount_paid: 2900, subtotal: 2900, total: 2900, total_excluding_tax: 2900 });
    await w.send(ev('invoice.paid', invoice('in_plans1', 'subscription_create'), account));
    await w.send(ev('invoice.paid', invoice('in_plans2', 'subscription_cycle'), account), ev('invoice.paid', invoice('in_plans3', 'subscription_cycle'), account));
    // The same events again (Stripe's retries): answered from what is stored.
    await w.send(ev('invoice.paid', invoice('in_plans3', 'subscription_cycle'), account));
    recording = false;

    // The scenario did what it says: a credit per sale and invoice, a refund and a dispute reversal.
    const kinds = (await w.commissions()).map((c) => c.kind).sort();
    expect(kinds).toEqual(['credit', 'credit', 'credit', 'credit', 'reversal', 'reversal']);
    expect(seen.size).toBeGreaterThan(50);

    const scans = [...seen.values()].flatMap((run) => fullScans(w.t.db.sqlite!, run).map((line) => `${line}  ←  ${run.sql.slice(0, 160)}`));
    expect(scans).toEqual([]);

    // The claim walks the open events in claim order and skips those not due (claimed elsewhere, or waiting
    // for a retry) inside the index, without reading their rows.
    const planOf = (table: string, order: string) => {
      const claim = [...seen.values()].find((run) => run.sql.startsWith(`update "${table}" set "status"`) && run.sql.includes(`order by ${order} limit`));
      return (originalPrepare.call(w.t.db.sqlite!, `explain query plan ${claim!.sql}`).all(...claim!.params) as { detail: string }[]).map((p) => p.detail);
    };
    expect(planOf('stripe_events', '"created", "id"')).toContain('SCAN stripe_events USING COVERING INDEX stripe_events_open_idx');
    // The same for the email sender's claim (its partial index's WHERE is repeated in OPEN_EMAIL).
    expect(planOf('notifications', '"created_at", "id"')).toContain('SCAN notifications USING COVERING INDEX notifications_open_idx');
  });

  it('recomputes a changed day for the dashboard from indexes alone', async () => {
    // The rollup job runs once a minute on the same thread: it re-reads each changed day's sales and
    // commissions, which for a busy merchant meant a table page per row (0.7 s a pass over 100 merchants).
    seen.clear();
    w.t.clock.advance(LAG_MS + 1000);
    recording = true;
    while ((await rollupAll(w.t.db.kysely, w.t.clock)) > 0) {
      /* next window */
    }
    recording = false;
    const planOf = (start: string) => {
      const run = [...seen.values()].find((r) => r.sql.startsWith(start) && r.sql.includes('"occurred_at" >= ?'));
      expect(run).toBeDefined();
      return (originalPrepare.call(w.t.db.sqlite!, `explain query plan ${run!.sql}`).all(...run!.params) as { detail: string }[]).map((p) => p.detail);
    };
    expect(planOf('select "partner_id", "currency", substr("occurred_at", 1, 13) as "at", count(*) as "sales"')).toContain(
      'SEARCH conversions USING COVERING INDEX conversions_merchant_time_idx (merchant_id=? AND livemode=? AND occurred_at>? AND occurred_at<?)',
    );
    expect(planOf('select "partner_id", "currency", substr("occurred_at", 1, 13) as "at", sum(case when "status" in')).toContain(
      'SEARCH commissions USING COVERING INDEX commissions_merchant_occurred_idx (merchant_id=? AND livemode=? AND occurred_at>? AND occurred_at<?)',
    );
    const scans = [...seen.values()].flatMap((run) => fullScans(w.t.db.sqlite!, run).map((line) => `${line}  ←  ${run.sql.slice(0, 160)}`));
    expect(scans).toEqual([]);
  });
});
