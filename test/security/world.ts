// A merchant with one of everything the route table can name: partners, links, clicks, an application,
// a deal, sales (attributed, unattributed, refunded, disputed, subscription), commissions, a paid payout
// and its run, an exchange rate, product and promotion-code rules, an outbound webhook with a delivery,
// API keys, a team member, an open invite, Stripe events, a signed-in partner portal session. Built
// through the app's own HTTP endpoints and signed webhooks, as a real merchant's data would be.
import request from 'supertest';
import { build } from '../fake-stripe';
import { browser, settle, signUpMerchant, type Browser, type SignedUpMerchant } from '../helpers/app';
import { connectStripe, deliver, type StripeTestApp } from '../helpers/stripe';
import { buildPartner, defaultLink } from '../helpers/partners';
import { createApiKey, webhookReceiver, type WebhookReceiver } from '../helpers/api';
import { addProductRule, mapPromotionCode } from '../helpers/attribution';
import { portalLinkFor, signedInPartner } from '../helpers/portal';
import type { Partner } from '../../db/tables/partners';

export interface Tenant {
  name: string;
  m: SignedUpMerchant;
  account: string;
  liveKey: string;
  testKey: string;
  partner: Partner;
  partner2: Partner;
  /** A browser signed in to the partner portal as `partner`. */
  portal: Browser;
  receiver: WebhookReceiver;
  /** Ids by what they name (see the route rules). */
  ids: Record<string, string>;
  /** Text that identifies this merchant's data and must never show up in another tenant's answers. */
  markers: string[];
}

const ev = build.event;
const one = async <T>(q: Promise<T | undefined>, what: string): Promise<T> => {
  const v = await q;
  if (v === undefined) throw new Error(`world: no ${what}`);
  return v;
};

