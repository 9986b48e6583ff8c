// Queries behind GET /api/v1/conversions: attributed conversions of one merchant and mode, with their credit.
import type { SelectQueryBuilder } from 'kysely';
import type { DB } from '../../../db';
import type { Database } from '../../../db/schema';
import type { CommissionStatus } from '../../../db/tables/ledger';
import { customerKeysOf } from './affiliates-store';

export interface ConversionFilter {
  affiliateId?: string;
  status?: CommissionStatus;
  customerId?: string;
  createdFrom?: string;
  createdTo?: string;
}

function buildQuery(db: DB, merchantId: string, livemode: number, f: ConversionFilter) {
  let q = db
    .selectFrom('conversions as c')
    .leftJoin('commissions as k', (join) => join.onRef('k.conversionId', '=', 'c.id').on('k.kind', '=', 'credit'))
    .select([
      'c.id',
      'c.partnerId',
      'c.stripeCustomerId',
      'c.customerKey',
      'c.source',
      'c.stripeObjectId',
      'c.externalId',
      'c.amount',
      'c.currency',
      'c.metadata',
      'c.occurredAt',
      'c.createdAt',
      'k.amount as commission',
      'k.fee as platformFee',
      'k.net as netCommission',
      'k.currency as commissionCurrency',
      'k.status as status',
      'k.statusReason as statusReason',
    ])
    // Reversal rows are negative (an undone clawback is positive): their sum, negated, is what was clawed back.
    .select((eb) => eb.selectFrom('commissions as r').select((r) => r.fn.sum<number>('r.amount').as('s')).whereRef('r.reversesId', '=', 'k.id').as('reversedSum'))
    .where('c.merchantId', '=', merchantId)
    .where('c.livemode', '=', livemode)
    .where('c.partnerId', 'is not', null);
  if (f.affiliateId !== undefined) q = q.where('c.partnerId', '=', f.affiliateId);
  if (f.status !== undefined) q = q.where('k.status', '=', f.status);
  if (f.customerId !== undefined) q = q.where('c.customerKey', 'in', customerKeysOf(f.customerId));
  if (f.createdFrom !== undefined) q = q.where('c.createdAt', '>=', f.createdFrom);
  if (f.createdTo !== undefined) q = q.where('c.createdAt', '<', f.createdTo);
  return q.orderBy('c.createdAt', 'desc').orderBy('c.id', 'desc');
}
export type ConversionRow = Awaited<ReturnType<ReturnType<typeof buildQuery>['execute']>>[number];

/** The list query, typed as paginate() takes it (its signature does not model aliased joins; the rows are the same). */
export const conversionsQuery = (db: DB, merchantId: string, livemode: number, f: ConversionFilter) =>
  buildQuery(db, merchantId, livemode, f) as unknown as SelectQueryBuilder<Database, keyof Database, ConversionRow>;
