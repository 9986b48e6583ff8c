// The end of the holding period: pending credits whose hold_until has passed become approved (their
// pending reversals move with them) and `commission.approved` is recorded once per credit. Safe with
// several processes: each flip is a conditional update (`where status = 'pending'`), and only the
// process whose update changed the row records the event.
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { recordEvent } from '../outbound/record';
import { changeStatus, commissionEventData } from '../commissions/ledger';
import type { Commission } from '../commissions/store';

const BATCH = 200;

/** Approve a credit (holding period over, or early by a merchant) and record the event, in the caller's transaction. */
export async function approveCredit(trx: DB, clock: Clock, credit: Commission, reason: string, actor: string): Promise<boolean> {
  const changed = await changeStatus(trx, clock, credit, ['pending'], 'approved', reason, actor);
  if (!changed) return false;
  await recordEvent(trx, {
    merchantId: credit.merchantId,
    type: 'commission.approved',
    livemode: credit.livemode === 1,
    data: { commission: commissionEventData({ ...credit, status: 'approved', statusReason: reason }) },
    at: clock.now(),
  });
  return true;
}

/**
 * Approve one batch of due credits (of one merchant, or all). Returns how many were approved, so the
 * job runner calls again while there is work.
 */
export async function approveDue(db: DB, clock: Clock, opts: { merchantId?: string; livemode?: number } = {}): Promise<number> {
  const nowIso = clock.now().toISOString();
  let q = db.selectFrom('commissions').selectAll().where('kind', '=', 'credit').where('status', '=', 'pending').where('holdUntil', '<=', nowIso);
  if (opts.merchantId) q = q.where('merchantId', '=', opts.merchantId);
  if (opts.livemode !== undefined) q = q.where('livemode', '=', opts.livemode);
  const due = await q.orderBy('holdUntil').orderBy('id').limit(BATCH).execute();
  let approved = 0;
  for (const credit of due) {
    // One short transaction per credit: a failure (or a competing process) affects only that row.
    const done = await db.transaction().execute((trx) => approveCredit(trx, clock, credit, 'Holding period ended', 'system'));
    if (done) approved += 1;
  }
  return approved;
}
