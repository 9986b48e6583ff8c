// Privacy requests: export everything held about a partner or a referred customer, and erase their
// personal data by pseudonym without changing a single amount, balance or link in the ledger.
import { sql } from 'kysely';
import type { Db } from '../../db';
import { build } from '../fake-stripe';
import { signUpMerchant } from '../helpers/app';
import { connectStripe } from '../helpers/stripe';
import { buildPartner } from '../helpers/partners';
import { createApiKey } from '../helpers/api';
import { client } from '../helpers/api-program';
import { DAY, payoutWorld, type PayoutWorld } from '../helpers/payouts';
import { expectLedgerConsistent } from '../helpers/reliability';
import { partnerBalances } from '../../server/payouts/balances';
import { submitApplication } from '../../server/partners/applications';

const ev = build.event;
let w: PayoutWorld;
const CUSTOMER = { id: 'cus_privacy1', email: 'casey.customer@example.com', name: 'Casey Customer' };

beforeEach(async () => {
  w = await payoutWorld();
  await w.setProgram({ minPayout: 100 });
  // Jane: a click, an application, sales, a refund, a paid payout.
  await w.t.db.kysely.updateTable('programSettings').set({ destinationUrl: 'https://shop.example.com/' }).execute();
  const link = await w.t.db.kysely.selectFrom('links').select('slug').where('partnerId', '=', w.jane.id).executeTakeFirstOrThrow();
  const { default: request } = await import('supertest');
  await request(w.t.http).get(`/r/${link.slug}`);
  await submitApplication(w.t.db.kysely, w.t.clock, w.m.merchantId, { email: 'jane@partners.test', name: 'Jane Smith', website: 'https://jane.blog', reason: 'I write about tools' });
  await w.sell(10_000);
  // Casey subscribes through Jane: the session binds, the invoice earns.
  const sub = build.subscription({ customer: CUSTOMER.id });
  w.t.fake.put(w.account, build.customer({ id: CUSTOMER.id, email: CUSTOMER.email, name: CUSTOMER.name }), sub);
  await w.send(
    ev('checkout.session.completed', build.checkoutSession({ mode: 'subscription', customer: CUSTOMER.id, subscription: sub.id, payment_intent: null, client_reference_id: 'jane', customer_details: { address: null, business_name: null, email: CUSTOMER.email, individual_name: null, name: CUSTOMER.name, phone: '+15550100', tax_exempt: 'none', tax_ids: [] } }), { account: w.account }),
    ev('invoice.paid', build.invoice({ customer: CUSTOMER.id, subscription: sub.id, customer_email: CUSTOMER.email, customer_name: CUSTOMER.name }), { account: w.account }),
  );
  // Casey also bought as a guest through the API, with the same email.
  const api = client(w.t, await createApiKey(w.m, { mode: 'test' }));
  expect((await api.post('/api/v1/track/sale', { customerExternalId: 'casey-42', amount: 3000, clickId: 'jane', customerEmail: CUSTOMER.email, customerName: CUSTOMER.name, metadata: { phone: '+15550100' } })).status).toBe(200);
  w.t.clock.advance(31 * DAY);
  const [payout] = await w.run();
  await w.markPaid(payout!);
});
afterEach(() => w.close());

