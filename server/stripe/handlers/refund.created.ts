import { applyChargeRefunds } from '../../commissions/from-stripe/refund';
import { idOf } from '../fields';
import { EventIgnored, handlerFor } from './types';

export const refundCreated = handlerFor('refund.created', async (h, event) => {
  const charge = idOf(event.data.object.charge);
  if (!charge) throw new EventIgnored('refund without a charge');
  await applyChargeRefunds(h, event, charge);
});
