import { applySubscriptionEvent } from './subscription-state';
import { handlerFor } from './types';

export const customerSubscriptionUpdated = handlerFor('customer.subscription.updated', applySubscriptionEvent);
