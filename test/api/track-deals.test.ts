// Registered deals attribute sales reported through the REST API the way they attribute Stripe sales:
// the last resort after the customer's binding and the sale's clickId, for a new customer only, and only
// inside the program that accepted the deal.
import { buildTestApp, type Browser, type TestApp } from '../helpers/app';
import { apiProgram, ledgerRows, type ApiProgram } from '../helpers/api-program';
import { portalLinkFor, signedInPartner } from '../helpers/portal';
import { buildPartner } from '../helpers/partners';
import { expectLedgerConsistent } from '../helpers/reliability';

let t: TestApp;
let p: ApiProgram;
let jane: Browser;
beforeEach(async () => {
  t = await buildTestApp();
  p = await apiProgram(t);
  jane = await signedInPartner(t, await portalLinkFor(p.m, p.jane.id));
});
afterEach(() => t.close());

const MINUTE = 60_000;

/** A partner registers a lead in the portal and the merchant accepts it, both through the pages. */
async function acceptedDeal(program: ApiProgram, partner: Browser, email: string): Promise<string> {
  const portal = `/portal/${program.m.publicId}`;
  const res = await partner.submit(`${portal}/deals`, { email, name: 'Big Co', notes: '' }, `${portal}/deals`);
  expect(res.status).toBe(303);
  const deal = await t.db.kysely.selectFrom('deals').select('id').where('merchantId', '=', program.m.merchantId).where('email', '=', email.toLowerCase()).executeTakeFirstOrThrow();
  expect((await program.m.browser.submit(`/deals/${deal.id}/accept`, { reason: '' }, '/deals')).status).toBe(303);
  t.clock.advance(MINUTE);
  return deal.id;
}

const bindings = (merchantId: string) => t.db.kysely.selectFrom('referralBindings').select(['customerKey', 'partnerId', 'source', 'referralValue', 'foundIn']).where('merchantId', '=', merchantId).execute();

