import { audit } from '../../audit';
import { markDisconnected } from '../../connect/store';
import { isoFromUnix } from '../fields';
import { handlerFor } from './types';

/**
 * The merchant (or we) revoked our access. Mark the connection that was active when it happened as
 * disconnected; history and earned commissions stay. Nothing is fetched: Stripe refuses calls for a
 * deauthorized account.
 */
export const accountApplicationDeauthorized = handlerFor('account.application.deauthorized', async (h, event) => {
  await h.db.transaction().execute(async (trx) => {
    const changed = await markDisconnected(trx, h.connection.id, { at: isoFromUnix(event.created), by: 'stripe', reason: 'deauthorized' });
    if (changed) {
      await audit(trx, {
        merchantId: h.merchantId,
        actor: 'stripe',
        action: 'stripe.disconnected',
        subjectType: 'stripe_account',
        subjectId: h.accountId,
        after: { reason: 'deauthorized', eventId: event.id },
        at: h.clock.now(),
      });
    }
  });
});
