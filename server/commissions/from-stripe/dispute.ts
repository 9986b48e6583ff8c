// Disputes put the commission on hold, then a loss reverses what is left and a win restores it.
import type Stripe from 'stripe';
import type { HandlerContext } from '../../stripe/handlers/types';
import { idOf } from '../../stripe/fields';
import { holdForDispute, loseDispute, releaseDispute } from '../disputes';
import { park } from '../parking';
import * as store from '../store';
import { commit, livemodeOf } from './env';
import { findSale, gatherSaleLookup } from './payments';

export type DisputeStep = 'open' | 'closed' | 'reinstated';

export async function applyDispute(h: HandlerContext, event: Stripe.Event, dispute: Stripe.Dispute, step: DisputeStep): Promise<void> {
  const livemode = livemodeOf(event);
  let paymentIntentId = idOf(dispute.payment_intent);
  if (!paymentIntentId) {
    const charge = await h.stripe.charges.retrieve(idOf(dispute.charge)!, {}, h.requestOptions);
    paymentIntentId = idOf(charge.payment_intent);
  }
  const lookup = await gatherSaleLookup(h, livemode, paymentIntentId, null);
  await commit(h, event, async (trx) => {
    const { conversion, waitKeys } = await findSale(trx, h.merchantId, livemode, lookup);
    const credit = conversion ? await store.findCredit(trx, conversion.id) : undefined;
    if (!conversion || !credit) {
      await park(trx, h.clock, { merchantId: h.merchantId, livemode, eventId: event.id, waitKeys: conversion ? [`conv:${conversion.id}`] : waitKeys });
      return [];
    }
    if (step === 'open') await holdForDispute(trx, h.clock, credit, dispute.id);
    else if (step === 'reinstated') await releaseDispute(trx, h.clock, credit, dispute.id, `Dispute ${dispute.id}: funds reinstated`);
    else if (dispute.status === 'lost') await loseDispute(trx, h.clock, credit, dispute.id, { type: 'stripe_event', id: event.id });
    else await releaseDispute(trx, h.clock, credit, dispute.id, `Dispute ${dispute.id} closed as ${dispute.status}`);
    return [];
  });
}
