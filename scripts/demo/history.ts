// Ninety days of a merchant's Stripe account as Stripe would have recorded it: Checkout purchases
// (subscriptions with monthly renewals, one-off licenses), trials, churn, a failed renewal, in USD and
// EUR, plus sales nobody referred; refunds and disputes follow in after-sales.ts. Returns the objects the webhook handlers fetch
// (their final state, as Stripe would answer today) and the events, oldest first. Pure: no I/O.
import type Stripe from 'stripe';
import { build, fakeId, type FakeStoredObject } from '../../test/fake-stripe';
import { COMPANY_DOMAINS, EUR_USD, FIRST_NAMES, LAST_NAMES, PLANS, type Plan } from './cast';
import type { PartnerTraffic, SeedClick } from './clicks';
import type { Rng } from './random';
import { planAfterSales } from './after-sales';

const DAY = 86_400;
const HOUR = 3_600;

export interface HistoryCounts {
  referredSales: number;
  unattributedSales: number;
  subscriptions: number;
  trials: number;
  renewals: number;
  cancellations: number;
  refunds: number;
  disputes: number;
  eurSales: number;
}

/** Records an event of the history (the connected account is filled in). */
export type EventFn = <T extends Stripe.Event.Type>(type: T, object: build.EventFor<T>['data']['object'], created: number, previousAttributes?: Record<string, unknown>) => void;

/** A paid charge of the story, with its PaymentIntent (what refunds and disputes point at). */
export interface PaidCharge {
  pi: Stripe.PaymentIntent;
  charge: Stripe.Charge;
  at: number;
  referred: boolean;
}

export interface StripeHistory {
  objects: FakeStoredObject[];
  /** Oldest first. */
  events: Stripe.Event[];
  counts: HistoryCounts;
}

interface Buyer {
  customer: Stripe.Customer;
  referral: string | null;
}

/** A calendar month later (Stripe bills monthly plans on the same day of the month). */
function addMonths(unix: number, months: number): number {
  const d = new Date(unix * 1000);
  d.setUTCMonth(d.getUTCMonth() + months);
  return Math.floor(d.getTime() / 1000);
}

const list = <T>(data: T[], url: string): Stripe.ApiList<T> => ({ object: 'list', data, has_more: false, url });

