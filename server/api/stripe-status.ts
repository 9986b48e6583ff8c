import type { DB } from '../../db';
import { findActiveConnection } from '../connect/store';

export type StripeConnectionStatus = { connected: false } | { connected: true; accountId: string; livemode: boolean };

/** Whether the merchant has a Stripe account connected now (a disconnected one no longer counts). */
export async function stripeConnectionStatus(db: DB, merchantId: string): Promise<StripeConnectionStatus> {
  const connection = await findActiveConnection(db, merchantId);
  return connection ? { connected: true, accountId: connection.accountId, livemode: connection.livemode === 1 } : { connected: false };
}
