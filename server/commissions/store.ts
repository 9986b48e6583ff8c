import type { Selectable } from 'kysely';
import type { DB } from '../../db';
import type { CommissionsTable, ConversionsTable, ReferralBindingsTable, CommissionStatus } from '../../db/tables/ledger';

export type Conversion = Selectable<ConversionsTable>;
export type Commission = Selectable<CommissionsTable>;
export type Binding = Selectable<ReferralBindingsTable>;

export const findConversionByKey = (db: DB, merchantId: string, livemode: number, sourceKey: string) =>
  db.selectFrom('conversions').selectAll().where('merchantId', '=', merchantId).where('livemode', '=', livemode).where('sourceKey', '=', sourceKey).executeTakeFirst();

export const findConversion = (db: DB, merchantId: string, id: string) =>
  db.selectFrom('conversions').selectAll().where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();

/** The conversion a charge belongs to, through its PaymentIntent (one-off purchases record it). */
export const findConversionByPaymentIntent = (db: DB, merchantId: string, livemode: number, paymentIntentId: string) =>
  db
    .selectFrom('conversions')
    .selectAll()
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where('paymentIntentId', '=', paymentIntentId)
    .orderBy('createdAt')
    .executeTakeFirst();

export const findCredit = (db: DB, conversionId: string) =>
  db.selectFrom('commissions').selectAll().where('conversionId', '=', conversionId).where('kind', '=', 'credit').executeTakeFirst();

export const findCommission = (db: DB, merchantId: string, id: string) =>
  db.selectFrom('commissions').selectAll().where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();

export const reversalsOf = (db: DB, creditId: string) =>
  db.selectFrom('commissions').selectAll().where('reversesId', '=', creditId).orderBy('createdAt').orderBy('id').execute();

export const findBinding = (db: DB, merchantId: string, livemode: number, customerKey: string) =>
  db.selectFrom('referralBindings').selectAll().where('merchantId', '=', merchantId).where('livemode', '=', livemode).where('customerKey', '=', customerKey).executeTakeFirst();

/** Unattributed conversions of one customer, oldest first (credited when the customer gets bound). */
export const unattributedOfCustomer = (db: DB, merchantId: string, livemode: number, customerKey: string) =>
  db
    .selectFrom('conversions')
    .selectAll()
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where('customerKey', '=', customerKey)
    .where('partnerId', 'is', null)
    .orderBy('occurredAt')
    .orderBy('id')
    .execute();

/** This binding's conversions with a base above zero, to count payments for durations. */
export const positiveConversionsOfBinding = (db: DB, bindingId: string) =>
  db
    .selectFrom('conversions')
    .select(['id', 'occurredAt', 'periodStart'])
    .where('bindingId', '=', bindingId)
    .where('amount', '>', 0)
    .orderBy('occurredAt')
    .orderBy('id')
    .execute();

/** The status a commission had before the hold with this reason (to restore it when the hold ends). */
export async function statusBeforeHold(db: DB, commissionId: string, holdReason: string): Promise<CommissionStatus | undefined> {
  const row = await db
    .selectFrom('commissionStatusChanges')
    .select('fromStatus')
    .where('commissionId', '=', commissionId)
    .where('toStatus', '=', 'on_hold')
    .where('reason', '=', holdReason)
    .orderBy('createdAt', 'desc')
    .executeTakeFirst();
  return row?.fromStatus;
}
