import { applyDispute } from '../../commissions/from-stripe/dispute';
import { handlerFor } from './types';

export const chargeDisputeFundsReinstated = handlerFor('charge.dispute.funds_reinstated', (h, event) => applyDispute(h, event, event.data.object, 'reinstated'));
