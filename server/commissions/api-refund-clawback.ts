// The clawback of one API refund, shared by the refund itself and by a credit that only arrives later
// (an unattributed API sale assigned by hand, or credited when its customer gets bound): both write the
// same amounts under the same ledger key, so whichever runs first wins and the other changes nothing.
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { reverse } from './ledger';
import { refundClawback } from './math';
import type { Commission, Conversion } from './store';

type Cause = { type: 'api' | 'manual' | 'stripe_event'; id: string };

export const apiRefundLedgerKey = (refundKey: string) => `api-refund:${refundKey}`;

/** Refund k of a sale paid P takes round(C×R_k÷P) − round(C×R_{k−1}÷P), R being the running refunded total. */
export function clawBackApiRefund(trx: DB, clock: Clock, credit: Commission, paid: number, refund: { refundKey: string; amount: number; refundedBefore: number }, cause: Cause, note = ''): Promise<Commission | undefined> {
  const after = refund.refundedBefore + refund.amount;
  const amounts = refundClawback({ commission: credit.amount, fee: credit.fee, net: credit.net }, paid, refund.refundedBefore, after);
  return reverse(trx, clock, credit, amounts, apiRefundLedgerKey(refund.refundKey), cause, null, `API refund of ${refund.amount} (${after} of ${paid} refunded)${note}`);
}

/**
 * A credit written after its sale was already refunded through the API: claw those refunds back now, in
 * the order they were recorded, and link each to its reversal so a retried refund answers it. The
 * caller's transaction must hold the conversion's row lock (taken by attributing it), which a concurrent
 * refund also takes before looking for the credit: the refund is then clawed back by one side only.
 */
export async function clawBackEarlierApiRefunds(trx: DB, clock: Clock, conversion: Conversion, credit: Commission, cause: Cause): Promise<number> {
  if (conversion.source === 'stripe') return 0; // Stripe refunds come from Stripe's events (parked until the credit exists)
  const waiting = await trx.selectFrom('apiRefunds').selectAll().where('conversionId', '=', conversion.id).where('reversalId', 'is', null).orderBy('refundedBefore').execute();
  let written = 0;
  for (const refund of waiting) {
    const reversal =
      (await clawBackApiRefund(trx, clock, credit, conversion.amountPaid, refund, cause, ', recorded before the sale had a partner')) ??
      (await trx.selectFrom('commissions').selectAll().where('merchantId', '=', conversion.merchantId).where('livemode', '=', conversion.livemode).where('ledgerKey', '=', apiRefundLedgerKey(refund.refundKey)).executeTakeFirst());
    if (!reversal) continue; // nothing to take back (a commission of 0)
    await trx.updateTable('apiRefunds').set({ reversalId: reversal.id }).where('id', '=', refund.id).where('reversalId', 'is', null).execute();
    written++;
  }
  return written;
}
