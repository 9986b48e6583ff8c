import { z } from 'zod';
import { percentToBps } from '../accounts/settings-schema';

/** Stripe ids are short tokens; products may carry a custom id, so only the shape is checked. */
const STRIPE_ID = /^[A-Za-z0-9_.-]{1,200}$/;

/** A product rule as posted by the settings form (every value a string). */
export const ProductRuleForm = z
  .object({
    /** Match a whole product (`prod_…`, all its prices) or one price (`price_…`); a price rule wins over its product's. */
    matchType: z.enum(['product', 'price'], 'Choose product or price.'),
    /** The Stripe id of the product or price, as shown in the Stripe dashboard. */
    matchId: z.string().trim().regex(STRIPE_ID, 'Enter a Stripe id, like prod_… or price_….'),
    /** `exclude`: its lines earn nothing; `rate`: its lines earn `rate` percent instead of the program rate. */
    action: z.enum(['exclude', 'rate'], 'Choose exclude or its own rate.'),
    /** A percentage ("10", "12.5"); required for `rate`, ignored for `exclude`. */
    rate: z.string().trim().max(10).optional().default(''),
  })
  .transform((v, ctx) => {
    if (v.action === 'exclude') return { matchType: v.matchType, matchId: v.matchId, action: v.action, rateBps: null };
    const bps = percentToBps(v.rate);
    if (bps === undefined || bps <= 0 || bps > 10_000) {
      ctx.addIssue({ code: 'custom', path: ['rate'], message: 'Enter a percentage above 0 and at most 100, with up to two decimals.' });
      return z.NEVER;
    }
    return { matchType: v.matchType, matchId: v.matchId, action: v.action, rateBps: bps };
  });
export type ProductRuleInput = z.output<typeof ProductRuleForm>;

/** A Stripe promotion code mapped to a partner: a sale using it is attributed to that partner. */
export const PromotionCodeForm = z.object({
  /** The promotion code's Stripe id (`promo_…`), which Checkout Sessions and Discounts carry. */
  promotionCodeId: z
    .string()
    .trim()
    .regex(/^promo_[A-Za-z0-9]{1,200}$/, 'Enter the promotion code id from Stripe, like promo_1Abc….'),
  /** The code customers type ("JANE10"), shown in lists; optional. */
  code: z
    .string()
    .trim()
    .max(100, 'Keep the code under 100 characters.')
    .transform((v) => (v === '' ? null : v)),
  /** The partner's code, email or id. */
  partner: z.string().trim().min(1, 'Enter the partner’s code, email or id.').max(254),
});
export type PromotionCodeInput = z.output<typeof PromotionCodeForm>;

/** Which ledger imported bindings belong to: the live one, or the test one (a test-mode connection). */
export const ImportOptions = z.object({
  mode: z.enum(['live', 'test'], 'Choose live or test mode.'),
});
export type ImportOptions = z.output<typeof ImportOptions>;
