// A merchant with a connected (test-mode) Stripe account and a partner, and helpers that deliver
// signed events and read the ledger back, for the attribution and ledger scenarios.
import type Stripe from 'stripe';
import { settle, signUpMerchant, type SignedUpMerchant } from './app';
import { buildTestAppWithStripe, connectStripe, deliver, type StripeTestApp } from './stripe';
import { buildPartner } from './partners';
import type { Partner } from '../../db/tables/partners';

export interface LedgerWorld {
  t: StripeTestApp;
  m: SignedUpMerchant;
  account: string;
  jane: Partner;
  /** Deliver signed events as Stripe would (each must be acknowledged), then wait for processing. */
  send(...events: Stripe.Event[]): Promise<void>;
  commissions(): Promise<LedgerRow[]>;
  conversions(): ReturnType<typeof conversionsOf>;
  close(): Promise<void>;
}

export interface LedgerRow {
  kind: string;
  key: string;
  partnerId: string;
  amount: number;
  fee: number;
  net: number;
  currency: string;
  status: string;
}

const conversionsOf = (t: StripeTestApp, merchantId: string) =>
  t.db.kysely
    .selectFrom('conversions')
    .select(['id', 'sourceKey', 'kind', 'partnerId', 'amount', 'amountPaid', 'currency', 'unattributedReason', 'stripeCustomerId', 'bindingId', 'livemode'])
    .where('merchantId', '=', merchantId)
    .orderBy('occurredAt')
    .orderBy('sourceKey')
    .execute();

export async function ledgerWorld(opts: { env?: Record<string, string> } = {}): Promise<LedgerWorld> {
  const t = await buildTestAppWithStripe({ env: opts.env });
  const m = await signUpMerchant(t);
  const account = await connectStripe(t, m);
  const jane = await buildPartner(t.db.kysely, m.merchantId, { name: 'Jane Smith', email: 'jane@partners.test', code: 'jane' });
  // Connecting queued the attribution backfill: let it finish so scenarios start from a quiet Stripe log.
  await settle(t);
  t.fake.clearRequests();
  return {
    t,
    m,
    account,
    jane,
    async send(...events) {
      for (const e of events) {
        const res = await deliver(t, e);
        if (res.status !== 200) throw new Error(`event ${e.type} answered ${res.status}: ${res.text}`);
      }
      await settle(t);
    },
    commissions: () => ledgerOf(t, m.merchantId),
    conversions: () => conversionsOf(t, m.merchantId),
    close: () => t.close(),
  };
}

/** The merchant's ledger, in a stable order (by key), with what matters for money. */
export async function ledgerOf(t: StripeTestApp, merchantId: string): Promise<LedgerRow[]> {
  const rows = await t.db.kysely
    .selectFrom('commissions')
    .select(['kind', 'ledgerKey as key', 'partnerId', 'amount', 'fee', 'net', 'currency', 'status'])
    .where('merchantId', '=', merchantId)
    .orderBy('occurredAt')
    .orderBy('ledgerKey')
    .execute();
  return rows;
}

/** Sum of net amounts (what partners are owed), excluding rejected rows. */
export const netOwed = (rows: LedgerRow[]) => rows.filter((r) => r.status !== 'rejected').reduce((s, r) => s + r.net, 0);
