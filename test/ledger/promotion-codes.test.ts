import { build } from '../fake-stripe';
import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { buildPartner } from '../helpers/partners';
import { signUpMerchant } from '../helpers/app';
import { mapPromotionCode } from '../helpers/attribution';

let w: LedgerWorld;
beforeEach(async () => {
  w = await ledgerWorld();
});
afterEach(() => w.close());

const ev = build.event;
const binding = (customer: string) => w.t.db.kysely.selectFrom('referralBindings').selectAll().where('customerKey', '=', `stripe:${customer}`).executeTakeFirst();

describe('mapping promotion codes to partners', () => {
  it('maps a code on the settings page, lists it, audits it, and refuses unknown partners, bad ids and a second mapping', async () => {
    const res = await mapPromotionCode(w.m, { promotionCodeId: 'promo_1Jane10', code: 'JANE10', partner: 'jane@partners.test' });
    expect(res.status).toBe(303);
    const page = await w.m.browser.agent.get('/settings/promotion-codes');
    expect(page.text).toContain('promo_1Jane10');
    expect(page.text).toContain('JANE10');
    expect(page.text).toContain('Jane Smith');
    expect(await w.t.db.kysely.selectFrom('promotionCodes').select(['promotionCodeId', 'code', 'partnerId']).execute()).toEqual([{ promotionCodeId: 'promo_1Jane10', code: 'JANE10', partnerId: w.jane.id }]);
    expect(await w.t.db.kysely.selectFrom('auditLog').select(['action', 'subjectId']).where('subjectType', '=', 'promotion_code').execute()).toEqual([{ action: 'promotion_code.mapped', subjectId: 'promo_1Jane10' }]);

    const unknown = await mapPromotionCode(w.m, { promotionCodeId: 'promo_1Other', partner: 'nobody' });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('No partner with the code, email or id “nobody”.');
    const badId = await mapPromotionCode(w.m, { promotionCodeId: 'JANE10', partner: 'jane' });
    expect(badId.status).toBe(400);
    expect(badId.text).toContain('Enter the promotion code id from Stripe, like promo_1Abc….');
    const again = await mapPromotionCode(w.m, { promotionCodeId: 'promo_1Jane10', partner: 'jane' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('This promotion code is already mapped to Jane Smith: remove that mapping first.');
  });

  it('does not let another merchant map to this merchant’s partner or see its codes', async () => {
    await mapPromotionCode(w.m, { promotionCodeId: 'promo_1Jane10', partner: 'jane' });
    const other = await signUpMerchant(w.t);
    const res = await mapPromotionCode(other, { promotionCodeId: 'promo_1Steal', partner: w.jane.id });
    expect(res.status).toBe(404);
    expect((await other.browser.agent.get('/settings/promotion-codes')).text).not.toContain('promo_1Jane10');
    expect((await other.browser.submit('/settings/promotion-codes/promo_1Jane10/delete', {}, '/settings/promotion-codes')).status).toBe(404);
  });
});

describe('sales with a mapped promotion code', () => {
  beforeEach(async () => {
    await mapPromotionCode(w.m, { promotionCodeId: 'promo_1Jane10', code: 'JANE10', partner: 'jane' });
  });

  it('credits a Checkout Session whose discounts used the code, and binds the customer for renewals', async () => {
    const session = build.checkoutSession({ customer: 'cus_promo', discounts: [{ coupon: 'coupon_10', promotion_code: 'promo_1Jane10' }], amount_total: 4500 });
    await w.send(ev('checkout.session.completed', session, { account: w.account }));
    expect(await w.commissions()).toEqual([expect.objectContaining({ partnerId: w.jane.id, amount: 900 })]);
    expect(await binding('cus_promo')).toMatchObject({ partnerId: w.jane.id, referralValue: 'promo_1Jane10', foundIn: 'discounts.promotion_code', source: 'stripe' });
    w.t.clock.advanceDays(30);
    await w.send(ev('invoice.paid', build.invoice({ customer: 'cus_promo' }), { account: w.account }));
    expect((await w.commissions()).map((r) => [r.partnerId, r.amount])).toEqual([
      [w.jane.id, 900],
      [w.jane.id, 1000],
    ]);
  });

  it('credits an invoice whose Discount objects used the code, fetching them as the connected account', async () => {
    const discount = build.discount({ promotion_code: 'promo_1Jane10' });
    const inv = build.invoice({ customer: 'cus_inv_promo', subscription: 'sub_inv_promo', discounts: [discount.id], total: 4500, total_excluding_tax: 4500, amount_paid: 4500 });
    w.t.fake.put(w.account, discount, inv);
    await w.send(ev('invoice.paid', inv, { account: w.account }));
    expect(await w.commissions()).toEqual([expect.objectContaining({ partnerId: w.jane.id, amount: 900 })]);
    const fetched = w.t.fake.requestsTo(`/v1/invoices/${inv.id}`);
    expect(fetched.map((r) => [r.stripeAccount, r.query.expand])).toEqual([[w.account, ['discounts']]]);
    expect(await binding('cus_inv_promo')).toMatchObject({ partnerId: w.jane.id, foundIn: 'discounts.promotion_code' });
  });

  it('lets a referral value on the sale win over the code', async () => {
    const bob = await buildPartner(w.t.db.kysely, w.m.merchantId, { code: 'bob' });
    await w.send(ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'bob', discounts: [{ coupon: null, promotion_code: 'promo_1Jane10' }] }), { account: w.account }));
    expect((await w.commissions()).map((r) => r.partnerId)).toEqual([bob.id]);
  });

  it('ignores a code that is no longer mapped, and another merchant’s mapping of the same code', async () => {
    const other = await signUpMerchant(w.t);
    const otherPartner = await buildPartner(w.t.db.kysely, other.merchantId, { code: 'otherco' });
    await mapPromotionCode(other, { promotionCodeId: 'promo_1Shared', partner: otherPartner.code });
    expect((await w.m.browser.submit('/settings/promotion-codes/promo_1Jane10/delete', {}, '/settings/promotion-codes')).status).toBe(303);
    // Nothing else names a partner: the resolver also looks at each PaymentIntent's metadata.
    const [pi1, pi2] = [build.paymentIntent(), build.paymentIntent()];
    w.t.fake.put(w.account, pi1, pi2);
    await w.send(
      ev('checkout.session.completed', build.checkoutSession({ payment_intent: pi1.id, discounts: [{ coupon: null, promotion_code: 'promo_1Jane10' }] }), { account: w.account }),
      ev('checkout.session.completed', build.checkoutSession({ payment_intent: pi2.id, discounts: [{ coupon: null, promotion_code: 'promo_1Shared' }] }), { account: w.account }),
    );
    expect(await w.commissions()).toEqual([]);
    expect((await w.conversions()).map((c) => c.unattributedReason)).toEqual(['no_referral_value', 'no_referral_value']);
  });
});

describe('invoices with discounts when no promotion code is mapped', () => {
  it('makes no Stripe call for the discounts', async () => {
    const discount = build.discount({ promotion_code: 'promo_1Unmapped' });
    const inv = build.invoice({ customer: 'cus_nomap', subscription: 'sub_nomap', discounts: [discount.id] });
    w.t.fake.put(w.account, discount, inv);
    await w.send(ev('invoice.paid', inv, { account: w.account }));
    expect(await w.commissions()).toEqual([]);
    expect(w.t.fake.requestsTo(`/v1/invoices/${inv.id}`)).toHaveLength(0);
  });
});