export async function buildTenant(t: StripeTestApp, name: string): Promise<Tenant> {
  const db = t.db.kysely;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const m = await signUpMerchant(t, { name: `Merchant ${name}`, email: `owner@${slug}.test` });
  await db.updateTable('programSettings').set({ destinationUrl: `https://shop-${slug}.example.com/`, minPayout: 100, holdingDays: 0 }).where('merchantId', '=', m.merchantId).execute();
  const account = await connectStripe(t, m);
  const partner = await buildPartner(db, m.merchantId, { name: `Partner of ${name}`, email: `partner@${slug}.test`, code: `${slug}-partner`, clock: t.clock });
  const partner2 = await buildPartner(db, m.merchantId, { name: `Second of ${name}`, email: `second@${slug}.test`, code: `${slug}-second`, clock: t.clock });
  const link = await defaultLink(db, partner.id);
  await m.browser.submit(`/partners/${partner.id}/links`, { destinationUrl: `https://shop-${slug}.example.com/pricing`, campaign: `${slug}-campaign`, slug: `${slug}-extra` }, `/partners/${partner.id}`);
  const extraLink = await one(db.selectFrom('links').selectAll().where('slug', '=', `${slug}-extra`).executeTakeFirst(), 'extra link');
  const click = new URL((await request(t.http).get(`/r/${link.slug}`).set('User-Agent', 'Mozilla/5.0 Firefox/128.0')).headers.location!).searchParams.get('referral')!;
  await browser(t).submit(`/apply/${m.publicId}`, { name: `Applicant of ${name}`, email: `applicant@${slug}.test`, company: '', website: '', reason: '' });
  const application = await one(db.selectFrom('applications').selectAll().where('merchantId', '=', m.merchantId).executeTakeFirst(), 'application');

  // An outbound webhook first, so the sales below are delivered to it.
  const receiver = await webhookReceiver();
  await m.browser.submit('/settings/webhooks', { url: receiver.url, events: 'commission.created', mode: 'test' } as never);
  const endpoint = await one(db.selectFrom('webhookEndpoints').selectAll().where('merchantId', '=', m.merchantId).executeTakeFirst(), 'webhook endpoint');

  // Sales through Stripe: attributed with a refund, disputed, a subscription, and one unattributed.
  const pi = build.paymentIntent({ amount: 20_000 });
  const charge = build.charge({ amount: 20_000, payment_intent: pi.id });
  const customer = build.customer({ email: `customer@${slug}.test`, name: `Customer of ${name}` });
  const sub = build.subscription({ customer: customer.id });
  t.fake.put(account, pi, charge, customer, sub, build.refund({ charge: charge.id, payment_intent: pi.id, amount: 5_000 }));
  const send = async (...events: ReturnType<typeof ev>[]) => {
    for (const e of events) if ((await deliver(t, e)).status !== 200) throw new Error(`world: ${e.type} refused`);
    await settle(t);
  };
  const sale = build.checkoutSession({ client_reference_id: partner.code, amount_total: 20_000, payment_intent: pi.id, customer_details: { address: null, business_name: null, email: `buyer@${slug}.test`, individual_name: null, name: `Buyer of ${name}`, phone: null, tax_exempt: 'none', tax_ids: [] } });
  const disputedPi = build.paymentIntent({ amount: 8_000 });
  t.fake.put(account, disputedPi);
  const anonymousPi = build.paymentIntent({ amount: 3_000 });
  t.fake.put(account, anonymousPi);
  await send(
    ev('checkout.session.completed', sale, { account }),
    ev('charge.refunded', { ...charge, amount_refunded: 5_000 }, { account }),
    ev('checkout.session.completed', build.checkoutSession({ client_reference_id: partner2.code, amount_total: 8_000, payment_intent: disputedPi.id }), { account }),
    ev('charge.dispute.created', build.dispute({ payment_intent: disputedPi.id, amount: 8_000 }), { account }),
    ev('checkout.session.completed', build.checkoutSession({ mode: 'subscription', customer: customer.id, subscription: sub.id, payment_intent: null, client_reference_id: partner.code }), { account }),
    ev('invoice.paid', build.invoice({ customer: customer.id, subscription: sub.id, customer_email: customer.email }), { account }),
    ev('checkout.session.completed', build.checkoutSession({ amount_total: 3_000, payment_intent: anonymousPi.id }), { account }),
  );
  const unattributed = await one(db.selectFrom('conversions').selectAll().where('merchantId', '=', m.merchantId).where('partnerId', 'is', null).executeTakeFirst(), 'unattributed sale');
  const credit = await one(db.selectFrom('commissions').selectAll().where('merchantId', '=', m.merchantId).where('kind', '=', 'credit').where('partnerId', '=', partner.id).orderBy('createdAt').executeTakeFirst(), 'credit');
  const binding = await one(db.selectFrom('referralBindings').selectAll().where('merchantId', '=', m.merchantId).executeTakeFirst(), 'binding');
  const event = await one(db.selectFrom('stripeEvents').selectAll().where('merchantId', '=', m.merchantId).executeTakeFirst(), 'event');

  // Money out: one run, one payout marked paid.
  await m.browser.submit('/payouts/run', { mode: 'test' }, '/payouts?mode=test');
  const payout = await one(db.selectFrom('payouts').selectAll().where('merchantId', '=', m.merchantId).executeTakeFirst(), 'payout');
  await m.browser.submit(`/payouts/${payout.id}/paid`, { paidOn: t.clock.now().toISOString().slice(0, 10), externalReference: `REF-${slug}` }, `/payouts/${payout.id}`);
  await m.browser.submit('/payouts/rates', { fromCurrency: 'eur', toCurrency: 'usd', effectiveOn: '2026-11-01', rate: '1.08' }, '/payouts/rates');
  const rate = await one(db.selectFrom('exchangeRates').selectAll().where('merchantId', '=', m.merchantId).executeTakeFirst(), 'exchange rate');

  // Rules, developer settings, team.
  await addProductRule(m, { matchType: 'product', matchId: `prod_${slug}`, action: 'exclude' });
  const productRule = await one(db.selectFrom('productRules').selectAll().where('merchantId', '=', m.merchantId).executeTakeFirst(), 'product rule');
  await mapPromotionCode(m, { promotionCodeId: `promo_${slug}`, code: `${slug.toUpperCase()}10`, partner: partner.code });
  const liveKey = await createApiKey(m, { mode: 'live', name: `${slug} live` });
  const testKey = await createApiKey(m, { mode: 'test', name: `${slug} test` });
  const apiKey = await one(db.selectFrom('apiKeys').selectAll().where('merchantId', '=', m.merchantId).executeTakeFirst(), 'api key');
  const invited = await m.browser.submit('/team/invites', { role: 'admin' }, '/team');
  const inviteToken = /\/invite\/([0-9A-Za-z]+)/.exec(invited.text)?.[1];
  if (!inviteToken) throw new Error('world: no invite link');
  const memberBrowser = browser(t);
  await memberBrowser.submit(`/invite/${inviteToken}`, { name: `Admin of ${name}`, email: `admin@${slug}.test`, password: 'correct horse battery' }, `/invite/${inviteToken}`);
  const member = await one(db.selectFrom('users').selectAll().where('email', '=', `admin@${slug}.test`).executeTakeFirst(), 'team member');
  const openInvite = /\/invite\/([0-9A-Za-z]+)/.exec((await m.browser.submit('/team/invites', { role: 'read_only' }, '/team')).text)?.[1] ?? '';

  // The partner's portal, and a deal they registered.
  const portal = await signedInPartner(t, await portalLinkFor(m, partner.id));
  await portal.submit(`/portal/${m.publicId}/deals`, { email: `lead@${slug}.test`, name: `Lead of ${name}`, notes: 'met at a conference' }, `/portal/${m.publicId}/deals`);
  const deal = await one(db.selectFrom('deals').selectAll().where('merchantId', '=', m.merchantId).executeTakeFirst(), 'deal');
  await settle(t);
  const delivery = await one(db.selectFrom('webhookDeliveries').selectAll().where('merchantId', '=', m.merchantId).executeTakeFirst(), 'webhook delivery');

  return {
    name,
    m,
    account,
    liveKey,
    testKey,
    partner,
    partner2,
    portal,
    receiver,
    ids: {
      merchant: m.merchantId,
      publicId: m.publicId,
      user: m.userId,
      member: member.id,
      invite: openInvite,
      /** Spent by `member` through GET and POST /invite/<token>. */
      acceptedInvite: inviteToken,
      partner: partner.id,
      partner2: partner2.id,
      link: extraLink.id,
      defaultLink: link.id,
      slug: extraLink.slug,
      click,
      application: application.id,
      conversion: unattributed.id,
      commission: credit.id,
      binding: binding.id,
      customer: binding.customerKey,
      event: event.id,
      payout: payout.id,
      run: payout.runId,
      month: t.clock.now().toISOString().slice(0, 7),
      rate: rate.id,
      productRule: productRule.id,
      promotionCode: `promo_${slug}`,
      webhook: endpoint.id,
      delivery: delivery.id,
      apiKey: apiKey.id,
      deal: deal.id,
    },
    markers: [partner.name, partner.email, partner2.email, `applicant@${slug}.test`, `buyer@${slug}.test`, `lead@${slug}.test`, `admin@${slug}.test`, `REF-${slug}`, `${slug}-campaign`, receiver.url],
  };
}