/** Every stored value of the merchant's rows (and of tables without a merchant), as one searchable text. */
async function everythingStored(db: Db, merchantId: string): Promise<string> {
  const raw = db.kysely.withoutPlugins();
  const tables = (
    await (db.dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table'`
      : sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`
    ).execute(raw)
  ).rows.map((r) => r.name);
  let text = '';
  for (const table of tables.filter((t) => !t.startsWith('kysely_') && t !== 'sqlite_sequence')) {
    const rows = (await raw.selectFrom(table as never).selectAll().execute()) as Record<string, unknown>[];
    text += `\n${table}: ${JSON.stringify(rows.filter((r) => !('merchant_id' in r) || r.merchant_id === merchantId))}`;
  }
  return text;
}

/** Where `needle` still appears: table name and a little context. */
const where = (stored: string, needle: string) =>
  stored
    .split('\n')
    .filter((line) => line.includes(needle))
    .map((line) => `${line.slice(0, line.indexOf(':'))}: …${line.slice(Math.max(0, line.indexOf(needle) - 80), line.indexOf(needle) + needle.length + 40)}…`);

const money = (db: Db, merchantId: string) =>
  db.kysely.selectFrom('commissions').select(['id', 'partnerId', 'conversionId', 'kind', 'amount', 'fee', 'net', 'currency', 'status', 'payoutId']).where('merchantId', '=', merchantId).orderBy('id').execute();

describe('a partner’s privacy request', () => {
  it('exports everything held about the partner in one JSON file, without their customers’ details', async () => {
    const res = await w.m.browser.agent.get(`/privacy/partners/${w.jane.id}/export.json`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="partner-${w.jane.id}.json"`);
    const doc = JSON.parse(res.text);
    expect(doc.partner).toMatchObject({ id: w.jane.id, email: 'jane@partners.test', name: 'Jane Smith', code: 'jane' });
    expect(doc.applications).toEqual([expect.objectContaining({ email: 'jane@partners.test', website: 'https://jane.blog' })]);
    expect(doc.clicks).toHaveLength(1);
    expect(doc.commissions).toHaveLength((await money(w.t.db, w.m.merchantId)).filter((r) => r.partnerId === w.jane.id).length);
    expect(doc.payouts).toEqual([expect.objectContaining({ status: 'paid', recipient: 'jane@partners.test' })]);
    expect(doc.referredCustomers.map((b: { customerKey: string }) => b.customerKey).sort()).toEqual([`ext:casey-42`, `stripe:${CUSTOMER.id}`]);
    expect(res.text).not.toContain(CUSTOMER.email);
    expect(res.text).not.toContain(CUSTOMER.name);
  });

  it('erases the partner’s personal data everywhere, keeping every amount, balance and link', async () => {
    const db = w.t.db.kysely;
    const before = { rows: await money(w.t.db, w.m.merchantId), balances: await partnerBalances(db, w.m.merchantId, 0, w.t.clock.now()) };
    expect(await everythingStored(w.t.db, w.m.merchantId)).toContain('jane@partners.test');

    const res = await w.m.browser.submit(`/privacy/partners/${w.jane.id}/erase`, { confirm: 'ERASE' }, `/privacy?kind=partner&q=${w.jane.id}`);
    expect(res.status).toBe(303);

    const stored = await everythingStored(w.t.db, w.m.merchantId);
    for (const personal of ['jane@partners.test', 'Jane Smith', '"jane"', 'via=jane', 'jane.blog', 'I write about tools']) expect([personal, where(stored, personal)]).toEqual([personal, []]);
    const partner = await db.selectFrom('partners').selectAll().where('id', '=', w.jane.id).executeTakeFirstOrThrow();
    expect(partner).toMatchObject({ email: expect.stringMatching(/^erased-[0-9a-f]{12}@erased\.invalid$/), code: expect.stringMatching(/^erased-[0-9a-f]{12}$/), payoutEmail: null });
    expect(await money(w.t.db, w.m.merchantId)).toEqual(before.rows);
    expect(await partnerBalances(db, w.m.merchantId, 0, w.t.clock.now())).toEqual(before.balances);
    await expectLedgerConsistent(w.t.db, { now: w.t.clock.now() });
    expect(await db.selectFrom('auditLog').select(['action', 'actor']).where('action', '=', 'privacy.partner_erased').execute()).toEqual([{ action: 'privacy.partner_erased', actor: w.m.userId }]);

    // Twice is the same as once.
    const erased = async () => ({
      partners: await db.selectFrom('partners').selectAll().where('merchantId', '=', w.m.merchantId).execute(),
      links: await db.selectFrom('links').selectAll().where('merchantId', '=', w.m.merchantId).execute(),
      applications: await db.selectFrom('applications').selectAll().where('merchantId', '=', w.m.merchantId).execute(),
      payouts: await db.selectFrom('payouts').selectAll().where('merchantId', '=', w.m.merchantId).execute(),
      sales: await db.selectFrom('conversions').selectAll().where('merchantId', '=', w.m.merchantId).execute(),
      rows: await db.selectFrom('commissions').selectAll().where('merchantId', '=', w.m.merchantId).execute(),
    });
    const once = await erased();
    expect((await w.m.browser.submit(`/privacy/partners/${w.jane.id}/erase`, { confirm: 'ERASE' }, '/privacy')).status).toBe(303);
    expect(await erased()).toEqual(once);
  });

  it('asks for confirmation, and leaves a partner of the same person in another program alone', async () => {
    const other = await signUpMerchant(w.t);
    await connectStripe(w.t, other);
    const twin = await buildPartner(w.t.db.kysely, other.merchantId, { name: 'Jane Smith', email: 'jane@partners.test', code: 'jane' });
    const refused = await w.m.browser.submit(`/privacy/partners/${w.jane.id}/erase`, { confirm: 'yes' }, '/privacy');
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Type ERASE to confirm.');
    expect((await w.m.browser.submit(`/privacy/partners/${twin.id}/erase`, { confirm: 'ERASE' }, '/privacy')).status).toBe(404);
    expect((await w.m.browser.submit(`/privacy/partners/${w.jane.id}/erase`, { confirm: 'ERASE' }, '/privacy')).status).toBe(303);
    expect(await w.t.db.kysely.selectFrom('partners').selectAll().where('id', '=', twin.id).executeTakeFirstOrThrow()).toEqual(twin);
  });

  it('is an owner’s decision: exports need an editor, erasure the owner', () => {
    const access = Object.fromEntries(w.t.app.routes.filter((r) => r.path.startsWith('/privacy')).map((r) => [`${r.method} ${r.path}`, r.access]));
    expect(access).toEqual({
      'get /privacy': 'editor',
      'get /privacy/partners/:id/export.json': 'editor',
      'post /privacy/partners/:id/erase': 'owner',
      'get /privacy/customers/export.json': 'editor',
      'post /privacy/customers/erase': 'owner',
    });
  });
});

