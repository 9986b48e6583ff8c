// Disputes: a commission waits on hold while a dispute is open; a lost dispute reverses what is left,
// a won (or warning-closed) one restores the status the commission had before the hold.
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { remainingAfterReversals } from './math';
import { changeStatus, reverse } from './ledger';
import * as store from './store';
import type { Commission } from './store';

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

/** A lost dispute: release the hold, then reverse whatever of the commission is not already reversed. */
export async function loseDispute(trx: DB, clock: Clock, credit: Commission, disputeId: string, cause: { type: 'stripe_event'; id: string }): Promise<boolean> {
  await releaseDispute(trx, clock, credit, disputeId, `Dispute ${disputeId} lost`);
  const fresh = (await store.findCommission(trx, credit.merchantId, credit.id)) ?? credit;
  const reversals = (await store.reversalsOf(trx, credit.id)).filter((r) => r.ledgerKey !== `dispute:${disputeId}`);
  const reversed = reversals.reduce((s, r) => ({ commission: s.commission - r.amount, fee: s.fee - r.fee, net: s.net - r.net }), { commission: 0, fee: 0, net: 0 });
  const remaining = remainingAfterReversals({ commission: fresh.amount, fee: fresh.fee, net: fresh.net }, reversed);
  return !!(await reverse(trx, clock, fresh, remaining, `dispute:${disputeId}`, cause, disputeId, `Dispute ${disputeId} lost`));
}
