// Queries of the attribution tools: product rules, promotion-code mappings, backfill runs.
// Every query is scoped by the merchant id the caller got from auth (or from the event's connection).
import type { Selectable } from 'kysely';
import type { DB } from '../../db';
import type { ProductRulesTable, PromotionCodesTable } from '../../db/tables/ledger';
import type { AttributionBackfillsTable } from '../../db/tables/attribution';

export type ProductRuleRow = Selectable<ProductRulesTable>;
export type PromotionCodeRow = Selectable<PromotionCodesTable>;
export type BackfillRow = Selectable<AttributionBackfillsTable>;

// ---- product rules ------------------------------------------------------------------------------

export const listProductRules = (db: DB, merchantId: string) =>
  db.selectFrom('productRules').selectAll().where('merchantId', '=', merchantId).orderBy('createdAt').orderBy('id').execute();

export const findProductRule = (db: DB, merchantId: string, id: string) =>
  db.selectFrom('productRules').selectAll().where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();

export const findProductRuleByMatch = (db: DB, merchantId: string, matchType: 'product' | 'price', matchId: string) =>
  db.selectFrom('productRules').selectAll().where('merchantId', '=', merchantId).where('matchType', '=', matchType).where('matchId', '=', matchId).executeTakeFirst();

export const insertProductRule = (db: DB, row: ProductRuleRow) => db.insertInto('productRules').values(row).execute();

export const deleteProductRule = (db: DB, merchantId: string, id: string) => db.deleteFrom('productRules').where('merchantId', '=', merchantId).where('id', '=', id).execute();

// ---- promotion codes ----------------------------------------------------------------------------

export const listPromotionCodes = (db: DB, merchantId: string) =>
  db
    .selectFrom('promotionCodes')
    .innerJoin('partners', 'partners.id', 'promotionCodes.partnerId')
    .select(['promotionCodes.promotionCodeId', 'promotionCodes.code', 'promotionCodes.createdAt', 'partners.id as partnerId', 'partners.name as partnerName', 'partners.code as partnerCode'])
    .where('promotionCodes.merchantId', '=', merchantId)
    .orderBy('promotionCodes.createdAt')
    .orderBy('promotionCodes.promotionCodeId')
    .execute();

export const findPromotionCode = (db: DB, merchantId: string, promotionCodeId: string) =>
  db.selectFrom('promotionCodes').selectAll().where('merchantId', '=', merchantId).where('promotionCodeId', '=', promotionCodeId).executeTakeFirst();

export async function hasPromotionCodes(db: DB, merchantId: string): Promise<boolean> {
  return !!(await db.selectFrom('promotionCodes').select('promotionCodeId').where('merchantId', '=', merchantId).limit(1).executeTakeFirst());
}

export const insertPromotionCode = (db: DB, row: PromotionCodeRow) => db.insertInto('promotionCodes').values(row).execute();

export const deletePromotionCode = (db: DB, merchantId: string, promotionCodeId: string) =>
  db.deleteFrom('promotionCodes').where('merchantId', '=', merchantId).where('promotionCodeId', '=', promotionCodeId).execute();

// ---- backfill runs ------------------------------------------------------------------------------

export const latestBackfill = (db: DB, merchantId: string) =>
  db.selectFrom('attributionBackfills').selectAll().where('merchantId', '=', merchantId).orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();

/** Queue a run unless one is already open for the merchant (the UNIQUE open_merchant_id decides races). */
export async function insertBackfillIfNoneOpen(db: DB, row: BackfillRow): Promise<boolean> {
  const r = await db
    .insertInto('attributionBackfills')
    .values(row)
    .onConflict((oc) => oc.column('openMerchantId').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Runs that may be worked on now: queued, or running with no live lease (its worker died or backed off). */
export const claimableBackfills = (db: DB, nowIso: string, limit: number) =>
  db
    .selectFrom('attributionBackfills')
    .select(['id'])
    .where('status', 'in', ['queued', 'running'])
    .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<', nowIso)]))
    .orderBy('createdAt')
    .limit(limit)
    .execute();

/** Take the lease on one run with a conditional update: of two processes, exactly one gets it. */
export async function claimBackfill(db: DB, id: string, token: string, nowIso: string, untilIso: string): Promise<BackfillRow | undefined> {
  const r = await db
    .updateTable('attributionBackfills')
    .set((eb) => ({ status: 'running', lockedBy: token, lockedUntil: untilIso, startedAt: eb.fn.coalesce('startedAt', eb.val(nowIso)) }))
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<', nowIso)]))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return undefined;
  return db.selectFrom('attributionBackfills').selectAll().where('id', '=', id).where('lockedBy', '=', token).executeTakeFirst();
}

/** Update a run this worker holds the lease on; false when the lease was lost (nothing is written then). */
export async function updateHeldBackfill(db: DB, id: string, token: string, values: Partial<Omit<BackfillRow, 'id' | 'merchantId'>>): Promise<boolean> {
  const r = await db.updateTable('attributionBackfills').set(values).where('id', '=', id).where('lockedBy', '=', token).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
