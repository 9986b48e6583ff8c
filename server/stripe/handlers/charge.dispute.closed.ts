import { applyDispute } from '../../commissions/from-stripe/dispute';
import { handlerFor } from './types';

/** lost → reverse what is left; won or warning_closed → restore the status before the hold. */
export const chargeDisputeClosed = handlerFor('charge.dispute.closed', (h, event) => applyDispute(h, event, event.data.object, 'closed'));
