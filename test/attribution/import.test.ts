import { build } from '../fake-stripe';
import { buildTestApp, signUpMerchant, type SignedUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner } from '../helpers/partners';
import { ledgerWorld } from '../helpers/ledger';
import { importRows, importSummary, uploadReferrals } from '../helpers/attribution';
import { bindCustomer } from '../../server/attribution/bindings';
import type { Partner } from '../../db/tables/partners';

let t: TestApp;
let m: SignedUpMerchant;
let jane: Partner;
let bob: Partner;
beforeEach(async () => {
  t = await buildTestApp();
  m = await signUpMerchant(t);
  jane = await buildPartner(t.db.kysely, m.merchantId, { name: 'Jane Smith', email: 'jane@partners.test', code: 'jane' });
  bob = await buildPartner(t.db.kysely, m.merchantId, { name: 'Bob Jones', email: 'bob@partners.test', code: 'bob' });
  // A customer a Stripe event already bound to Bob: imports must leave it alone.
  await bindCustomer(t.db.kysely, t.clock, { merchantId: m.merchantId, livemode: 1, customerKey: 'stripe:cus_Bound1', stripeCustomerId: 'cus_Bound1', partnerId: bob.id, source: 'stripe' });
});
afterEach(() => t.close());

const bindings = () =>
  t.db.kysely
    .selectFrom('referralBindings')
    .innerJoin('partners', 'partners.id', 'referralBindings.partnerId')
    .select(['referralBindings.customerKey', 'partners.email as partner', 'referralBindings.source', 'referralBindings.foundIn', 'referralBindings.referralValue', 'referralBindings.customerEmail', 'referralBindings.createdAt', 'referralBindings.livemode'])
    .where('referralBindings.merchantId', '=', m.merchantId)
    .orderBy('referralBindings.customerKey')
    .execute();

/** Import the file twice: the second run must bind nothing new and fail the same rows. */
async function importTwice(csv: string) {
  const first = await uploadReferrals(m, csv);
  expect(first.status).toBe(200);
  const rowsAfterFirst = await bindings();
  const second = await uploadReferrals(m, csv);
  expect(second.status).toBe(200);
  expect(await bindings()).toEqual(rowsAfterFirst);
  return { first: first.text, second: second.text };
}

const NOW = '2026-11-25T12:00:00.000Z';

describe('the generic format', () => {
  it('binds each customer to the partner named by email or code, reports the rest, and changes nothing the second time', async () => {
    const csv = [
      'customer_id,partner_email,partner_code,created_at',
      'cus_GenA1,jane@partners.test,,2025-03-01',
      'ext-user-42,,bob,',
      'cus_Bound1,jane@partners.test,,',
      'cus_GenB2,ghost@partners.test,,',
      ',jane@partners.test,,',
      'cus_bad!,jane@partners.test,,',
      'cus_GenC3,jane@partners.test,,2025-13-45',
    ].join('\n');
    const { first, second } = await importTwice(csv);
    expect(importSummary(first)).toEqual({ bound: 2, alreadyBound: 1, partnersCreated: 0, failed: 4 });
    expect(importRows(first)).toEqual([
      [5, 'cus_GenB2', 'No partner with the email ghost@partners.test in this program.'],
      [6, 'jane@partners.test', 'No customer id on this row.'],
      [7, 'cus_bad!', '“cus_bad!” is not a Stripe customer id.'],
      [8, 'cus_GenC3', '“2025-13-45” is not a date: use 2025-01-31 or an ISO 8601 time.'],
      [4, 'cus_Bound1', 'Already bound to Bob Jones; left unchanged (re-bind it from the customer’s commission if that is wrong).'],
    ]);
    expect(importSummary(second)).toEqual({ bound: 0, alreadyBound: 3, partnersCreated: 0, failed: 4 });
    expect(await bindings()).toEqual([
      { customerKey: 'ext:ext-user-42', partner: 'bob@partners.test', source: 'import', foundIn: 'import:generic', referralValue: 'bob', customerEmail: null, createdAt: NOW, livemode: 1 },
      { customerKey: 'stripe:cus_Bound1', partner: 'bob@partners.test', source: 'stripe', foundIn: null, referralValue: null, customerEmail: null, createdAt: NOW, livemode: 1 },
      { customerKey: 'stripe:cus_GenA1', partner: 'jane@partners.test', source: 'import', foundIn: 'import:generic', referralValue: 'jane@partners.test', customerEmail: null, createdAt: '2025-03-01T00:00:00.000Z', livemode: 1 },
    ]);
    const audit = await t.db.kysely.selectFrom('auditLog').select(['actor', 'after']).where('action', '=', 'referrals.imported').execute();
    expect(audit.map((a) => [a.actor, JSON.parse(a.after!)])).toEqual([
      [m.userId, { format: 'generic', mode: 'live', bound: 2, alreadyBound: 1, partnersCreated: 0, failed: 4 }],
      [m.userId, { format: 'generic', mode: 'live', bound: 0, alreadyBound: 3, partnersCreated: 0, failed: 4 }],
    ]);
  });

  it('refuses a file whose header matches no format, naming what it expects', async () => {
    const res = await uploadReferrals(m, 'customer,affiliate\ncus_1,jane\n');
    expect(res.status).toBe(400);
    expect(res.text).toContain('The header matches no known format');
    expect(await bindings()).toHaveLength(1);
  });
});

