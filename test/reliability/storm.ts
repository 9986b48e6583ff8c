// A realistic stream of Connect events for several merchants, generated from a seed: one-off Checkout
// sales (some paid asynchronously), subscriptions with trials, renewals and cancellations, partial and
// failed refunds, disputes won and lost, sales with unknown or another program's referral codes, and
// event types nobody handles. The fake Stripe holds every object in its final state (handlers re-read
// Stripe, as in production); the events are what Stripe sent along the way, oldest first.
// No test-runner imports: scripts/storm.ts runs it too.
import type Stripe from 'stripe';
import { build, type FakeStoredObject } from '../fake-stripe';
import { seeded, type Rng } from '../helpers/reliability';

export interface StormProgram {
  commissionType: 'percent' | 'flat';
  commissionValue: number;
  durationType: 'lifetime' | 'first_payment' | 'months' | 'invoices';
  durationValue: number | null;
  platformFeeBps: number;
  currency: string;
}

export interface StormMerchant {
  key: string;
  name: string;
  account: string;
  program: StormProgram;
  partners: { code: string; name: string; email: string }[];
  objects: FakeStoredObject[];
}

export interface Storm {
  seed: number;
  merchants: StormMerchant[];
  /** Every distinct event, in the order Stripe created them. */
  events: Stripe.Event[];
}

const DAY_S = 86_400;

/** `size` is the number of distinct events to aim for (the last story may go a little over). */
export function generateStorm(seed: number, size: number, now: Date): Storm {
  const rng = seeded(seed);
  const nowS = Math.floor(now.getTime() / 1000);
  const start = nowS - 75 * DAY_S;
  const programs: StormProgram[] = [
    { commissionType: 'percent', commissionValue: 2000, durationType: 'lifetime', durationValue: null, platformFeeBps: 0, currency: 'usd' },
    { commissionType: 'percent', commissionValue: 2500, durationType: 'lifetime', durationValue: null, platformFeeBps: 1000, currency: 'eur' },
    { commissionType: 'flat', commissionValue: 500, durationType: 'lifetime', durationValue: null, platformFeeBps: 500, currency: 'jpy' },
  ];
  const merchants: StormMerchant[] = programs.map((program, i) => ({
    key: `m${i + 1}`,
    name: `Storm merchant ${i + 1}`,
    account: `acct_storm_${seed}_${i + 1}`,
    program,
    partners: Array.from({ length: 4 }, (_, p) => ({ code: `m${i + 1}-partner-${p + 1}`, name: `Partner ${p + 1} of M${i + 1}`, email: `p${p + 1}@m${i + 1}.storm.test` })),
    objects: [],
  }));
  const events: { event: Stripe.Event; seq: number }[] = [];
  let seq = 0;
  for (let story = 0; events.length < size; story++) {
    const m = merchants[story % merchants.length]!;
    const others = merchants.filter((x) => x !== m);
    const story_ = new StoryWriter(rng, m, `${m.key}_${String(Math.floor(story / merchants.length)).padStart(4, '0')}`, start + rng.int(0, 70 * DAY_S), nowS - 3600, (event) => events.push({ event, seq: seq++ }));
    const referral = story_.referral(rng.pick(others).partners[0]!.code);
    const kind = rng.next();
    if (kind < 0.55) story_.oneOff(referral);
    else if (kind < 0.92) story_.subscription(referral);
    else story_.noise();
  }
  events.sort((a, b) => a.event.created - b.event.created || a.seq - b.seq);
  return { seed, merchants, events: events.map((e) => e.event) };
}

type Referral = { where: 'client_reference_id' | 'metadata' | 'none'; value: string | null };

class StoryWriter {
  private n = 0;
  constructor(
    private readonly rng: Rng,
    private readonly m: StormMerchant,
    private readonly id: string,
    private readonly t0: number,
    private readonly latest: number,
    private readonly emit: (e: Stripe.Event) => void,
  ) {}

  referral(otherProgramCode: string): Referral {
    const r = this.rng.next();
    if (r < 0.7) return { where: 'client_reference_id', value: this.rng.pick(this.m.partners).code };
    if (r < 0.8) return { where: 'metadata', value: this.rng.pick(this.m.partners).code };
    if (r < 0.9) return { where: 'none', value: null };
    if (r < 0.95) return { where: 'client_reference_id', value: `nobody-${this.id}` };
    return { where: 'client_reference_id', value: otherProgramCode };
  }

  private event<T extends Stripe.Event.Type>(type: T, object: Parameters<typeof build.event<T>>[1], at: number) {
    this.n += 1;
    this.emit(build.event(type, object, { id: `evt_${this.id}_${String(this.n).padStart(2, '0')}`, account: this.m.account, created: Math.min(at, this.latest) }));
  }

  private amount(lo: number, hi: number): number {
    // Whole yen; cents elsewhere. Amounts vary so that roundings vary.
    return this.rng.int(lo, hi);
  }

