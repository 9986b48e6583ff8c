// Finding the sale a charge belongs to: through its PaymentIntent (one-off purchases record it), else
// through invoicePayments.list (invoice payments), else not yet known: the event is parked.
import type { HandlerContext } from '../../stripe/handlers/types';
import { idOf } from '../../stripe/fields';
import * as store from '../store';
import type { Conversion } from '../store';
import type { WaitKey } from '../parking';

export interface SaleLookup {
  paymentIntentId: string | null;
  invoiceId: string | null;
}

/** Outside the transaction: the Stripe call that maps a PaymentIntent to its invoice, when our rows do not say. */
export async function gatherSaleLookup(h: HandlerContext, livemode: number, paymentIntentId: string | null, invoiceHint: string | null): Promise<SaleLookup> {
  if (!paymentIntentId) return { paymentIntentId, invoiceId: invoiceHint };
  if (invoiceHint || (await store.findConversionByPaymentIntent(h.db, h.merchantId, livemode, paymentIntentId))) return { paymentIntentId, invoiceId: invoiceHint };
  const payments = await h.stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: paymentIntentId }, limit: 1 }, h.requestOptions);
  return { paymentIntentId, invoiceId: idOf(payments.data[0]?.invoice) };
}

/** Inside the transaction: the conversion, or the keys to park the event under until it exists. */
export async function findSale(trx: HandlerContext['db'], merchantId: string, livemode: number, lookup: SaleLookup): Promise<{ conversion?: Conversion; waitKeys: WaitKey[] }> {
  if (lookup.paymentIntentId) {
    const byPi = await store.findConversionByPaymentIntent(trx, merchantId, livemode, lookup.paymentIntentId);
    if (byPi) return { conversion: byPi, waitKeys: [] };
  }
  if (lookup.invoiceId) {
    const byInvoice = await store.findConversionByKey(trx, merchantId, livemode, `in:${lookup.invoiceId}`);
    if (byInvoice) {
      // Remember the PaymentIntent so the next refund or dispute of this charge needs no Stripe call.
      if (lookup.paymentIntentId && !byInvoice.paymentIntentId) {
        await trx.updateTable('conversions').set({ paymentIntentId: lookup.paymentIntentId }).where('id', '=', byInvoice.id).execute();
      }
      return { conversion: byInvoice, waitKeys: [] };
    }
  }
  const waitKeys: WaitKey[] = [];
  if (lookup.paymentIntentId) waitKeys.push(`pi:${lookup.paymentIntentId}`);
  if (lookup.invoiceId) waitKeys.push(`in:${lookup.invoiceId}`);
  return { waitKeys };
}
