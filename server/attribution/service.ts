// Product rules and promotion-code mappings: what a merchant sets, checked and audited. Changes apply to
// sales recorded afterwards; commissions already credited keep the lines and rates they were computed with.
import type { DB } from '../../db';
import type { Partner } from '../../db/tables/partners';
import type { Clock } from '../lib/clock';
import { newId } from '../lib/ids';
import { AppError } from '../http/errors';
import { audit } from '../audit';
import { isUniqueViolation } from '../accounts/service';
import { findPartnerByCodeOrId, findPartnerByEmail } from '../partners/store';
import type { ProductRuleInput, PromotionCodeInput } from './schema';
import * as store from './store';

const ruleExists = (matchType: string) =>
  new AppError(409, 'conflict', `There is already a rule for this ${matchType}: remove it first to change it.`, 'matchId');

export async function addProductRule(db: DB, clock: Clock, merchantId: string, actor: string, input: ProductRuleInput): Promise<store.ProductRuleRow> {
  const now = clock.now();
  const row: store.ProductRuleRow = { id: newId('prl'), merchantId, ...input, createdAt: now.toISOString() };
  try {
    await db.transaction().execute(async (trx) => {
      if (await store.findProductRuleByMatch(trx, merchantId, input.matchType, input.matchId)) throw ruleExists(input.matchType);
      await store.insertProductRule(trx, row);
      await audit(trx, { merchantId, actor, action: 'product_rule.created', subjectType: 'product_rule', subjectId: row.id, after: input, at: now });
    });
  } catch (err) {
    // Two editors adding the same rule at once: the UNIQUE index decides.
    if (isUniqueViolation(err)) throw ruleExists(input.matchType);
    throw err;
  }
  return row;
}

export async function removeProductRule(db: DB, clock: Clock, merchantId: string, actor: string, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const rule = await store.findProductRule(trx, merchantId, id);
    if (!rule) throw new AppError(404, 'not_found', 'No such product rule.', 'id');
    await store.deleteProductRule(trx, merchantId, id);
    const { merchantId: _m, ...before } = rule;
    await audit(trx, { merchantId, actor, action: 'product_rule.deleted', subjectType: 'product_rule', subjectId: id, before, at: clock.now() });
  });
}

/** The partner a merchant names in a form or a file: by code, id or email, inside this merchant only. */
export async function findPartnerByAnyKey(db: DB, merchantId: string, value: string): Promise<Partner | undefined> {
  const v = value.trim();
  return v.includes('@') ? findPartnerByEmail(db, merchantId, v) : findPartnerByCodeOrId(db, merchantId, v);
}

const codeMapped = (name: string) =>
  new AppError(409, 'conflict', `This promotion code is already mapped to ${name}: remove that mapping first.`, 'promotionCodeId');

export async function mapPromotionCode(db: DB, clock: Clock, merchantId: string, actor: string, input: PromotionCodeInput): Promise<Partner> {
  const now = clock.now();
  try {
    return await db.transaction().execute(async (trx) => {
      const partner = await findPartnerByAnyKey(trx, merchantId, input.partner);
      if (!partner) throw new AppError(404, 'affiliate_not_found', `No partner with the code, email or id “${input.partner}”.`, 'partner');
      const existing = await store.findPromotionCode(trx, merchantId, input.promotionCodeId);
      if (existing) throw codeMapped((await findPartnerByCodeOrId(trx, merchantId, existing.partnerId))?.name ?? 'another partner');
      await store.insertPromotionCode(trx, { merchantId, promotionCodeId: input.promotionCodeId, code: input.code, partnerId: partner.id, createdAt: now.toISOString() });
      await audit(trx, { merchantId, actor, action: 'promotion_code.mapped', subjectType: 'promotion_code', subjectId: input.promotionCodeId, after: { code: input.code, partnerId: partner.id }, at: now });
      return partner;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw codeMapped('another partner');
    throw err;
  }
}

export async function unmapPromotionCode(db: DB, clock: Clock, merchantId: string, actor: string, promotionCodeId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = await store.findPromotionCode(trx, merchantId, promotionCodeId);
    if (!existing) throw new AppError(404, 'not_found', 'No such promotion code mapping.', 'promotionCodeId');
    await store.deletePromotionCode(trx, merchantId, promotionCodeId);
    await audit(trx, { merchantId, actor, action: 'promotion_code.unmapped', subjectType: 'promotion_code', subjectId: promotionCodeId, before: { code: existing.code, partnerId: existing.partnerId }, at: clock.now() });
  });
}
