import { applyDispute } from '../../commissions/from-stripe/dispute';
import { handlerFor } from './types';

export const chargeDisputeCreated = handlerFor('charge.dispute.created', (h, event) => applyDispute(h, event, event.data.object, 'open'));
