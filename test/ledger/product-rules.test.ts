import type Stripe from 'stripe';
import { build } from '../fake-stripe';
import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { buildPartner } from '../helpers/partners';
import { addProductRule, invoiceWith, pricedLine } from '../helpers/attribution';
import { signUpMerchant } from '../helpers/app';

let w: LedgerWorld;
beforeEach(async () => {
  w = await ledgerWorld();
});
afterEach(() => w.close());

const ev = build.event;
/** The program pays 20%; courses earn 10%, hardware nothing, except the kit price at 30% (a price rule beats its product's). */
const standardRules = async () => {
  await addProductRule(w.m, { matchType: 'product', matchId: 'prod_course', action: 'rate', rate: '10' });
  await addProductRule(w.m, { matchType: 'product', matchId: 'prod_hw', action: 'exclude' });
  await addProductRule(w.m, { matchType: 'price', matchId: 'price_hw_kit', action: 'rate', rate: '30' });
};
const credit = () => w.t.db.kysely.selectFrom('commissions').selectAll().where('kind', '=', 'credit').executeTakeFirstOrThrow();
const explanation = async () => JSON.parse((await credit()).explanation) as { formula: string; lines: { ref: string; product: string | null; price: string | null; base: number; scaledBase: string; bps: number | null; source: string; contribution: string | null }[]; lineSum: number; lineTarget: number };
const paidInvoice = (inv: Stripe.Invoice) => w.send(ev('invoice.paid', inv, { account: w.account, id: `evt_${inv.id}` }));

