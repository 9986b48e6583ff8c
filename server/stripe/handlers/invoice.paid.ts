import { applyPaidInvoice } from '../../commissions/from-stripe/invoice';
import { handlerFor } from './types';

/** Subscription renewals, first invoices and Stripe Invoicing: one commission per invoice. */
export const invoicePaid = handlerFor('invoice.paid', (h, event) => applyPaidInvoice(h, event, event.data.object));
