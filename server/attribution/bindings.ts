// Binding: the first attribution of a customer decides every later payment of that customer.
import type { DB } from '../../db';
import type { BindingSource } from '../../db/tables/ledger';
import type { Clock } from '../lib/clock';
import { newId } from '../lib/ids';
import * as store from '../commissions/store';
import type { Binding } from '../commissions/store';

export interface NewBinding {
  merchantId: string;
  livemode: number;
  customerKey: string;
  stripeCustomerId?: string | null;
  externalCustomerId?: string | null;
  customerEmail?: string | null;
  customerName?: string | null;
  partnerId: string;
  clickId?: string | null;
  referralValue?: string | null;
  foundIn?: string | null;
  source: BindingSource;
  /** When the referral happened, if earlier than now (bindings imported from another tool). */
  createdAt?: string;
}

export const stripeCustomerKey = (customerId: string) => `stripe:${customerId}`;
export const externalCustomerKey = (externalId: string) => `ext:${externalId}`;

/**
 * Bind a customer to a partner unless already bound (the unique key decides races between processes).
 * Returns the binding that holds, which may be an earlier one naming another partner.
 */
export async function bindCustomer(trx: DB, clock: Clock, b: NewBinding): Promise<{ binding: Binding; created: boolean }> {
  const now = clock.now().toISOString();
  const id = newId('bnd');
  const inserted = await trx
    .insertInto('referralBindings')
    .values({
      id,
      merchantId: b.merchantId,
      livemode: b.livemode,
      customerKey: b.customerKey,
      stripeCustomerId: b.stripeCustomerId ?? null,
      externalCustomerId: b.externalCustomerId ?? null,
      customerEmail: b.customerEmail ?? null,
      customerName: b.customerName ?? null,
      partnerId: b.partnerId,
      clickId: b.clickId ?? null,
      referralValue: b.referralValue ?? null,
      foundIn: b.foundIn ?? null,
      source: b.source,
      createdAt: b.createdAt ?? now,
      updatedAt: now,
    })
    .onConflict((oc) => oc.columns(['merchantId', 'livemode', 'customerKey']).doNothing())
    .returningAll()
    .executeTakeFirst();
  // Bound before (or by a concurrent event): the existing binding stands.
  if (inserted) return { binding: inserted, created: true };
  const binding = await store.findBinding(trx, b.merchantId, b.livemode, b.customerKey);
  if (!binding) throw new Error(`binding ${b.customerKey} vanished`);
  return { binding, created: false };
}