describe('a referred customer’s privacy request', () => {
  it('finds the customer, exports what is held, then erases it from sales, bindings and stored Stripe events', async () => {
    const page = await w.m.browser.agent.get(`/privacy?kind=customer&q=${CUSTOMER.id}`);
    expect(page.text).toContain(`stripe:${CUSTOMER.id}`);
    const exported = await w.m.browser.agent.get(`/privacy/customers/export.json?ref=stripe:${CUSTOMER.id}`);
    expect(exported.status).toBe(200);
    const doc = JSON.parse(exported.text);
    expect(doc.referredBy).toEqual([expect.objectContaining({ customerKey: `stripe:${CUSTOMER.id}`, partnerId: w.jane.id })]);
    expect(doc.sales).toHaveLength(1);
    expect(doc.stripeEvents.map((e: { type: string }) => e.type).sort()).toEqual(['checkout.session.completed', 'invoice.paid']);
    expect(exported.text).toContain(CUSTOMER.email);

    const before = await money(w.t.db, w.m.merchantId);
    const res = await w.m.browser.submit('/privacy/customers/erase', { ref: `stripe:${CUSTOMER.id}`, confirm: 'ERASE' }, '/privacy');
    expect(res.status).toBe(303);
    const stored = await everythingStored(w.t.db, w.m.merchantId);
    for (const personal of [CUSTOMER.email, CUSTOMER.name, '+15550100']) expect([personal, where(stored, personal)]).toEqual([personal, []]);
    // Still referred by Jane, still the same sales and commissions.
    expect(await w.t.db.kysely.selectFrom('referralBindings').select(['customerKey', 'partnerId']).where('customerKey', '=', `stripe:${CUSTOMER.id}`).execute()).toEqual([{ customerKey: `stripe:${CUSTOMER.id}`, partnerId: w.jane.id }]);
    expect(await money(w.t.db, w.m.merchantId)).toEqual(before);
    await expectLedgerConsistent(w.t.db, { now: w.t.clock.now() });
    expect((await w.m.browser.agent.get(`/privacy/customers/export.json?ref=${encodeURIComponent(CUSTOMER.email)}`)).status).toBe(404);
  });
});
