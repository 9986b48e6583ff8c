// Queries behind /api/v1/affiliates. Every one is scoped by the merchant of the API key.
import type { DB } from '../../../db';
import type { PartnerStatus } from '../../../db/tables/partners';
import { externalCustomerKey, stripeCustomerKey } from '../../attribution/bindings';

export const affiliatesQuery = (db: DB, merchantId: string, f: { status?: PartnerStatus; email?: string }) => {
  let q = db.selectFrom('partners').selectAll().where('merchantId', '=', merchantId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.email !== undefined) q = q.where('email', '=', f.email.toLowerCase());
  return q.orderBy('createdAt', 'desc').orderBy('id', 'desc');
};

/** The links of several partners in one query, default link first. */
export const linksOf = (db: DB, merchantId: string, partnerIds: string[]) =>
  partnerIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('links')
        .selectAll()
        .where('merchantId', '=', merchantId)
        .where('partnerId', 'in', partnerIds)
        .orderBy('isDefault', 'desc')
        .orderBy('createdAt')
        .orderBy('id')
        .execute();

/**
 * The customer keys an API caller's customer id can stand for: a Stripe customer, an external id, or
 * the key itself as webhook events and the conversions list show it (`ext:…`, `stripe:…`).
 */
export const customerKeysOf = (customerId: string) => [stripeCustomerKey(customerId), externalCustomerKey(customerId), customerId];

/** Who referred this customer in this mode; a Stripe customer wins over an external id spelled the same. */
export async function bindingOfCustomer(db: DB, merchantId: string, livemode: number, customerId: string) {
  const rows = await db
    .selectFrom('referralBindings')
    .select(['partnerId', 'customerKey'])
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where('customerKey', 'in', customerKeysOf(customerId))
    .execute();
  return rows.find((r) => r.customerKey.startsWith('stripe:')) ?? rows[0];
}

/** A partner's net earnings in one mode, per currency: credits plus reversals, rejected rows excluded. */
export const earnedByCurrency = (db: DB, merchantId: string, livemode: number, partnerId: string) =>
  db
    .selectFrom('commissions')
    .select((eb) => ['currency', eb.fn.sum<number>('net').as('amount')])
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where('partnerId', '=', partnerId)
    .where('status', '!=', 'rejected')
    .groupBy('currency')
    .orderBy('currency')
    .execute();
