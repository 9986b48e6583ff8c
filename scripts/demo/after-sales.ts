// What follows some of the story's sales: refunds (two partial and two full on one-off purchases, one on a
// renewal charge) and disputes (one lost long ago, one still open). Each charge is updated in place to the
// state Stripe would answer with today, since the handlers re-read it rather than trust payload deltas.
import type Stripe from 'stripe';
import { build, type FakeStoredObject } from '../../test/fake-stripe';
import type { EventFn, HistoryCounts, PaidCharge } from './history';
import type { Rng } from './random';

const DAY = 86_400;

export function planAfterSales(
  rng: Rng,
  nowS: number,
  out: { objects: FakeStoredObject[]; event: EventFn; counts: HistoryCounts },
  sales: { oneOffs: PaidCharge[]; renewals: (PaidCharge & { sub: Stripe.Subscription })[] },
): void {
  const { objects, event, counts } = out;

  const refund = (sale: PaidCharge, amount: number, at: number) => {
    counts.refunds += 1;
    const re = build.refund({ amount, charge: sale.charge.id, payment_intent: sale.pi.id, currency: sale.charge.currency, created: at, status: 'succeeded' });
    const after = { ...sale.charge, amount_refunded: sale.charge.amount_refunded + amount, refunded: sale.charge.amount_refunded + amount >= sale.charge.amount };
    Object.assign(sale.charge, after);
    objects.push(re);
    event('charge.refunded', after, at);
  };

  // Spread over the quarter: the nth of a few evenly spaced referred one-off sales older than a week.
  const refundable = sales.oneOffs.filter((o) => o.referred && o.at < nowS - 8 * DAY);
  const shares = [0.5, 0.3, 1, 1];
  for (const [i, share] of shares.entries()) {
    const sale = refundable[Math.floor(((i + 1) * refundable.length) / (shares.length + 2))];
    if (sale) refund(sale, Math.round(sale.charge.amount * share), Math.min(nowS - DAY, sale.at + rng.int(2, 20) * DAY));
  }
  const renewal = sales.renewals.filter((p) => p.referred && p.at < nowS - 5 * DAY && p.sub.status === 'active').at(-1);
  if (renewal) refund(renewal, renewal.charge.amount, Math.min(nowS - DAY, renewal.at + 3 * DAY));

  const disputable = sales.oneOffs.filter((o) => o.referred && o.charge.amount_refunded === 0);
  const old = disputable.find((o) => o.at < nowS - 45 * DAY);
  const recent = [...disputable].reverse().find((o) => o.at < nowS - 4 * DAY && o.at > nowS - 25 * DAY);
  if (old) {
    const dp = build.dispute({ charge: old.charge.id, payment_intent: old.pi.id, amount: old.charge.amount, currency: old.charge.currency, reason: 'fraudulent', status: 'lost', created: old.at + 9 * DAY });
    objects.push(dp);
    old.charge.disputed = true;
    event('charge.dispute.created', { ...dp, status: 'needs_response' }, old.at + 9 * DAY);
    event('charge.dispute.closed', dp, old.at + 30 * DAY);
    counts.disputes += 1;
  }
  if (recent) {
    const dp = build.dispute({ charge: recent.charge.id, payment_intent: recent.pi.id, amount: recent.charge.amount, currency: recent.charge.currency, reason: 'product_not_received', status: 'needs_response', created: recent.at + 2 * DAY });
    objects.push(dp);
    recent.charge.disputed = true;
    event('charge.dispute.created', dp, recent.at + 2 * DAY);
    counts.disputes += 1;
  }
}