describe('product rules on invoice lines', () => {
  it('excludes a product, gives another its own rate, lets a price rule beat its product’s, and rounds once', async () => {
    await standardRules();
    const inv = invoiceWith(
      [
        pricedLine({ product: 'prod_course', price: 'price_course', amount: 10000 }),
        pricedLine({ product: 'prod_hw', price: 'price_hw_box', amount: 3000 }),
        pricedLine({ product: 'prod_hw', price: 'price_hw_kit', amount: 2000 }),
        pricedLine({ product: 'prod_other', price: 'price_other', amount: 5000 }),
      ],
      { subscription: 'sub_lines', subscriptionMetadata: { referral: 'jane' }, total: 20000, subtotal: 20000, total_excluding_tax: 20000, amount_due: 20000, amount_paid: 20000 },
    );
    await paidInvoice(inv);
    // 10000 × 10% + 3000 × 0 + 2000 × 30% + 5000 × 20% = 1000 + 0 + 600 + 1000
    expect(await w.commissions()).toEqual([expect.objectContaining({ kind: 'credit', partnerId: w.jane.id, amount: 2600, fee: 0, net: 2600, status: 'pending' })]);
    expect((await w.conversions())[0]).toMatchObject({ amount: 17000, amountPaid: 20000 });
    const ex = await explanation();
    expect(ex.lines.map((l) => [l.price, l.base, l.bps, l.source, l.contribution])).toEqual([
      ['price_course', 10000, 1000, 'the product rule for prod_course', '1000.0000'],
      ['price_hw_box', 3000, 0, 'excluded by the product rule for prod_hw', '0.0000'],
      ['price_hw_kit', 2000, 3000, 'the price rule for price_hw_kit', '600.0000'],
      ['price_other', 5000, 2000, 'the program rate', '1000.0000'],
    ]);
    expect(ex.formula).toMatch(/^round\(Σ\(line base × line bps\)/);
    const page = await w.m.browser.agent.get(`/commissions/${(await credit()).id}`);
    expect(page.text).toContain('Per line (product rules)');
    expect(page.text).toContain('the price rule for price_hw_kit');
    // The event carried every line: no Stripe call was needed for them.
    expect(w.t.fake.requestsTo(/\/lines$/)).toHaveLength(0);
  });

  it('takes a line’s inclusive tax and discount out of its base and scales a partial payment, rounding once over the lines', async () => {
    await standardRules();
    const inv = invoiceWith(
      [
        pricedLine({ product: 'prod_course', price: 'price_course', amount: 12000, tax: { amount: 2000, inclusive: true } }),
        pricedLine({ product: 'prod_other', price: 'price_other', amount: 5001, discount: 1 }),
      ],
      // 17,000 due, tax included; only 7,100 paid so far.
      { subscription: 'sub_partial', subscriptionMetadata: { referral: 'jane' }, subtotal: 17001, total: 17000, total_excluding_tax: 15000, amount_due: 17000, amount_paid: 7100, amount_remaining: 9900 },
    );
    await paidInvoice(inv);
    // (10000 × 1000 + 5000 × 2000) × 7100 ÷ (17000 × 10000) = 835.29 → 835 (rounding each line first would give 418 + 418 = 836)
    expect((await w.commissions()).map((r) => r.amount)).toEqual([835]);
    expect((await w.conversions())[0]).toMatchObject({ amount: 6265, amountPaid: 7100 });
    const ex = await explanation();
    expect(ex.lines.map((l) => [l.base, l.scaledBase, l.bps, l.contribution])).toEqual([
      [10000, '4176.47', 1000, '417.6471'],
      [5000, '2088.24', 2000, '417.6471'],
    ]);
    expect([ex.lineSum, ex.lineTarget]).toEqual([15000, 15000]);
  });

  it('scales the lines onto total_excluding_tax when Stripe’s line fields do not add up to it', async () => {
    await standardRules();
    // An invoice-level discount of 1,000 that the lines do not show.
    const inv = invoiceWith([pricedLine({ product: 'prod_course', price: 'price_course', amount: 6000 }), pricedLine({ product: 'prod_other', price: 'price_other', amount: 4000 })], {
      subscription: 'sub_scale',
      subscriptionMetadata: { referral: 'jane' },
      subtotal: 10000,
      total: 9000,
      total_excluding_tax: 9000,
      amount_due: 9000,
      amount_paid: 9000,
    });
    await paidInvoice(inv);
    // (6000 × 10% + 4000 × 20%) × 9000 ÷ 10000 = 1260
    expect((await w.commissions()).map((r) => r.amount)).toEqual([1260]);
    const ex = await explanation();
    expect([ex.lineSum, ex.lineTarget]).toEqual([10000, 9000]);
    expect(ex.lines.map((l) => l.scaledBase)).toEqual(['5400.00', '3600.00']);
  });

  it('lists the lines from Stripe, as the connected account, when the payload does not carry them all', async () => {
    await standardRules();
    const lines = [pricedLine({ product: 'prod_hw', price: 'price_hw_box', amount: 3000 }), pricedLine({ product: 'prod_other', price: 'price_other', amount: 2000 })];
    const full = invoiceWith(lines, { subscription: 'sub_more', subscriptionMetadata: { referral: 'jane' }, subtotal: 5000, total: 5000, total_excluding_tax: 5000 });
    w.t.fake.put(w.account, full);
    await paidInvoice({ ...full, lines: { ...full.lines, data: full.lines.data.slice(0, 1), has_more: true } });
    expect((await w.commissions()).map((r) => r.amount)).toEqual([400]);
    expect(w.t.fake.requestsTo(`/v1/invoices/${full.id}/lines`).map((r) => r.stripeAccount)).toEqual([w.account]);
  });

  it('records a fully excluded invoice with a zero base and no commission', async () => {
    await standardRules();
    await paidInvoice(invoiceWith([pricedLine({ product: 'prod_hw', price: 'price_hw_box', amount: 5000 })], { subscription: 'sub_hw', subscriptionMetadata: { referral: 'jane' } }));
    expect(await w.commissions()).toEqual([]);
    expect((await w.conversions())[0]).toMatchObject({ partnerId: w.jane.id, amount: 0, amountPaid: 5000 });
  });

  it('lets a partner’s override replace product rates but never an exclusion', async () => {
    await standardRules();
    const bob = await buildPartner(w.t.db.kysely, w.m.merchantId, { code: 'bob', commissionOverride: { type: 'percent', value: 5000 } });
    const inv = invoiceWith(
      [
        pricedLine({ product: 'prod_course', price: 'price_course', amount: 10000 }),
        pricedLine({ product: 'prod_hw', price: 'price_hw_box', amount: 3000 }),
        pricedLine({ product: 'prod_other', price: 'price_other', amount: 5000 }),
      ],
      { subscription: 'sub_bob', subscriptionMetadata: { referral: 'bob' }, subtotal: 18000, total: 18000, total_excluding_tax: 18000, amount_due: 18000, amount_paid: 18000 },
    );
    await paidInvoice(inv);
    // (10000 + 5000) × 50%; the hardware line stays excluded.
    expect(await w.commissions()).toEqual([expect.objectContaining({ partnerId: bob.id, amount: 7500 })]);
    expect((await explanation()).lines.map((l) => l.source)).toEqual(['the partner’s override (replaces product rates)', 'excluded by the product rule for prod_hw', 'the partner’s override (replaces product rates)']);
  });

  it('credits an unattributed invoice assigned by hand from the lines it kept, without asking Stripe again', async () => {
    await standardRules();
    const inv = invoiceWith([pricedLine({ product: 'prod_course', price: 'price_course', amount: 10000 }), pricedLine({ product: 'prod_hw', price: 'price_hw_box', amount: 3000 })], {
      customer: 'cus_assign',
      subtotal: 13000,
      total: 13000,
      total_excluding_tax: 13000,
      amount_due: 13000,
      amount_paid: 13000,
    });
    await paidInvoice(inv);
    const [conversion] = await w.conversions();
    expect(conversion).toMatchObject({ partnerId: null, amount: 10000 });
    // The rules change afterwards: the sale keeps the rules of its time.
    const rules = await w.t.db.kysely.selectFrom('productRules').select('id').where('matchId', '=', 'prod_course').executeTakeFirstOrThrow();
    expect((await w.m.browser.submit(`/settings/product-rules/${rules.id}/delete`, {}, '/settings/product-rules')).status).toBe(303);
    w.t.fake.clearRequests();
    const res = await w.m.browser.submit(`/conversions/${conversion!.id}/assign`, { partner: 'jane' }, '/unattributed');
    expect(res.status).toBe(303);
    expect(await w.commissions()).toEqual([expect.objectContaining({ partnerId: w.jane.id, amount: 1000 })]);
    expect(w.t.fake.requestsTo(/^\/v1\//)).toHaveLength(0);
  });
});

describe('product rules on one-off Checkout Sessions', () => {
  const sessionWithShipping = () =>
    build.checkoutSession({
      client_reference_id: 'jane',
      amount_subtotal: 10000,
      amount_total: 11000,
      total_details: { amount_discount: 0, amount_shipping: 550, amount_tax: 1000 },
      shipping_cost: { amount_subtotal: 500, amount_tax: 50, amount_total: 550, shipping_rate: null },
    });
  const items = (session: Stripe.Checkout.Session): Stripe.Checkout.Session => ({
    ...session,
    line_items: {
      object: 'list',
      has_more: false,
      url: `/v1/checkout/sessions/${session.id}/line_items`,
      data: [
        build.lineItem({ product: 'prod_course', priceId: 'price_course', amount_subtotal: 6000, amount_tax: 600, amount_total: 6600 }),
        build.lineItem({ product: 'prod_hw', priceId: 'price_hw_box', amount_subtotal: 3500, amount_tax: 350, amount_total: 3850 }),
      ],
    },
  });

  it('lists the line items only when the merchant has product rules', async () => {
    const session = sessionWithShipping();
    w.t.fake.put(w.account, items(session));
    await w.send(ev('checkout.session.completed', session, { account: w.account }));
    expect((await w.commissions()).map((r) => r.amount)).toEqual([2000]);
    expect(w.t.fake.requestsTo(/line_items$/)).toHaveLength(0);
  });

  it('applies the rules per line item, with shipping as a line at the program rate', async () => {
    await standardRules();
    const session = sessionWithShipping();
    w.t.fake.put(w.account, items(session));
    await w.send(ev('checkout.session.completed', session, { account: w.account }));
    // base 10,000 = course 6,000 at 10% + hardware 3,500 excluded + shipping 500 at 20%
    expect((await w.commissions()).map((r) => r.amount)).toEqual([700]);
    expect((await w.conversions())[0]).toMatchObject({ amount: 6500, amountPaid: 11000 });
    expect((await explanation()).lines.map((l) => [l.ref === 'shipping' ? 'shipping' : l.product, l.base, l.bps])).toEqual([
      ['prod_course', 6000, 1000],
      ['prod_hw', 3500, 0],
      ['shipping', 500, 2000],
    ]);
    expect(w.t.fake.requestsTo(`/v1/checkout/sessions/${session.id}/line_items`).map((r) => r.stripeAccount)).toEqual([w.account]);
  });
});

describe('the product rules page', () => {
  it('adds, refuses duplicates and bad rates, removes, and audits each change', async () => {
    const page = () => w.m.browser.agent.get('/settings/product-rules');
    await addProductRule(w.m, { matchType: 'product', matchId: 'prod_course', action: 'rate', rate: '12.5' });
    expect((await page()).text).toContain('Own rate: 12.5%');

    const dup = await w.m.browser.submit('/settings/product-rules', { matchType: 'product', matchId: 'prod_course', action: 'exclude', rate: '' }, '/settings/product-rules');
    expect(dup.status).toBe(409);
    expect(dup.text).toContain('There is already a rule for this product: remove it first to change it.');
    const bad = await w.m.browser.submit('/settings/product-rules', { matchType: 'price', matchId: 'price_x', action: 'rate', rate: '150' }, '/settings/product-rules');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a percentage above 0 and at most 100, with up to two decimals.');

    const rows = await w.t.db.kysely.selectFrom('productRules').select(['id', 'matchType', 'matchId', 'action', 'rateBps']).where('merchantId', '=', w.m.merchantId).execute();
    expect(rows.map(({ id: _id, ...r }) => r)).toEqual([{ matchType: 'product', matchId: 'prod_course', action: 'rate', rateBps: 1250 }]);
    expect((await w.m.browser.submit(`/settings/product-rules/${rows[0]!.id}/delete`, {}, '/settings/product-rules')).status).toBe(303);
    expect((await page()).text).toContain('No product rules');
    const audit = await w.t.db.kysely.selectFrom('auditLog').select(['action', 'subjectId']).where('subjectType', '=', 'product_rule').orderBy('createdAt').orderBy('action').execute();
    expect(audit).toEqual([
      { action: 'product_rule.created', subjectId: rows[0]!.id },
      { action: 'product_rule.deleted', subjectId: rows[0]!.id },
    ]);
  });

  it('keeps one merchant’s rules away from another merchant', async () => {
    await addProductRule(w.m, { matchType: 'product', matchId: 'prod_hw', action: 'exclude' });
    const rule = await w.t.db.kysely.selectFrom('productRules').select('id').executeTakeFirstOrThrow();
    const other = await signUpMerchant(w.t);
    expect((await other.browser.agent.get('/settings/product-rules')).text).not.toContain('prod_hw');
    expect((await other.browser.submit(`/settings/product-rules/${rule.id}/delete`, {}, '/settings/product-rules')).status).toBe(404);
    expect(await w.t.db.kysely.selectFrom('productRules').select('id').execute()).toHaveLength(1);
  });
});
