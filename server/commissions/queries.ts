// Read side of the ledger for pages: lists and one commission's full story.
import type { DB } from '../../db';
import type { CommissionStatus } from '../../db/tables/ledger';

export interface CommissionFilter {
  livemode: number;
  status?: CommissionStatus;
  partnerId?: string;
  offset: number;
  limit: number;
}

export async function listCommissions(db: DB, merchantId: string, f: CommissionFilter) {
  let q = db.selectFrom('commissions').where('commissions.merchantId', '=', merchantId).where('commissions.livemode', '=', f.livemode);
  if (f.status) q = q.where('commissions.status', '=', f.status);
  if (f.partnerId) q = q.where('commissions.partnerId', '=', f.partnerId);
  const [rows, total] = await Promise.all([
    q
      .innerJoin('partners', 'partners.id', 'commissions.partnerId')
      .innerJoin('conversions', 'conversions.id', 'commissions.conversionId')
      .select([
        'commissions.id',
        'commissions.kind',
        'commissions.amount',
        'commissions.fee',
        'commissions.net',
        'commissions.currency',
        'commissions.status',
        'commissions.statusReason',
        'commissions.createdAt',
        'commissions.occurredAt',
        'partners.name as partnerName',
        'partners.id as partnerId',
        'conversions.stripeObjectId',
        'conversions.externalId',
        'conversions.amount as saleAmount',
        'conversions.currency as saleCurrency',
      ])
      .orderBy('commissions.createdAt', 'desc')
      .orderBy('commissions.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    // Counted without the joins: every commission has its partner and its conversion (non-null foreign
    // keys, never deleted), so the joins cannot change the count, and without them it is read from the
    // (merchant, mode, status) index alone instead of visiting every matching row.
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
export type CommissionListRow = Awaited<ReturnType<typeof listCommissions>>['rows'][number];

export async function commissionStory(db: DB, merchantId: string, id: string) {
  const commission = await db.selectFrom('commissions').selectAll().where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();
  if (!commission) return undefined;
  const creditId = commission.reversesId ?? commission.id;
  const [credit, conversion, partner, reversals, changes] = await Promise.all([
    db.selectFrom('commissions').selectAll().where('id', '=', creditId).executeTakeFirstOrThrow(),
    db.selectFrom('conversions').selectAll().where('id', '=', commission.conversionId).executeTakeFirstOrThrow(),
    db.selectFrom('partners').select(['id', 'name', 'code', 'email', 'status']).where('id', '=', commission.partnerId).executeTakeFirstOrThrow(),
    db.selectFrom('commissions').selectAll().where('reversesId', '=', creditId).orderBy('createdAt').orderBy('id').execute(),
    db.selectFrom('commissionStatusChanges').selectAll().where('commissionId', '=', creditId).orderBy('createdAt').orderBy('id').execute(),
  ]);
  const binding = conversion.bindingId ? await db.selectFrom('referralBindings').selectAll().where('id', '=', conversion.bindingId).executeTakeFirst() : undefined;
  return { commission, credit, conversion, partner, reversals, changes, binding };
}
export type CommissionStory = NonNullable<Awaited<ReturnType<typeof commissionStory>>>;

export async function listUnattributed(db: DB, merchantId: string, f: { livemode: number; offset: number; limit: number }) {
  const q = db.selectFrom('conversions').where('merchantId', '=', merchantId).where('livemode', '=', f.livemode).where('partnerId', 'is', null);
  const [rows, total] = await Promise.all([
    q
      .select(['id', 'kind', 'amount', 'currency', 'unattributedReason', 'attribution', 'stripeObjectId', 'externalId', 'stripeCustomerId', 'customerEmail', 'occurredAt'])
      .orderBy('occurredAt', 'desc')
      .orderBy('id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
export type UnattributedRow = Awaited<ReturnType<typeof listUnattributed>>['rows'][number];

/**
 * Which ledger a page shows: `?mode=live|test` when given, else the mode of the merchant's Stripe
 * connection (a merchant trying Refcut in test mode sees its test numbers without hunting for a switch).
 */
export async function viewLivemode(db: DB, merchantId: string, mode?: 'live' | 'test'): Promise<number> {
  if (mode) return mode === 'live' ? 1 : 0;
  const conn = await db.selectFrom('stripeConnections').select('livemode').where('merchantId', '=', merchantId).orderBy('connectedAt', 'desc').executeTakeFirst();
  return conn ? conn.livemode : 1;
}