  oneOff(ref: Referral): void {
    const { m, rng, id, t0 } = this;
    const currency = m.program.currency;
    const total = this.amount(500, 60_000);
    const tax = rng.chance(0.2) ? Math.round(total / 11) : 0;
    const customer = rng.chance(0.5) ? build.customer({ id: `cus_${id}`, created: t0, email: `buyer-${id}@example.com` }) : undefined;
    const pi = build.paymentIntent({ id: `pi_${id}`, amount: total, amount_received: total, currency, created: t0, customer: customer?.id ?? null, metadata: ref.where === 'metadata' && ref.value ? { referral: ref.value } : {} });
    const refunds = this.refundsOf(total, `ch_${id}`, pi.id, t0);
    const refunded = refunds.filter((r) => r.status === 'succeeded').reduce((s, r) => s + r.amount, 0);
    const charge = build.charge({ id: `ch_${id}`, amount: total, amount_captured: total, amount_refunded: refunded, refunded: refunded === total, currency, created: t0, payment_intent: pi.id, customer: customer?.id ?? null });
    const async = rng.chance(0.06);
    const session = build.checkoutSession({
      id: `cs_${id}`,
      created: t0,
      mode: 'payment',
      currency,
      amount_total: total,
      amount_subtotal: total - tax,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: tax },
      payment_intent: pi.id,
      customer: customer?.id ?? null,
      client_reference_id: ref.where === 'client_reference_id' ? ref.value : null,
      metadata: ref.where === 'metadata' && ref.value ? { referral: ref.value } : {},
      payment_status: 'paid',
    });
    m.objects.push(...(customer ? [customer] : []), pi, charge, session, ...refunds);
    if (async) {
      this.event('checkout.session.completed', { ...session, payment_status: 'unpaid' }, t0);
      this.event('checkout.session.async_payment_succeeded', session, t0 + rng.int(60, 3 * DAY_S));
    } else this.event('checkout.session.completed', session, t0);
    if (rng.chance(0.3)) this.event('payment_intent.succeeded' as Stripe.Event.Type, pi as never, t0);
    this.refundEvents(charge, refunds);
    if (rng.chance(0.1)) this.dispute(charge, total);
  }

  /** 0–3 refunds of a charge, in their final state (mostly succeeded, some failed, one in a while still pending). */
  private refundsOf(total: number, chargeId: string, piId: string, t0: number): Stripe.Refund[] {
    const { rng, id } = this;
    if (!rng.chance(0.22)) return [];
    const count = rng.int(1, 3);
    const out: Stripe.Refund[] = [];
    let left = total;
    for (let k = 1; k <= count && left > 0; k++) {
      const amount = k === count && rng.chance(0.5) ? left : Math.max(1, Math.min(left, rng.int(1, Math.ceil(total / 2))));
      const r = rng.next();
      const status: Stripe.Refund['status'] = r < 0.8 ? 'succeeded' : r < 0.93 ? 'failed' : 'pending';
      out.push(build.refund({ id: `re_${id}_${k}`, amount, charge: chargeId, payment_intent: piId, currency: this.m.program.currency, created: t0 + k * rng.int(DAY_S, 5 * DAY_S), status }));
      if (status !== 'failed') left -= amount;
    }
    return out;
  }

  private refundEvents(charge: Stripe.Charge, refunds: Stripe.Refund[]): void {
    let cumulative = 0;
    for (const r of refunds) {
      this.event('refund.created', { ...r, status: r.status === 'failed' ? 'pending' : r.status }, r.created);
      if (r.status !== 'failed') cumulative += r.amount;
      if (r.status === 'succeeded') {
        this.event('charge.refunded', { ...charge, amount_refunded: cumulative, refunded: cumulative === charge.amount }, r.created + 1);
        // Stripe sometimes sends two Event objects for one change.
        if (this.rng.chance(0.1)) this.event('charge.refunded', { ...charge, amount_refunded: cumulative, refunded: cumulative === charge.amount }, r.created + 2);
      } else if (r.status === 'failed') this.event('refund.updated', r, r.created + this.rng.int(60, DAY_S));
    }
  }

  private dispute(charge: Stripe.Charge, total: number): void {
    const { rng, id } = this;
    const opened = charge.created + rng.int(2 * DAY_S, 20 * DAY_S);
    const r = rng.next();
    const final: Stripe.Dispute['status'] = r < 0.4 ? 'lost' : r < 0.75 ? 'won' : r < 0.85 ? 'warning_closed' : 'needs_response';
    const dispute = build.dispute({ id: `dp_${id}`, amount: total, charge: charge.id, payment_intent: idOf(charge.payment_intent), currency: charge.currency, created: opened, status: final });
    this.m.objects.push(dispute);
    this.event('charge.dispute.created', { ...dispute, status: 'needs_response' }, opened);
    if (rng.chance(0.5)) this.event('charge.dispute.funds_withdrawn', { ...dispute, status: 'needs_response' }, opened + 1);
    if (final === 'needs_response') return;
    const closed = opened + rng.int(DAY_S, 30 * DAY_S);
    this.event('charge.dispute.closed', dispute, closed);
    if (final === 'won') this.event('charge.dispute.funds_reinstated', dispute, closed + 1);
  }

  subscription(ref: Referral): void {
    const { m, rng, id, t0 } = this;
    const currency = m.program.currency;
    const price = this.amount(900, 20_000);
    const trial = rng.chance(0.15);
    const customer = build.customer({ id: `cus_${id}`, created: t0, email: `subscriber-${id}@example.com` });
    const metadata: Stripe.Metadata = ref.where === 'metadata' && ref.value ? { referral: ref.value } : {};
    const renewals = rng.int(0, 4);
    const canceled = rng.chance(0.2);
    const lastPeriod = t0 + renewals * 30 * DAY_S;
    const sub = build.subscription({ id: `sub_${id}`, customer: customer.id, created: t0, currency, metadata, status: canceled && lastPeriod + DAY_S < this.latest ? 'canceled' : 'active' });
    const session = build.checkoutSession({
      id: `cs_${id}`,
      created: t0,
      mode: 'subscription',
      currency,
      amount_total: trial ? 0 : price,
      amount_subtotal: trial ? 0 : price,
      payment_intent: null,
      customer: customer.id,
      subscription: sub.id,
      invoice: `in_${id}_0`,
      client_reference_id: ref.where === 'client_reference_id' ? ref.value : null,
      metadata,
      payment_status: trial ? 'no_payment_required' : 'paid',
    });
    m.objects.push(customer, sub, session);
    this.event('checkout.session.completed', session, t0);
    this.event('customer.subscription.created', sub, t0);
    const refundOn = rng.chance(0.12) ? rng.int(0, renewals) : -1;
    for (let i = 0; i <= renewals; i++) {
      const at = t0 + i * 30 * DAY_S;
      if (at > this.latest) break;
      const paid = i === 0 && trial ? 0 : price;
      const inv = build.invoice({
        id: `in_${id}_${i}`,
        created: at,
        currency,
        customer: customer.id,
        subscription: sub.id,
        subscriptionMetadata: metadata,
        billing_reason: i === 0 ? 'subscription_create' : 'subscription_cycle',
        amount_due: paid,
        amount_paid: paid,
        subtotal: paid,
        subtotal_excluding_tax: paid,
        total: paid,
        total_excluding_tax: paid,
        status_transitions: { finalized_at: at, marked_uncollectible_at: null, paid_at: at, voided_at: null },
        period_start: at,
        period_end: at + 30 * DAY_S,
      });
      m.objects.push(inv);
      if (paid > 0) {
        const pi = build.paymentIntent({ id: `pi_${id}_${i}`, amount: paid, currency, created: at, customer: customer.id });
        const refunds = i === refundOn ? this.refundsOf(paid, `ch_${id}_${i}`, pi.id, at) : [];
        const refunded = refunds.filter((r) => r.status === 'succeeded').reduce((s, r) => s + r.amount, 0);
        const charge = build.charge({ id: `ch_${id}_${i}`, amount: paid, amount_captured: paid, amount_refunded: refunded, currency, created: at, payment_intent: pi.id, customer: customer.id });
        m.objects.push(pi, charge, ...refunds, build.invoicePayment({ id: `inpay_${id}_${i}`, invoice: inv.id, amount_paid: paid, amount_requested: paid, currency, created: at, payment: { type: 'payment_intent', payment_intent: pi.id } }));
        this.event('invoice.paid', inv, at);
        this.refundEvents(charge, refunds);
      } else this.event('invoice.paid', inv, at);
      if (i > 0) this.event('customer.subscription.updated', sub, at + 1);
    }
    if (sub.status === 'canceled') this.event('customer.subscription.deleted', sub, lastPeriod + DAY_S);
  }

  /** Events we do not handle, and one for an account nobody connected: stored, then ignored. */
  noise(): void {
    const { m, id, t0, rng } = this;
    const customer = build.customer({ id: `cus_${id}`, created: t0 });
    this.event('customer.created' as Stripe.Event.Type, customer as never, t0);
    if (rng.chance(0.5)) this.event('invoice.finalized' as Stripe.Event.Type, build.invoice({ id: `in_${id}_draft`, customer: customer.id, created: t0 }) as never, t0 + 5);
    if (rng.chance(0.3)) {
      this.n += 1;
      this.emit(build.event('customer.updated', customer, { id: `evt_${id}_stranger`, account: `acct_stranger_${m.key}`, created: Math.min(t0 + 9, this.latest) }));
    }
  }
}

function idOf(v: string | { id: string } | null): string | null {
  return typeof v === 'string' ? v : (v?.id ?? null);
}
