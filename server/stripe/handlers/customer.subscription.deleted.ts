import { applySubscriptionEvent } from './subscription-state';
import { handlerFor } from './types';

export const customerSubscriptionDeleted = handlerFor('customer.subscription.deleted', applySubscriptionEvent);
