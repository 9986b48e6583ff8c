// Event type → handler, one file per type. Types without an entry are stored and end as `ignored`
// ("no_handler"); once a handler is added here they can be re-run from the events page.
import type { HandlerMap } from './types';
import { accountApplicationDeauthorized } from './account.application.deauthorized';
import { customerSubscriptionCreated } from './customer.subscription.created';
import { customerSubscriptionUpdated } from './customer.subscription.updated';
import { customerSubscriptionDeleted } from './customer.subscription.deleted';
import { checkoutSessionCompleted } from './checkout.session.completed';
import { checkoutSessionAsyncPaymentSucceeded } from './checkout.session.async_payment_succeeded';
import { invoicePaid } from './invoice.paid';
import { chargeRefunded } from './charge.refunded';
import { refundCreated } from './refund.created';
import { refundUpdated } from './refund.updated';
import { chargeDisputeCreated } from './charge.dispute.created';
import { chargeDisputeFundsWithdrawn } from './charge.dispute.funds_withdrawn';
import { chargeDisputeClosed } from './charge.dispute.closed';
import { chargeDisputeFundsReinstated } from './charge.dispute.funds_reinstated';
import { customerUpdated } from './customer.updated';

export const handlers: HandlerMap = {
  'account.application.deauthorized': accountApplicationDeauthorized,
  'customer.subscription.created': customerSubscriptionCreated,
  'customer.subscription.updated': customerSubscriptionUpdated,
  'customer.subscription.deleted': customerSubscriptionDeleted,
  // The ledger (server/commissions/from-stripe): sales, renewals, refunds, disputes, late referrals.
  'checkout.session.completed': checkoutSessionCompleted,
  'checkout.session.async_payment_succeeded': checkoutSessionAsyncPaymentSucceeded,
  'invoice.paid': invoicePaid,
  'charge.refunded': chargeRefunded,
  'refund.created': refundCreated,
  'refund.updated': refundUpdated,
  'charge.dispute.created': chargeDisputeCreated,
  'charge.dispute.funds_withdrawn': chargeDisputeFundsWithdrawn,
  'charge.dispute.closed': chargeDisputeClosed,
  'charge.dispute.funds_reinstated': chargeDisputeFundsReinstated,
  'customer.updated': customerUpdated,
};

/** Applied whatever the event's mode: revoking the OAuth grant ends the connection in both modes. */
export const MODE_INDEPENDENT_TYPES: ReadonlySet<string> = new Set(['account.application.deauthorized']);

export type { HandlerContext, StripeEventHandler, HandlerMap, EventOf } from './types';
export { handlerFor, EventIgnored } from './types';
