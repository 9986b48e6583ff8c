// Referred customers: who each partner brought, the state of their subscriptions, churn in a period and
// monthly recurring revenue per partner (see mrr.ts for how MRR is computed and approximated).
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { getSettings } from '../accounts/store';
import { viewLivemode } from '../commissions/queries';
import { localDay, rangeBounds } from '../dashboard/days';
import { resolvePeriod, type Period } from '../dashboard/period';
import { subscriptionMrr, type Mrr } from './mrr';
import type { CustomersQuery } from './schema';
import * as store from './store';

/** Subscriptions that count in MRR: Stripe's own definition (paying, or retrying a failed payment). */
const RECURRING = new Set(['active', 'past_due']);
/** The order in which a customer's subscriptions decide their state on the page. */
const STATE_ORDER = ['active', 'trialing', 'past_due', 'unpaid', 'incomplete', 'paused', 'canceled', 'incomplete_expired'];

export interface PartnerCustomers {
  partnerId: string;
  name: string;
  customers: number;
  active: number;
  trialing: number;
  pastDue: number;
  /** Subscriptions canceled in the period. */
  churned: number;
  mrr: { amount: number; currency: string }[];
  /** Subscriptions whose MRR came from their last invoice rather than their prices. */
  approximated: number;
}

export interface CustomerRow extends store.CustomerListRow {
  subscriptions: Awaited<ReturnType<typeof store.subscriptionsOf>>;
  /** The customer's leading subscription state, or 'none' (one-off purchases only). */
  state: string;
}

export interface CustomersPage {
  mode: 'live' | 'test';
  timeZone: string;
  range: Period;
  partners: PartnerCustomers[];
  totals: PartnerCustomers;
  rows: CustomerRow[];
  total: number;
  page: number;
  pages: number;
}

export function leadingState(statuses: string[]): string {
  if (statuses.length === 0) return 'none';
  return [...statuses].sort((a, b) => (STATE_ORDER.indexOf(a) + 1 || 99) - (STATE_ORDER.indexOf(b) + 1 || 99))[0]!;
}

const addMoney = (list: { amount: number; currency: string }[], m: { amount: number; currency: string }) => {
  const found = list.find((x) => x.currency === m.currency);
  if (found) found.amount += m.amount;
  else list.push({ ...m });
  list.sort((a, b) => a.currency.localeCompare(b.currency));
};

/** Per-partner numbers over every referred customer of one mode; churn counted in [startIso, endIso). */
export async function partnerCustomers(db: DB, merchantId: string, livemode: number, startIso: string, endIso: string): Promise<PartnerCustomers[]> {
  const [counts, subs] = await Promise.all([store.customersPerPartner(db, merchantId, livemode), store.referredSubscriptions(db, merchantId, livemode)]);
  const recurring = subs.filter((s) => RECURRING.has(s.status));
  const [payloads, invoices] = await Promise.all([
    store.subscriptionPayloads(db, merchantId, [...new Set(recurring.map((s) => s.updatedFromEventId))]),
    store.lastInvoices(db, merchantId, livemode, recurring.map((s) => s.subscriptionId)),
  ]);
  const out = new Map<string, PartnerCustomers>(
    counts.map((c) => [c.partnerId, { partnerId: c.partnerId, name: c.name, customers: Number(c.customers), active: 0, trialing: 0, pastDue: 0, churned: 0, mrr: [], approximated: 0 }]),
  );
  for (const s of subs) {
    const p = out.get(s.partnerId);
    if (!p) continue;
    if (s.status === 'active') p.active += 1;
    else if (s.status === 'trialing') p.trialing += 1;
    else if (s.status === 'past_due') p.pastDue += 1;
    if (s.status === 'canceled' && s.canceledAt && s.canceledAt >= startIso && s.canceledAt < endIso) p.churned += 1;
    if (!RECURRING.has(s.status)) continue;
    const mrr: Mrr | null = subscriptionMrr(payloads.get(s.updatedFromEventId), invoices.get(s.subscriptionId));
    if (!mrr) continue;
    addMoney(p.mrr, mrr);
    if (mrr.source === 'last_invoice') p.approximated += 1;
  }
  return [...out.values()].sort((a, b) => b.customers - a.customers || a.name.localeCompare(b.name));
}

function totalsOf(partners: PartnerCustomers[]): PartnerCustomers {
  const t: PartnerCustomers = { partnerId: '', name: 'All partners', customers: 0, active: 0, trialing: 0, pastDue: 0, churned: 0, mrr: [], approximated: 0 };
  for (const p of partners) {
    t.customers += p.customers;
    t.active += p.active;
    t.trialing += p.trialing;
    t.pastDue += p.pastDue;
    t.churned += p.churned;
    t.approximated += p.approximated;
    for (const m of p.mrr) addMoney(t.mrr, m);
  }
  return t;
}

/** Customers of a filter with their subscriptions: a page of them, or all (up to `limit`) for CSV. */
export async function customerRows(db: DB, merchantId: string, livemode: number, q: Pick<CustomersQuery, 'partner' | 'state'>, offset: number, limit: number) {
  const { rows, total } = await store.listCustomers(db, merchantId, { livemode, partnerId: q.partner, state: q.state, offset, limit });
  const ids = [...new Set(rows.map((r) => r.stripeCustomerId).filter((c): c is string => c !== null))];
  const subs: Awaited<ReturnType<typeof store.subscriptionsOf>> = [];
  for (let i = 0; i < ids.length; i += 500) subs.push(...(await store.subscriptionsOf(db, merchantId, livemode, ids.slice(i, i + 500))));
  const byCustomer = new Map<string, typeof subs>();
  for (const s of subs) if (s.customerId) byCustomer.set(s.customerId, [...(byCustomer.get(s.customerId) ?? []), s]);
  const withSubs: CustomerRow[] = rows.map((r) => {
    const mine = (r.stripeCustomerId && byCustomer.get(r.stripeCustomerId)) || [];
    return { ...r, subscriptions: mine, state: leadingState(mine.map((s) => s.status)) };
  });
  return { rows: withSubs, total };
}

export const PAGE_SIZE = 50;

export async function customersPage(db: DB, clock: Clock, merchantId: string, q: CustomersQuery): Promise<CustomersPage> {
  const [settings, livemode] = await Promise.all([getSettings(db, merchantId), viewLivemode(db, merchantId, q.mode)]);
  const range = resolvePeriod(q, localDay(clock.now().getTime(), settings.timeZone));
  const { startIso, endIso } = rangeBounds(range.from, range.to, settings.timeZone);
  const [partners, list] = await Promise.all([partnerCustomers(db, merchantId, livemode, startIso, endIso), customerRows(db, merchantId, livemode, q, (q.page - 1) * PAGE_SIZE, PAGE_SIZE)]);
  return {
    mode: livemode === 1 ? 'live' : 'test',
    timeZone: settings.timeZone,
    range,
    partners,
    totals: totalsOf(partners),
    rows: list.rows,
    total: list.total,
    page: q.page,
    pages: Math.max(1, Math.ceil(list.total / PAGE_SIZE)),
  };
}
