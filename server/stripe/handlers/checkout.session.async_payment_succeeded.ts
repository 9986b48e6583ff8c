import { applyCheckoutSession } from '../../commissions/from-stripe/session';
import { handlerFor } from './types';

/** A delayed payment method (bank debit, voucher) succeeded: the purchase is now paid. */
export const checkoutSessionAsyncPaymentSucceeded = handlerFor('checkout.session.async_payment_succeeded', (h, event) => applyCheckoutSession(h, event, event.data.object, true));