describe('Rewardful’s format', () => {
  it('creates missing affiliates from their names, binds their customers, and is idempotent', async () => {
    const csv = [
      'stripe_customer_id,first_name,last_name,email,paypal_email,wise_email,token',
      'cus_RwA1,Jane,Smith,jane@partners.test,,,jane',
      'cus_RwB2,Carl,New,carl@partners.test,carl.pay@example.com,,carl',
      'cus_RwC3,Carl,New,carl@partners.test,,,carl',
      'cus_Bound1,Jane,Smith,jane@partners.test,,,jane',
      'cus_RwD4,,,ghost@partners.test,,,',
      '42,Jane,Smith,jane@partners.test,,,',
    ].join('\n');
    const { first, second } = await importTwice(csv);
    expect(importSummary(first)).toEqual({ bound: 3, alreadyBound: 1, partnersCreated: 1, failed: 2 });
    expect(importRows(first).slice(0, 2)).toEqual([
      [6, 'cus_RwD4', 'No partner with the email ghost@partners.test in this program, and the row has no first and last name to create one.'],
      [7, '42', '“42” is not a Stripe customer id (cus_…).'],
    ]);
    expect(importSummary(second)).toEqual({ bound: 0, alreadyBound: 4, partnersCreated: 0, failed: 2 });
    const carl = await t.db.kysely.selectFrom('partners').select(['id', 'name', 'code', 'status', 'payoutEmail']).where('email', '=', 'carl@partners.test').executeTakeFirstOrThrow();
    expect(carl).toMatchObject({ name: 'Carl New', code: 'carl', status: 'active', payoutEmail: 'carl.pay@example.com' });
    expect((await bindings()).map((b) => [b.customerKey, b.partner, b.source, b.foundIn])).toEqual([
      ['stripe:cus_Bound1', 'bob@partners.test', 'stripe', null],
      ['stripe:cus_RwA1', 'jane@partners.test', 'import', 'import:rewardful'],
      ['stripe:cus_RwB2', 'carl@partners.test', 'import', 'import:rewardful'],
      ['stripe:cus_RwC3', 'carl@partners.test', 'import', 'import:rewardful'],
    ]);
  });

  it('imports only the affiliates from its affiliates-only template (older header spellings too)', async () => {
    const res = await uploadReferrals(m, ['Affiliate First Name,Affiliate Last Name,Affiliate Email,Token', 'Dana,Lee,dana@partners.test,dana', 'Jane,Smith,jane@partners.test,jane'].join('\n'));
    expect(importSummary(res.text)).toEqual({ bound: 0, alreadyBound: 0, partnersCreated: 1, failed: 0 });
    expect(await t.db.kysely.selectFrom('partners').select(['name', 'code']).where('email', '=', 'dana@partners.test').executeTakeFirstOrThrow()).toEqual({ name: 'Dana Lee', code: 'dana' });
    expect(await bindings()).toHaveLength(1);
  });
});

describe('FirstPromoter’s format', () => {
  it('binds by uid (Stripe or your own id), finds promoters by email or ref_id, creates named ones, and is idempotent', async () => {
    const csv = [
      'Email,UID,State,Created At,Promoter Email,Ref ID,Promoter First Name,Promoter Last Name',
      'buyer1@example.com,cus_FpA1,active,2025-02-01T10:00:00Z,jane@partners.test,jane,,',
      'buyer2@example.com,user-77,active,2025-02-02,,bob,,',
      'buyer3@example.com,cus_Bound1,active,,jane@partners.test,,,',
      'buyer4@example.com,cus_FpD4,active,,dana@partners.test,dana,Dana,Lee',
      'buyer5@example.com,cus_FpE5,active,,ghost@partners.test,,,',
      'buyer6@example.com,,signup,,jane@partners.test,,,',
    ].join('\n');
    const { first, second } = await importTwice(csv);
    expect(importSummary(first)).toEqual({ bound: 3, alreadyBound: 1, partnersCreated: 1, failed: 2 });
    expect(importRows(first).slice(0, 2)).toEqual([
      [6, 'cus_FpE5', 'No partner with the email ghost@partners.test in this program, and the row has no first and last name to create one.'],
      [7, 'jane@partners.test', 'No customer id on this row.'],
    ]);
    expect(importSummary(second)).toEqual({ bound: 0, alreadyBound: 4, partnersCreated: 0, failed: 2 });
    expect((await bindings()).map((b) => [b.customerKey, b.partner, b.customerEmail, b.createdAt, b.foundIn])).toEqual([
      ['ext:user-77', 'bob@partners.test', 'buyer2@example.com', '2025-02-02T00:00:00.000Z', 'import:firstpromoter'],
      ['stripe:cus_Bound1', 'bob@partners.test', null, NOW, null],
      ['stripe:cus_FpA1', 'jane@partners.test', 'buyer1@example.com', '2025-02-01T10:00:00.000Z', 'import:firstpromoter'],
      ['stripe:cus_FpD4', 'dana@partners.test', 'buyer4@example.com', NOW, 'import:firstpromoter'],
    ]);
  });
});

describe('an imported customer’s next payment', () => {
  it('earns for the imported partner through the binding, in the mode it was imported into', async () => {
    const w = await ledgerWorld();
    try {
      const res = await uploadReferrals(w.m, 'customer_id,partner_code\ncus_Imported1,jane\n', 'test');
      expect(importSummary(res.text)).toMatchObject({ bound: 1 });
      await w.send(build.event('invoice.paid', build.invoice({ customer: 'cus_Imported1', subscription: 'sub_imported' }), { account: w.account }));
      expect(await w.commissions()).toEqual([expect.objectContaining({ partnerId: w.jane.id, amount: 1000 })]);
      const credit = await w.t.db.kysely.selectFrom('commissions').select('explanation').executeTakeFirstOrThrow();
      expect(JSON.parse(credit.explanation).referral).toMatchObject({ value: 'jane', foundIn: 'import:generic', source: 'import' });
    } finally {
      await w.close();
    }
  });
});
