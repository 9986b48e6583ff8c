import type { DB } from '../../db';
import { newId } from '../lib/ids';

/** The domain events merchants can subscribe to with outbound webhooks. */
export type OutboundEventType =
  | 'partner_application.approved'
  | 'partner_application.rejected'
  | 'conversion.created'
  | 'commission.created'
  | 'commission.reversed'
  | 'commission.approved'
  | 'payout.paid';

/**
 * Record a domain event in the outbox. Call it with the transaction that makes the change, so the
 * event exists exactly when the change does; the outbound feature fans it out to endpoints.
 */
export async function recordEvent(
  db: DB,
  e: { merchantId: string; type: OutboundEventType; livemode: boolean; data: unknown; at: Date },
): Promise<string> {
  const id = newId('evt');
  await db
    .insertInto('outboxEvents')
    .values({ id, merchantId: e.merchantId, type: e.type, livemode: e.livemode ? 1 : 0, data: JSON.stringify(e.data), createdAt: e.at.toISOString() })
    .execute();
  return id;
}
