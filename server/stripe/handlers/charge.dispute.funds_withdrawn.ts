import { applyDispute } from '../../commissions/from-stripe/dispute';
import { handlerFor } from './types';

export const chargeDisputeFundsWithdrawn = handlerFor('charge.dispute.funds_withdrawn', (h, event) => applyDispute(h, event, event.data.object, 'open'));
