// Disputes: a commission waits on hold while a dispute is open; a lost dispute reverses what is left,
// a won (or warning-closed) one restores the status the commission had before the hold.
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { refundClawback, remainingAfterReversals } from './math';
import { changeStatus, reverse } from './ledger';
import type { RefundState } from './refunds';
import * as store from './store';
import type { Commission } from './store';

/** What Stripe says about the disputed charge's refunds: what was paid on it, and each refund. */
export interface ChargeRefunds {
  paid: number;
  refunds: RefundState[];
}

const holdReason = (disputeId: string) => `dispute:${disputeId}`;

export async function holdForDispute(trx: DB, clock: Clock, credit: Commission, disputeId: string): Promise<boolean> {
  return changeStatus(trx, clock, credit, ['pending', 'approved'], 'on_hold', holdReason(disputeId), 'stripe');
}

/** End this dispute's hold, restoring the status from before it. */
export async function releaseDispute(trx: DB, clock: Clock, credit: Commission, disputeId: string, reason: string): Promise<boolean> {
  const current = await trx.selectFrom('commissions').select(['status', 'statusReason']).where('id', '=', credit.id).executeTakeFirst();
  if (current?.status !== 'on_hold' || current.statusReason !== holdReason(disputeId)) return false;
  const before = (await store.statusBeforeHold(trx, credit.id, holdReason(disputeId))) ?? 'pending';
  return changeStatus(trx, clock, credit, ['on_hold'], before, reason, 'stripe');
}

/**
 * A lost dispute: release the hold, then reverse whatever of the commission is not already reversed.
 * With the charge's refunds from Stripe (`refunded`), the refunds count for the whole clawback they make,
 * whether or not their events were handled yet: the dispute then takes the same share in any order, and
 * a refund handled after it cannot take the commission below zero.
 */
export async function loseDispute(trx: DB, clock: Clock, credit: Commission, disputeId: string, cause: { type: 'stripe_event'; id: string }, refunded?: ChargeRefunds): Promise<boolean> {
  await releaseDispute(trx, clock, credit, disputeId, `Dispute ${disputeId} lost`);
  const fresh = (await store.findCommission(trx, credit.merchantId, credit.id)) ?? credit;
  const original = { commission: fresh.amount, fee: fresh.fee, net: fresh.net };
  const isRefundRow = (key: string) => key.startsWith('refund:') || key.startsWith('refund-undo:');
  const reversals = (await store.reversalsOf(trx, credit.id)).filter((r) => r.ledgerKey !== `dispute:${disputeId}` && !(refunded && refunded.paid > 0 && isRefundRow(r.ledgerKey)));
  const reversed = reversals.reduce((s, r) => ({ commission: s.commission - r.amount, fee: s.fee - r.fee, net: s.net - r.net }), { commission: 0, fee: 0, net: 0 });
  if (refunded && refunded.paid > 0) {
    const refundedTotal = refunded.refunds.filter((r) => r.status === 'succeeded').reduce((s, r) => s + r.amount, 0);
    const byRefunds = refundClawback(original, refunded.paid, 0, refundedTotal);
    reversed.commission += byRefunds.commission;
    reversed.fee += byRefunds.fee;
    reversed.net += byRefunds.net;
  }
  const remaining = remainingAfterReversals(original, reversed);
  return !!(await reverse(trx, clock, fresh, remaining, `dispute:${disputeId}`, cause, disputeId, `Dispute ${disputeId} lost`));
}
