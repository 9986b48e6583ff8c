import { applyCheckoutSession } from '../../commissions/from-stripe/session';
import { handlerFor } from './types';

/** One-off paid purchases are credited; subscription sessions (and trials) bind the customer. */
export const checkoutSessionCompleted = handlerFor('checkout.session.completed', (h, event) => applyCheckoutSession(h, event, event.data.object, false));
