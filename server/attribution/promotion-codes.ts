// Promotion codes on invoices. An invoice lists its discounts as ids of Discount objects, which only an
// expanded retrieve reveals; that call is made only when the merchant mapped at least one promotion code
// (and only after every referral value failed to match, see gather.ts).
import type Stripe from 'stripe';
import type { HandlerContext } from '../stripe/handlers/types';
import { idOf } from '../stripe/fields';
import { hasPromotionCodes } from './store';

const promotionCodesOf = (discounts: (string | Stripe.Discount | Stripe.DeletedDiscount)[]): string[] =>
  discounts.map((d) => (typeof d === 'string' ? null : idOf(d.promotion_code))).filter((x): x is string => !!x);

export async function invoicePromotionCodeIds(h: HandlerContext, invoice: Stripe.Invoice): Promise<string[]> {
  const discounts = invoice.discounts ?? [];
  if (discounts.length === 0 || !(await hasPromotionCodes(h.db, h.merchantId))) return [];
  if (discounts.every((d) => typeof d !== 'string')) return promotionCodesOf(discounts);
  const full = await h.stripe.invoices.retrieve(invoice.id, { expand: ['discounts'] }, h.requestOptions);
  return promotionCodesOf(full.discounts ?? []);
}
