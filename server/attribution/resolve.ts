// Who referred this sale? Resolves referral values inside ONE merchant: a value from another program is
// never credited, only named as the reason the sale stayed unattributed.
import type { DB } from '../../db';
import type { Partner } from '../../db/tables/partners';
import type { BindingSource, UnattributedReason } from '../../db/tables/ledger';
import { findClick, findPartner, findPartnerByCodeOrId } from '../partners/store';
import type { Candidate } from './candidates';

export interface Tried {
  value: string;
  foundIn: string;
  outcome: 'matched' | UnattributedReason;
}

export type Resolution =
  | { kind: 'partner'; partner: Partner; value: string; foundIn: string; clickId: string | null; tried: Tried[]; /** How a new binding is recorded when not the caller's default (an accepted deal). */ source?: BindingSource }
  | { kind: 'none'; reason: UnattributedReason; tried: Tried[] };

const DAY = 86_400_000;

/** Does the value name something in ANY other merchant's program? Only used to explain, never to credit. */
async function belongsElsewhere(db: DB, merchantId: string, value: string): Promise<boolean> {
  const v = value.trim();
  if (v.startsWith('clk_')) {
    return !!(await db.selectFrom('clicks').select('id').where('id', '=', v).where('merchantId', '!=', merchantId).executeTakeFirst());
  }
  const q = db.selectFrom('partners').select('id').where('merchantId', '!=', merchantId);
  return !!(await (v.startsWith('aff_') ? q.where('id', '=', v) : q.where('code', '=', v.toLowerCase())).executeTakeFirst());
}

/**
 * Try candidates in order and stop at the first that belongs to this merchant. A click id must be
 * inside the cookie window at `at`; promotion codes the merchant mapped to partners come last.
 */
export async function resolveReferral(
  db: DB,
  merchantId: string,
  candidates: Candidate[],
  opts: { at: Date; cookieDays: number; promotionCodeIds?: string[] },
): Promise<Resolution> {
  const tried: Tried[] = [];
  for (const c of candidates) {
    if (c.value.startsWith('clk_')) {
      const click = await findClick(db, merchantId, c.value);
      if (click) {
        const windowEnd = new Date(click.createdAt).getTime() + opts.cookieDays * DAY;
        if (windowEnd < opts.at.getTime()) {
          tried.push({ ...c, outcome: 'expired_click' });
          continue;
        }
        const partner = await findPartner(db, merchantId, click.partnerId);
        if (partner) {
          tried.push({ ...c, outcome: 'matched' });
          return { kind: 'partner', partner, value: c.value, foundIn: c.foundIn, clickId: click.id, tried };
        }
      }
    } else {
      const partner = await findPartnerByCodeOrId(db, merchantId, c.value);
      if (partner) {
        tried.push({ ...c, outcome: 'matched' });
        return { kind: 'partner', partner, value: c.value, foundIn: c.foundIn, clickId: null, tried };
      }
    }
    tried.push({ ...c, outcome: (await belongsElsewhere(db, merchantId, c.value)) ? 'other_merchant_code' : 'unknown_code' });
  }
  for (const promo of opts.promotionCodeIds ?? []) {
    const mapped = await db
      .selectFrom('promotionCodes')
      .innerJoin('partners', 'partners.id', 'promotionCodes.partnerId')
      .selectAll('partners')
      .where('promotionCodes.merchantId', '=', merchantId)
      .where('promotionCodes.promotionCodeId', '=', promo)
      .executeTakeFirst();
    if (mapped) {
      tried.push({ value: promo, foundIn: 'discounts.promotion_code', outcome: 'matched' });
      return { kind: 'partner', partner: mapped, value: promo, foundIn: 'discounts.promotion_code', clickId: null, tried };
    }
  }
  return { kind: 'none', reason: tried[0]?.outcome === 'matched' || !tried[0] ? 'no_referral_value' : tried[0].outcome, tried };
}
