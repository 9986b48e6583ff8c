// A ledger world (merchant, test-mode Stripe account, partner jane) plus helpers for the payout
// scenarios: sell through signed Stripe events, read balances, run and settle payouts through the UI.
import type Stripe from 'stripe';
import { build } from '../fake-stripe';
import { ledgerWorld, type LedgerWorld } from './ledger';
import { buildPartner } from './partners';
import { balancesOf } from '../../server/payouts/balances';
import type { Partner } from '../../db/tables/partners';

export interface PayoutWorld extends LedgerWorld {
  /** A paid one-off Checkout sale referred by `partner` (default jane); returns its ids. */
  sell(amountTotal: number, opts?: { partner?: Partner; currency?: string }): Promise<{ session: Stripe.Checkout.Session; paymentIntentId: string; creditId: string }>;
  /** Another active partner of the same merchant. */
  partner(name: string, email?: string): Promise<Partner>;
  /** The balance function, on the test-mode ledger, at the app clock's now. */
  balances(partnerId: string): ReturnType<typeof balancesOf>;
  /** Press "Run payouts" (test-mode ledger); returns the ids of the payouts created. */
  run(): Promise<string[]>;
  markPaid(payoutId: string, reference?: string): Promise<void>;
  markFailed(payoutId: string, reason?: string): Promise<void>;
  setProgram(values: { holdingDays?: number; minPayout?: number; currency?: string; platformFeeBps?: number }): Promise<void>;
  /** Outbox events of one type, oldest first, with parsed data. */
  events(type: string): Promise<{ type: string; data: Record<string, unknown> }[]>;
}

export async function payoutWorld(): Promise<PayoutWorld> {
  const w = await ledgerWorld();
  const db = w.t.db.kysely;
  const merchantId = w.m.merchantId;
  let partners = 0;
  const world: PayoutWorld = {
    ...w,
    async sell(amountTotal, opts = {}) {
      const partner = opts.partner ?? w.jane;
      const session = build.checkoutSession({ client_reference_id: partner.code, amount_total: amountTotal, amount_subtotal: amountTotal, currency: opts.currency ?? 'usd' });
      await w.send(build.event('checkout.session.completed', session, { account: w.account }));
      const paymentIntentId = session.payment_intent as string;
      const credit = await db
        .selectFrom('commissions')
        .innerJoin('conversions', 'conversions.id', 'commissions.conversionId')
        .select('commissions.id')
        .where('conversions.paymentIntentId', '=', paymentIntentId)
        .where('commissions.kind', '=', 'credit')
        .executeTakeFirstOrThrow();
      return { session, paymentIntentId, creditId: credit.id };
    },
    async partner(name, email) {
      partners += 1;
      return buildPartner(db, merchantId, { name, email: email ?? `p${partners}-${Date.now()}@partners.test`, code: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${partners}` });
    },
    balances: (partnerId) => balancesOf(db, merchantId, 0, partnerId, w.t.clock.now()),
    async run() {
      const before = await db.selectFrom('payouts').select('id').where('merchantId', '=', merchantId).execute();
      const res = await w.m.browser.submit('/payouts/run', { mode: 'test' }, '/payouts?mode=test');
      if (res.status !== 303) throw new Error(`run answered ${res.status}: ${res.text.slice(0, 300)}`);
      const after = await db.selectFrom('payouts').select('id').where('merchantId', '=', merchantId).execute();
      const old = new Set(before.map((p) => p.id));
      return after.map((p) => p.id).filter((id) => !old.has(id));
    },
    async markPaid(payoutId, reference = 'PAYPAL-BATCH-1') {
      const res = await w.m.browser.submit(`/payouts/${payoutId}/paid`, { paidOn: w.t.clock.now().toISOString().slice(0, 10), externalReference: reference }, `/payouts/${payoutId}`);
      if (res.status !== 303) throw new Error(`mark paid answered ${res.status}: ${res.text.slice(0, 300)}`);
    },
    async markFailed(payoutId, reason = 'PayPal account closed') {
      const res = await w.m.browser.submit(`/payouts/${payoutId}/failed`, { reason }, `/payouts/${payoutId}`);
      if (res.status !== 303) throw new Error(`mark failed answered ${res.status}: ${res.text.slice(0, 300)}`);
    },
    async setProgram(values) {
      await db.updateTable('programSettings').set(values).where('merchantId', '=', merchantId).execute();
    },
    async events(type) {
      const rows = await db.selectFrom('outboxEvents').select(['type', 'data']).where('merchantId', '=', merchantId).where('type', '=', type).orderBy('createdAt').orderBy('id').execute();
      return rows.map((r) => ({ type: r.type, data: JSON.parse(r.data) as Record<string, unknown> }));
    },
  };
  return world;
}

export const DAY = 86_400_000;
