// charge.refunded, refund.created, refund.updated: list the charge's refunds from Stripe (current
// state, never payload deltas) and bring the clawbacks in line. Seen before its sale: parked.
import type Stripe from 'stripe';
import type { HandlerContext } from '../../stripe/handlers/types';
import { chargeInvoiceId, idOf } from '../../stripe/fields';
import { applyRefunds } from '../refunds';
import { park } from '../parking';
import * as store from '../store';
import { commit, livemodeOf } from './env';
import { findSale, gatherSaleLookup } from './payments';

export async function applyChargeRefunds(h: HandlerContext, event: Stripe.Event, chargeOrId: Stripe.Charge | string): Promise<void> {
  const livemode = livemodeOf(event);
  const charge = typeof chargeOrId === 'string' ? await h.stripe.charges.retrieve(chargeOrId, {}, h.requestOptions) : chargeOrId;
  const refunds = await h.stripe.refunds.list({ charge: charge.id, limit: 100 }, h.requestOptions);
  const lookup = await gatherSaleLookup(h, livemode, idOf(charge.payment_intent), chargeInvoiceId(charge));
  await commit(h, event, async (trx) => {
    const { conversion, waitKeys } = await findSale(trx, h.merchantId, livemode, lookup);
    if (!conversion) {
      await park(trx, h.clock, { merchantId: h.merchantId, livemode, eventId: event.id, waitKeys });
      return [];
    }
    const credit = await store.findCredit(trx, conversion.id);
    if (!credit) {
      // An unattributed sale: if it gets a partner later (assignment), this refund applies then.
      await park(trx, h.clock, { merchantId: h.merchantId, livemode, eventId: event.id, waitKeys: [`conv:${conversion.id}`] });
      return [];
    }
    await applyRefunds(
      trx,
      h.clock,
      credit,
      charge.amount,
      refunds.data.map((r) => ({ id: r.id, amount: r.amount, status: r.status ?? 'pending', created: r.created })),
      { type: 'stripe_event', id: event.id },
    );
    return [];
  });
}