/** Which of a tenant's ids a path parameter names, decided by the parameter and the path around it. */
const PARAMS: [RegExp, string, string][] = [
  [/^\/team\//, 'userId', 'member'],
  [/^\/invite\//, 'token', 'invite'],
  [/^\/partners\//, 'id', 'partner'],
  [/^\/partners\//, 'linkId', 'link'],
  [/^\/applications\//, 'id', 'application'],
  [/^\/apply\//, 'publicId', 'publicId'],
  [/^\/r\//, 'slug', 'slug'],
  [/^\/events\//, 'id', 'event'],
  [/^\/commissions\//, 'id', 'commission'],
  [/^\/conversions\//, 'id', 'conversion'],
  [/^\/customers\//, 'id', 'binding'],
  [/^\/settings\/api-keys\//, 'id', 'apiKey'],
  [/^\/settings\/webhooks\/deliveries\//, 'deliveryId', 'delivery'],
  [/^\/settings\/webhooks\//, 'id', 'webhook'],
  [/^\/settings\/product-rules\//, 'id', 'productRule'],
  [/^\/settings\/promotion-codes\//, 'id', 'promotionCode'],
  [/^\/payouts\/rates\//, 'id', 'rate'],
  [/^\/payouts\/runs\//, 'id', 'run'],
  [/^\/payouts\//, 'id', 'payout'],
  [/^\/balances\//, 'partnerId', 'partner'],
  [/^\/balances\//, 'month', 'month'],
  [/^\/deals\//, 'id', 'deal'],
  [/^\/deals\//, 'decision', '=accept'],
  [/^\/privacy\/partners\//, 'id', 'partner'],
  [/^\/portal\//, 'programPublicId', 'publicId'],
  [/^\/portal\/[^/]+\/links\//, 'linkId', 'link'],
  [/^\/portal\/[^/]+\/commissions\//, 'id', 'commission'],
  [/^\/portal\/[^/]+\/payouts\//, 'id', 'payout'],
  [/^\/portal\/[^/]+\/statements\//, 'month', 'month'],
  [/^\/api\/v1\/affiliates\/by-customer\//, 'customerId', 'customerId'],
  [/^\/api\/v1\/affiliates\//, 'id', 'partner'],
  [/^\/api\/v1\/applications\//, 'id', 'application'],
];

/**
 * The route's path with the tenant's ids in its parameters (`overrides` replaces some, e.g. B's program
 * id with A's partner id). Throws for a parameter no rule names, so a new route cannot slip through.
 */
export function fillPath(path: string, ids: Record<string, string>, overrides: Record<string, string> = {}): string {
  const all: Record<string, string> = { ...ids, customerId: ids.customer?.replace(/^stripe:/, '') ?? '', ...overrides };
  return path.replace(/:([A-Za-z]+)/g, (_, param: string) => {
    if (overrides[param] !== undefined) return encodeURIComponent(overrides[param]!);
    const rule = PARAMS.find(([re, name]) => name === param && re.test(path));
    if (!rule) throw new Error(`no rule for the parameter :${param} of ${path} (add one to test/security/world.ts)`);
    const value = rule[2].startsWith('=') ? rule[2].slice(1) : all[rule[2]];
    if (value === undefined) throw new Error(`the world has no ${rule[2]} for ${path}`);
    return encodeURIComponent(value);
  });
}
