// Queries of the referred customers page: bindings with their partner, the subscriptions of those
// customers (kept by customer.subscription.* events), and what MRR is computed from.
import { sql, type ExpressionBuilder } from 'kysely';
import type { DB } from '../../db';
import type { Database } from '../../db/schema';
import type { SubscriptionStateFilter } from './schema';

export interface CustomerFilter {
  livemode: number;
  partnerId?: string;
  state?: SubscriptionStateFilter;
}

function filtered(f: CustomerFilter, merchantId: string) {
  return (eb: ExpressionBuilder<Database, 'referralBindings'>) => {
    const conds = [eb('referralBindings.merchantId', '=', merchantId), eb('referralBindings.livemode', '=', f.livemode)];
    if (f.partnerId) conds.push(eb('referralBindings.partnerId', '=', f.partnerId));
    if (f.state) {
      const subs = eb
        .selectFrom('stripeSubscriptions as s')
        .select(sql`1`.as('one'))
        .where('s.merchantId', '=', merchantId)
        .whereRef('s.customerId', '=', 'referralBindings.stripeCustomerId')
        .where('s.livemode', '=', f.livemode);
      conds.push(f.state === 'none' ? eb.not(eb.exists(subs)) : eb.exists(subs.where('s.status', '=', f.state)));
    }
    return eb.and(conds);
  };
}

/** A page of referred customers, newest first. */
export async function listCustomers(db: DB, merchantId: string, f: CustomerFilter & { offset: number; limit: number }) {
  const where = filtered(f, merchantId);
  const [rows, count] = await Promise.all([
    db
      .selectFrom('referralBindings')
      .innerJoin('partners', 'partners.id', 'referralBindings.partnerId')
      .select([
        'referralBindings.id',
        'referralBindings.customerKey',
        'referralBindings.stripeCustomerId',
        'referralBindings.externalCustomerId',
        'referralBindings.customerEmail',
        'referralBindings.customerName',
        'referralBindings.source',
        'referralBindings.createdAt',
        'partners.id as partnerId',
        'partners.name as partnerName',
      ])
      .where(where)
      .orderBy('referralBindings.createdAt', 'desc')
      .orderBy('referralBindings.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    db.selectFrom('referralBindings').select((eb) => eb.fn.countAll<number>().as('n')).where(where).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
export type CustomerListRow = Awaited<ReturnType<typeof listCustomers>>['rows'][number];

/** The subscriptions of some Stripe customers of the merchant, in one mode. */
export async function subscriptionsOf(db: DB, merchantId: string, livemode: number, customerIds: string[]) {
  if (customerIds.length === 0) return [];
  return db
    .selectFrom('stripeSubscriptions')
    .select(['subscriptionId', 'customerId', 'status', 'cancelAtPeriodEnd', 'canceledAt', 'currentPeriodEnd'])
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where('customerId', 'in', customerIds)
    .orderBy('subscriptionId')
    .execute();
}

/** Every subscription of a referred customer, with the partner the customer is bound to. */
export const referredSubscriptions = (db: DB, merchantId: string, livemode: number) =>
  db
    .selectFrom('stripeSubscriptions as s')
    // Joined on the binding's unique key ('stripe:' + customer id), which is indexed.
    .innerJoin('referralBindings as b', (j) =>
      j.onRef('b.merchantId', '=', 's.merchantId').onRef('b.livemode', '=', 's.livemode').on(sql.ref('b.customerKey'), '=', sql<string>`'stripe:' || ${sql.ref('s.customerId')}`),
    )
    .select(['b.partnerId', 's.subscriptionId', 's.status', 's.canceledAt', 's.updatedFromEventId'])
    .where('s.merchantId', '=', merchantId)
    .where('s.livemode', '=', livemode)
    .execute();

/** Referred customers per partner. */
export const customersPerPartner = (db: DB, merchantId: string, livemode: number) =>
  db
    .selectFrom('referralBindings')
    .innerJoin('partners', 'partners.id', 'referralBindings.partnerId')
    .select((eb) => ['partners.id as partnerId', 'partners.name', eb.fn.countAll<number>().as('customers')])
    .where('referralBindings.merchantId', '=', merchantId)
    .where('referralBindings.livemode', '=', livemode)
    .groupBy(['partners.id', 'partners.name'])
    .execute();

/** The stored subscription objects: the payloads of the events that wrote each subscription's state. */
export async function subscriptionPayloads(db: DB, merchantId: string, eventIds: string[]): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (let i = 0; i < eventIds.length; i += 500) {
    const rows = await db.selectFrom('stripeEvents').select(['id', 'payload']).where('merchantId', '=', merchantId).where('id', 'in', eventIds.slice(i, i + 500)).execute();
    for (const r of rows) {
      try {
        out.set(r.id, (JSON.parse(r.payload) as { data?: { object?: unknown } }).data?.object);
      } catch {
        /* an unreadable payload gives no prices: the last invoice is used */
      }
    }
  }
  return out;
}

/** The latest paid invoice (sale) of each subscription: its amount (tax excluded) and currency. */
export async function lastInvoices(db: DB, merchantId: string, livemode: number, subscriptionIds: string[]): Promise<Map<string, { amount: number; currency: string }>> {
  const out = new Map<string, { amount: number; currency: string }>();
  for (let i = 0; i < subscriptionIds.length; i += 500) {
    const rows = await db
      .selectFrom('conversions')
      .select(['subscriptionId', 'amount', 'currency', 'occurredAt'])
      .where('merchantId', '=', merchantId)
      .where('livemode', '=', livemode)
      .where('kind', '=', 'invoice')
      .where('subscriptionId', 'in', subscriptionIds.slice(i, i + 500))
      .where('amount', '>', 0)
      .orderBy('occurredAt', 'desc')
      .orderBy('id', 'desc')
      .execute();
    for (const r of rows) if (r.subscriptionId && !out.has(r.subscriptionId)) out.set(r.subscriptionId, { amount: r.amount, currency: r.currency });
  }
  return out;
}