export function planHistory(rng: Rng, opts: { now: Date; account: string; partners: PartnerTraffic[]; clicks: Map<string, SeedClick[]>; scale: number }): StripeHistory {
  const nowS = Math.floor(opts.now.getTime() / 1000);
  const objects: FakeStoredObject[] = [];
  const events: Stripe.Event[] = [];
  const counts: HistoryCounts = { referredSales: 0, unattributedSales: 0, subscriptions: 0, trials: 0, renewals: 0, cancellations: 0, refunds: 0, disputes: 0, eurSales: 0 };
  const event: EventFn = (type, object, created, previousAttributes) => {
    events.push(build.event(type, object, { account: opts.account, created, previousAttributes }) as Stripe.Event);
  };
  const oneOffs: PaidCharge[] = [];
  const renewals: (PaidCharge & { sub: Stripe.Subscription })[] = [];

  const newBuyer = (at: number, referral: string | null): Buyer => {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const email = `${first}.${last}${rng.int(1, 99)}@${rng.pick(COMPANY_DOMAINS)}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/ü/g, 'u');
    const customer = build.customer({ email, name: `${first} ${last}`, created: at - 60 });
    objects.push(customer);
    return { customer, referral };
  };

  /** A card payment (PaymentIntent and Charge); in euros it settles into the USD balance at EUR_USD. */
  const payment = (buyer: Buyer, amount: number, currency: string, at: number, metadata: Stripe.Metadata) => {
    const pi = build.paymentIntent({ amount, amount_received: amount, currency, customer: buyer.customer.id, metadata, created: at });
    const txn =
      currency === 'usd'
        ? build.balanceTransaction({ amount, currency: 'usd', fee: Math.round(amount * 0.029) + 30, net: amount - Math.round(amount * 0.029) - 30, created: at, status: 'available' })
        : build.balanceTransaction({ amount: Math.round(amount * EUR_USD), currency: 'usd', exchange_rate: EUR_USD, fee: Math.round(amount * EUR_USD * 0.029) + 30, net: Math.round(amount * EUR_USD * 0.971) - 30, created: at, status: 'available' });
    const charge = build.charge({
      amount,
      amount_captured: amount,
      currency,
      customer: buyer.customer.id,
      payment_intent: pi.id,
      balance_transaction: txn.id,
      metadata,
      billing_details: { address: null, email: buyer.customer.email, name: buyer.customer.name ?? null, phone: null, tax_id: null },
      created: at,
    });
    txn.source = charge.id;
    pi.latest_charge = charge.id;
    objects.push(pi, charge, txn);
    return { pi, charge };
  };

  const session = (buyer: Buyer, o: Partial<Stripe.Checkout.Session>) => {
    const s = build.checkoutSession({
      customer: buyer.customer.id,
      customer_creation: 'always',
      client_reference_id: buyer.referral,
      metadata: buyer.referral ? { referral: buyer.referral } : {},
      ui_mode: 'embedded_page',
      success_url: null,
      return_url: 'http://localhost:4242/return?session_id={CHECKOUT_SESSION_ID}',
      ...o,
    });
    s.customer_details = { ...s.customer_details!, email: buyer.customer.email, name: buyer.customer.name ?? null };
    objects.push(s);
    return s;
  };

  function oneOff(buyer: Buyer, plan: Plan, at: number) {
    const metadata: Stripe.Metadata = buyer.referral ? { referral: buyer.referral } : {};
    const { pi, charge } = payment(buyer, plan.amount, plan.currency, at, metadata);
    const s = session(buyer, { mode: 'payment', payment_intent: pi.id, amount_subtotal: plan.amount, amount_total: plan.amount, currency: plan.currency, payment_status: 'paid', created: at - 90, expires_at: at - 90 + DAY });
    event('checkout.session.completed', s, at);
    oneOffs.push({ pi, charge, at, referred: buyer.referral !== null });
  }

  function subscription(buyer: Buyer, plan: Plan, start: number) {
    counts.subscriptions += 1;
    const subId = fakeId('sub');
    const trial = start > nowS - 12 * DAY && rng.chance(0.3);
    const churnAfter = rng.chance(0.2) ? rng.int(1, 2) : undefined;
    const failsAfter = churnAfter === undefined && rng.chance(0.05) ? rng.int(1, 2) : undefined;
    const metadata: Stripe.Metadata = buyer.referral ? { referral: buyer.referral } : {};
    const price = build.price({ unit_amount: plan.amount, currency: plan.currency, nickname: plan.name, created: start - 200 * DAY });
    const itemPlan = build.plan({ amount: plan.amount, currency: plan.currency, nickname: plan.name, product: price.product, created: start - 200 * DAY });
    let status: Stripe.Subscription.Status = trial ? 'trialing' : 'active';
    let canceledAt: number | null = null;
    const invoices: Stripe.Invoice[] = [];
    const payments: { pi: Stripe.PaymentIntent; charge: Stripe.Charge; at: number }[] = [];
    let periodStart = start;

    const invoiceAt = (at: number, k: number, amount: number) => {
      const end = addMonths(start, k + 1);
      const inv = build.invoice({
        customer: buyer.customer.id,
        subscription: subId,
        subscriptionMetadata: metadata,
        billing_reason: k === 0 ? 'subscription_create' : 'subscription_cycle',
        amount_due: amount,
        amount_paid: amount,
        subtotal: amount,
        subtotal_excluding_tax: amount,
        total: amount,
        total_excluding_tax: amount,
        currency: plan.currency,
        customer_email: buyer.customer.email,
        customer_name: buyer.customer.name ?? null,
        number: `ACME-${String(rng.int(1000, 9999))}-${String(k + 1).padStart(4, '0')}`,
        created: at,
        effective_at: at,
        period_start: at,
        period_end: end,
        status_transitions: { finalized_at: at, marked_uncollectible_at: null, paid_at: at, voided_at: null },
        webhooks_delivered_at: at,
      });
      inv.lines = list(
        [
          build.invoiceLine({
            invoice: inv.id,
            amount,
            subtotal: amount,
            currency: plan.currency,
            description: `1 × ${plan.name}`,
            period: { start: at, end },
            pricing: { type: 'price_details', price_details: { price: price.id, product: String(price.product) }, unit_amount_decimal: null },
            parent: { type: 'subscription_item_details', invoice_item_details: null, subscription_item_details: { invoice_item: null, proration: false, proration_details: null, subscription: subId, subscription_item: fakeId('si') } },
          }),
        ],
        `/v1/invoices/${inv.id}/lines`,
      );
      objects.push(inv);
      if (amount > 0) {
        const { pi, charge } = payment(buyer, amount, plan.currency, at, {});
        objects.push(build.invoicePayment({ invoice: inv.id, amount_paid: amount, amount_requested: amount, currency: plan.currency, payment: { type: 'payment_intent', payment_intent: pi.id }, created: at, status_transitions: { canceled_at: null, paid_at: at } }));
        payments.push({ pi, charge, at });
      }
      invoices.push(inv);
      event('invoice.paid', inv, at + 4);
      return inv;
    };

    const first = invoiceAt(start, 0, trial ? 0 : plan.amount);
    const s = session(buyer, {
      mode: 'subscription',
      subscription: subId,
      payment_intent: null,
      invoice: first.id,
      amount_subtotal: trial ? 0 : plan.amount,
      amount_total: trial ? 0 : plan.amount,
      currency: plan.currency,
      payment_status: trial ? 'no_payment_required' : 'paid',
      created: start - 120,
      expires_at: start - 120 + DAY,
    });
    event('checkout.session.completed', s, start);

    if (trial) counts.trials += 1;
    else {
      for (let k = 1; ; k++) {
        const due = addMonths(start, k);
        if (due > nowS - HOUR) break;
        if (churnAfter !== undefined && k > churnAfter) break;
        if (churnAfter === k) {
          canceledAt = due - rng.int(1, 5) * DAY;
          status = 'canceled';
          counts.cancellations += 1;
          break;
        }
        if (failsAfter === k) {
          status = 'past_due';
          periodStart = due;
          break;
        }
        invoiceAt(due, k, plan.amount);
        counts.renewals += 1;
        periodStart = due;
      }
    }

    const periodEnd = trial ? start + 14 * DAY : addMonths(periodStart, 1);
    const sub = build.subscription({
      id: subId,
      customer: buyer.customer.id,
      currency: plan.currency,
      metadata,
      status,
      created: start,
      start_date: start,
      billing_cycle_anchor: trial ? start + 14 * DAY : start,
      canceled_at: canceledAt,
      ended_at: canceledAt,
      trial_start: trial ? start : null,
      trial_end: trial ? start + 14 * DAY : null,
      latest_invoice: invoices[invoices.length - 1]!.id,
      items: list(
        [build.subscriptionItem({ subscription: subId, price, plan: itemPlan, created: start, current_period_start: periodStart, current_period_end: periodEnd })],
        `/v1/subscription_items?subscription=${subId}`,
      ),
    });
    objects.push(sub);
    for (const p of payments.slice(1)) renewals.push({ ...p, referred: buyer.referral !== null, sub });
    event('customer.subscription.created', { ...sub, status: trial ? 'trialing' : 'active', canceled_at: null, ended_at: null }, start + 2);
    if (status === 'past_due') event('customer.subscription.updated', sub, Math.min(nowS - 60, periodStart + 3 * HOUR), { status: 'active' });
    if (status === 'canceled' && canceledAt) event('customer.subscription.deleted', sub, canceledAt);
  }

  const sell = (buyer: Buyer, currency: 'usd' | 'eur', at: number) => {
    const plan = rng.weighted(
      PLANS.filter((p) => p.currency === currency),
      (p) => p.weight,
    );
    if (currency === 'eur') counts.eurSales += 1;
    if (plan.kind === 'one_off') oneOff(buyer, plan, at);
    else subscription(buyer, plan, at);
  };

  // Referred buyers: some of each partner's visitors buy, minutes to days after their click.
  for (const p of opts.partners) {
    for (const click of opts.clicks.get(p.partnerId) ?? []) {
      if (!rng.chance(p.cast.conversion)) continue;
      const delay = rng.chance(0.7) ? rng.int(3, 90) * 60 : rng.int(1, 10) * DAY + rng.int(0, 23) * HOUR;
      const at = Math.floor(click.at / 1000) + delay;
      if (at > nowS - 10 * 60) continue;
      // Most integrations pass the click id the snippet stored; some pass the partner code instead.
      const referral = rng.chance(0.1) ? p.code : click.id;
      counts.referredSales += 1;
      sell(newBuyer(at, referral), rng.chance(p.cast.euro) ? 'eur' : 'usd', at);
    }
  }

  // Organic buyers nobody referred, and two who typed a code that is not in this program.
  const organic = Math.round(24 * opts.scale);
  for (let i = 0; i < organic; i++) {
    const at = nowS - rng.int(1, 89 * 24) * HOUR - rng.int(0, 3599);
    counts.unattributedSales += 1;
    sell(newBuyer(at, i < 2 ? 'spring-promo' : null), rng.chance(0.2) ? 'eur' : 'usd', at);
  }

  planAfterSales(rng, nowS, { objects, event, counts }, { oneOffs, renewals });

  events.sort((a, b) => a.created - b.created);
  return { objects, events, counts };
}
