// Disputes put the commission on hold, then a loss reverses what is left and a win restores it.
// Dispute events arrive in any order, so the dispute is re-read and its current status decides: a
// `created` handled after `closed` must not put the commission back on hold.
import Stripe from 'stripe';
import type { HandlerContext } from '../../stripe/handlers/types';
import { idOf } from '../../stripe/fields';
import { holdForDispute, loseDispute, releaseDispute, type ChargeRefunds } from '../disputes';
import { park } from '../parking';
import * as store from '../store';
import { commit, livemodeOf } from './env';
import { findSale, gatherSaleLookup } from './payments';

export type DisputeStep = 'open' | 'closed' | 'reinstated';

const CLOSED: ReadonlySet<string> = new Set(['won', 'lost', 'warning_closed', 'prevented']);

/** Errors after which the payload is the best state we will get: access revoked, or the object gone. */
const unreadable = (err: unknown) =>
  err instanceof Stripe.errors.StripePermissionError ||
  err instanceof Stripe.errors.StripeAuthenticationError ||
  (err instanceof Stripe.errors.StripeInvalidRequestError && (err.code === 'resource_missing' || err.code === 'account_invalid'));

async function readOr<T>(read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (unreadable(err)) return fallback;
    throw err;
  }
}

/** The charge's refunds as Stripe has them now (a lost dispute takes only what refunds do not). */
async function chargeRefunds(h: HandlerContext, chargeId: string | null): Promise<ChargeRefunds | undefined> {
  if (!chargeId) return undefined;
  return readOr(async () => {
    const [charge, refunds] = await Promise.all([h.stripe.charges.retrieve(chargeId, {}, h.requestOptions), h.stripe.refunds.list({ charge: chargeId, limit: 100 }, h.requestOptions)]);
    return { paid: charge.amount, refunds: refunds.data.map((r) => ({ id: r.id, amount: r.amount, status: r.status ?? 'pending', created: r.created })) };
  }, undefined);
}

export async function applyDispute(h: HandlerContext, event: Stripe.Event, dispute: Stripe.Dispute, step: DisputeStep): Promise<void> {
  const livemode = livemodeOf(event);
  const current = await readOr(() => h.stripe.disputes.retrieve(dispute.id, {}, h.requestOptions), dispute);
  const closed = CLOSED.has(current.status);
  const outcome: DisputeStep = closed ? 'closed' : step;
  const status = closed ? current.status : dispute.status;
  let paymentIntentId = idOf(dispute.payment_intent);
  if (!paymentIntentId) {
    const charge = await h.stripe.charges.retrieve(idOf(dispute.charge)!, {}, h.requestOptions);
    paymentIntentId = idOf(charge.payment_intent);
  }
  const refunded = outcome === 'closed' && status === 'lost' ? await chargeRefunds(h, idOf(dispute.charge)) : undefined;
  const lookup = await gatherSaleLookup(h, livemode, paymentIntentId, null);
  await commit(h, event, async (trx) => {
    const { conversion, waitKeys } = await findSale(trx, h.merchantId, livemode, lookup);
    const credit = conversion ? await store.findCredit(trx, conversion.id) : undefined;
    if (!conversion || !credit) {
      await park(trx, h.clock, { merchantId: h.merchantId, livemode, eventId: event.id, waitKeys: conversion ? [`conv:${conversion.id}`] : waitKeys });
      return [];
    }
    if (outcome === 'open') await holdForDispute(trx, h.clock, credit, dispute.id);
    else if (outcome === 'reinstated') await releaseDispute(trx, h.clock, credit, dispute.id, `Dispute ${dispute.id}: funds reinstated`);
    else if (status === 'lost') await loseDispute(trx, h.clock, credit, dispute.id, { type: 'stripe_event', id: event.id }, refunded);
    else await releaseDispute(trx, h.clock, credit, dispute.id, `Dispute ${dispute.id} closed as ${status}`);
    return [];
  });
}
