// Queries of deal registration. Deals are scoped by merchant always, and by partner on the portal.
import { sql, type ExpressionBuilder } from 'kysely';
import type { DB } from '../../db';
import type { Database } from '../../db/schema';
import type { Deal, DealStatus } from '../../db/tables/portal';

/** Insert unless this partner already registered this email (the retry key); false when it existed. */
export async function insertDeal(db: DB, row: Deal): Promise<boolean> {
  const inserted = await db
    .insertInto('deals')
    .values(row)
    .onConflict((oc) => oc.columns(['merchantId', 'partnerId', 'email']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export const findDeal = (db: DB, merchantId: string, id: string) => db.selectFrom('deals').selectAll().where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();

export const findPartnerDealByEmail = (db: DB, merchantId: string, partnerId: string, email: string) =>
  db.selectFrom('deals').selectAll().where('merchantId', '=', merchantId).where('partnerId', '=', partnerId).where('email', '=', email).executeTakeFirst();

/** When the deal bound a customer (first binding made from it, any mode). */
const boundAt = (eb: ExpressionBuilder<Database, 'deals'>) =>
  eb
    .selectFrom('referralBindings')
    .select((b) => b.fn.min('referralBindings.createdAt').as('at'))
    .whereRef('referralBindings.merchantId', '=', 'deals.merchantId')
    .where('referralBindings.source', '=', 'deal')
    .whereRef('referralBindings.referralValue', '=', 'deals.id')
    .as('boundAt');

export const listPartnerDeals = (db: DB, merchantId: string, partnerId: string) =>
  db
    .selectFrom('deals')
    .select((eb) => ['deals.id', 'deals.email', 'deals.name', 'deals.notes', 'deals.status', 'deals.rejectionReason', 'deals.createdAt', 'deals.decidedAt', boundAt(eb)])
    .where('deals.merchantId', '=', merchantId)
    .where('deals.partnerId', '=', partnerId)
    .orderBy('deals.createdAt', 'desc')
    .orderBy('deals.id', 'desc')
    .limit(500)
    .execute();
export type PartnerDealRow = Awaited<ReturnType<typeof listPartnerDeals>>[number];

/** The merchant's deals with the partner, whether one bound a customer, and whether that email was already referred otherwise. */
export async function listDeals(db: DB, merchantId: string, f: { status?: DealStatus; offset: number; limit: number }) {
  let q = db.selectFrom('deals').innerJoin('partners', 'partners.id', 'deals.partnerId').where('deals.merchantId', '=', merchantId);
  if (f.status) q = q.where('deals.status', '=', f.status);
  const [rows, total] = await Promise.all([
    q
      .select((eb) => [
        'deals.id',
        'deals.email',
        'deals.name',
        'deals.notes',
        'deals.status',
        'deals.rejectionReason',
        'deals.createdAt',
        'deals.decidedAt',
        'partners.id as partnerId',
        'partners.name as partnerName',
        boundAt(eb),
        eb
          .exists(
            eb
              .selectFrom('referralBindings as other')
              .select(sql`1`.as('one'))
              .whereRef('other.merchantId', '=', 'deals.merchantId')
              .where(sql<boolean>`lower(${sql.ref('other.customerEmail')}) = ${sql.ref('deals.email')}`)
              .where((w) => w.or([w('other.referralValue', 'is', null), w('other.referralValue', '<>', w.ref('deals.id'))])),
          )
          .as('alreadyReferred'),
      ])
      .orderBy('deals.createdAt', 'desc')
      .orderBy('deals.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  // SQLite answers EXISTS with 0/1, PostgreSQL with a boolean.
  return { rows: rows.map((r) => ({ ...r, alreadyReferred: Boolean(r.alreadyReferred) })), total: Number(total.n) };
}
export type DealRow = Awaited<ReturnType<typeof listDeals>>['rows'][number];

/** Move a deal between statuses only from the one expected, so a double submit changes nothing twice. */
export async function setDealStatus(db: DB, merchantId: string, id: string, from: DealStatus[], values: Pick<Deal, 'status' | 'acceptedEmail' | 'rejectionReason' | 'decidedAt' | 'decidedBy' | 'updatedAt'>): Promise<boolean> {
  const r = await db.updateTable('deals').set(values).where('merchantId', '=', merchantId).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The accepted deal naming this email in this merchant's program, with its partner. */
export const acceptedDealFor = (db: DB, merchantId: string, email: string) =>
  db
    .selectFrom('deals')
    .innerJoin('partners', 'partners.id', 'deals.partnerId')
    .selectAll('partners')
    .select(['deals.id as dealId', 'deals.createdAt as dealCreatedAt'])
    .where('deals.merchantId', '=', merchantId)
    .where('deals.acceptedEmail', '=', email)
    .executeTakeFirst();

/** Did this email pay this merchant (in this mode) before an instant? Then it was no new lead. */
export async function paidBefore(db: DB, merchantId: string, livemode: number, email: string, beforeIso: string): Promise<boolean> {
  const row = await db
    .selectFrom('conversions')
    .select('id')
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where(sql<boolean>`lower(${sql.ref('customerEmail')}) = ${email}`)
    .where('occurredAt', '<', beforeIso)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
