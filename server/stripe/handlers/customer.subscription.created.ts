import { applySubscriptionEvent } from './subscription-state';
import { handlerFor } from './types';

export const customerSubscriptionCreated = handlerFor('customer.subscription.created', applySubscriptionEvent);
