import { applyChargeRefunds } from '../../commissions/from-stripe/refund';
import { handlerFor } from './types';

export const chargeRefunded = handlerFor('charge.refunded', (h, event) => applyChargeRefunds(h, event, event.data.object));
