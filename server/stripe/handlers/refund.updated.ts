import { applyChargeRefunds } from '../../commissions/from-stripe/refund';
import { idOf } from '../fields';
import { EventIgnored, handlerFor } from './types';

/** A pending refund succeeded (claw back now) or failed/canceled (reverse an earlier clawback). */
export const refundUpdated = handlerFor('refund.updated', async (h, event) => {
  const charge = idOf(event.data.object.charge);
  if (!charge) throw new EventIgnored('refund without a charge');
  await applyChargeRefunds(h, event, charge);
});