describe('POST /api/v1/track/sale and accepted deals', () => {
  it('credits the deal’s partner exactly and binds the customer, so later sales follow without the email', async () => {
    const dealId = await acceptedDeal(p, jane, 'Lead@BigCo.example');
    const sale = await p.live.post('/api/v1/track/sale', { customerExternalId: 'bigco', customerEmail: 'LEAD@bigco.example', amount: 12_345, currency: 'jpy', invoiceId: 'inv_1' });
    expect(sale.status).toBe(200);
    expect(sale.body).toMatchObject({ affiliateId: p.jane.id, commission: { affiliateId: p.jane.id, amount: 2469, platformFee: 0, netCommission: 2469, currency: 'jpy', status: 'pending' } });
    expect(await bindings(p.m.merchantId)).toEqual([{ customerKey: 'ext:bigco', partnerId: p.jane.id, source: 'deal', referralValue: dealId, foundIn: 'deal' }]);

    t.clock.advanceDays(30);
    const renewal = await p.live.post('/api/v1/track/sale', { customerExternalId: 'bigco', amount: 5_000, currency: 'jpy', invoiceId: 'inv_2' });
    expect(renewal.body.commission).toMatchObject({ affiliateId: p.jane.id, amount: 1000 });
    expect((await ledgerRows(t, p.m.merchantId)).map((r) => [r.partnerId, r.amount, r.currency])).toEqual([
      [p.jane.id, 2469, 'jpy'],
      [p.jane.id, 1000, 'jpy'],
    ]);
    expect((await jane.agent.get(`/portal/${p.m.publicId}/deals`)).text).toContain('Paid, credited to you');
    await expectLedgerConsistent(t.db, { now: t.clock.now() });
  });

  it('ranks the deal last: a binding or a click of another partner wins; an unknown click does not', async () => {
    const bob = await buildPartner(t.db.kysely, p.m.merchantId, { name: 'Bob', email: 'bob@partners.test', code: 'bob', clock: t.clock });
    for (const email of ['bound@example.com', 'clicked@example.com', 'stray@example.com']) await acceptedDeal(p, jane, email);
    await p.live.post('/api/v1/track/lead', { clickId: await p.click('bob'), customerExternalId: 'bound' });
    const bound = await p.live.post('/api/v1/track/sale', { customerExternalId: 'bound', customerEmail: 'bound@example.com', amount: 10_000, invoiceId: 'a' });
    const clicked = await p.live.post('/api/v1/track/sale', { customerExternalId: 'clicked', customerEmail: 'clicked@example.com', amount: 10_000, invoiceId: 'b', clickId: 'bob' });
    const stray = await p.live.post('/api/v1/track/sale', { customerExternalId: 'stray', customerEmail: 'stray@example.com', amount: 10_000, invoiceId: 'c', clickId: 'clk_nope' });
    expect([bound.body.affiliateId, clicked.body.affiliateId, stray.body.affiliateId]).toEqual([bob.id, bob.id, p.jane.id]);
    expect([bound.body.commission.amount, clicked.body.commission.amount, stray.body.commission.amount]).toEqual([2000, 2000, 2000]);
  });

  it('ignores pending and rejected deals, and customers who paid before the registration', async () => {
    const portal = `/portal/${p.m.publicId}`;
    await jane.submit(`${portal}/deals`, { email: 'pending@example.com', name: 'P', notes: '' }, `${portal}/deals`);
    await jane.submit(`${portal}/deals`, { email: 'rejected@example.com', name: 'R', notes: '' }, `${portal}/deals`);
    const rejected = await t.db.kysely.selectFrom('deals').select('id').where('email', '=', 'rejected@example.com').executeTakeFirstOrThrow();
    await p.m.browser.submit(`/deals/${rejected.id}/reject`, { reason: 'Ours already' }, '/deals');
    await p.live.post('/api/v1/track/sale', { customerExternalId: 'old', customerEmail: 'old@example.com', amount: 1_000, invoiceId: 'before' });
    t.clock.advance(MINUTE);
    await acceptedDeal(p, jane, 'old@example.com');

    const sales = [
      await p.live.post('/api/v1/track/sale', { customerExternalId: 'p', customerEmail: 'pending@example.com', amount: 10_000, invoiceId: 'p1' }),
      await p.live.post('/api/v1/track/sale', { customerExternalId: 'r', customerEmail: 'rejected@example.com', amount: 10_000, invoiceId: 'r1' }),
      await p.live.post('/api/v1/track/sale', { customerExternalId: 'old', customerEmail: 'old@example.com', amount: 10_000, invoiceId: 'after' }),
    ];
    expect(sales.map((s) => [s.status, s.body.affiliateId, s.body.commission])).toEqual([
      [200, null, null],
      [200, null, null],
      [200, null, null],
    ]);
    expect(await ledgerRows(t, p.m.merchantId)).toEqual([]);
    expect(await bindings(p.m.merchantId)).toEqual([]);
  });

  it('never matches a deal another program accepted for the same email', async () => {
    const other = await apiProgram(t, { name: 'Other' });
    const theirPartner = await signedInPartner(t, await portalLinkFor(other.m, other.jane.id));
    await acceptedDeal(other, theirPartner, 'shared@example.com');

    const ours = await p.live.post('/api/v1/track/sale', { customerExternalId: 'shared', customerEmail: 'shared@example.com', amount: 10_000, invoiceId: 's1' });
    expect([ours.status, ours.body.affiliateId, ours.body.commission]).toEqual([200, null, null]);
    const conversion = await t.db.kysely.selectFrom('conversions').select(['partnerId', 'unattributedReason']).where('merchantId', '=', p.m.merchantId).executeTakeFirstOrThrow();
    expect(conversion).toEqual({ partnerId: null, unattributedReason: 'no_referral_value' });
    expect(await bindings(p.m.merchantId)).toEqual([]);

    // The same email in the program that accepted the deal is its partner's.
    const theirs = await other.live.post('/api/v1/track/sale', { customerExternalId: 'shared', customerEmail: 'shared@example.com', amount: 10_000, invoiceId: 's1' });
    expect(theirs.body.commission).toMatchObject({ affiliateId: other.jane.id, amount: 2000 });
    expect(await ledgerRows(t, p.m.merchantId)).toEqual([]);
    await expectLedgerConsistent(t.db, { now: t.clock.now() });
  });
});
