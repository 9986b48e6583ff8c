import { applyCustomerUpdate } from '../../commissions/from-stripe/customer';
import { handlerFor } from './types';

export const customerUpdated = handlerFor('customer.updated', (h, event) => applyCustomerUpdate(h, event, event.data.object));
