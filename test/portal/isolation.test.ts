import request from 'supertest';
import { build } from '../fake-stripe';
import { DAY, payoutWorld, type PayoutWorld } from '../helpers/payouts';
import { buildPartner } from '../helpers/partners';
import { signUpMerchant } from '../helpers/app';
import { portalLinkFor, signedInPartner } from '../helpers/portal';
import { registerDeal } from '../../server/portal/deals';

let w: PayoutWorld;
beforeEach(async () => {
  w = await payoutWorld();
  await w.setProgram({ minPayout: 100 });
});
afterEach(() => w.close());

describe('portal isolation', () => {
  it('declares every portal page behind the partner session, except signing in', () => {
    const portal = w.t.app.routes.filter((r) => r.path.startsWith('/portal/'));
    const open = portal.filter((r) => r.access !== 'partner').map((r) => `${r.method} ${r.path}`);
    expect(open.sort()).toEqual(
      ['get /portal/:programPublicId/brand.css', 'get /portal/:programPublicId/enter', 'get /portal/:programPublicId/login', 'post /portal/:programPublicId/enter', 'post /portal/:programPublicId/login', 'post /portal/:programPublicId/logout'].sort(),
    );
    expect(portal.filter((r) => r.access === 'partner').length).toBeGreaterThanOrEqual(13);
  });

  it("never shows partner A another partner's commission, payout, statement, link, customer or deal, on any portal route", async () => {
    const bob = await w.partner('Bob', 'bob@partners.test');
    const bobCustomer = build.customer({ email: 'bobs.customer@example.com' });
    const bobSale = build.checkoutSession({ client_reference_id: bob.code, customer: bobCustomer.id, customer_details: { ...build.checkoutSession().customer_details!, email: 'bobs.customer@example.com' }, amount_total: 12_345, amount_subtotal: 12_345 });
    await w.send(build.event('checkout.session.completed', bobSale, { account: w.account }));
    await w.sell(1_000);
    w.t.clock.advance(31 * DAY);
    const payoutIds = await w.run();
    const bobPayout = (await w.t.db.kysely.selectFrom('payouts').select('id').where('partnerId', '=', bob.id).executeTakeFirstOrThrow()).id;
    expect(payoutIds).toContain(bobPayout);
    const bobCredit = (await w.t.db.kysely.selectFrom('commissions').select('id').where('partnerId', '=', bob.id).executeTakeFirstOrThrow()).id;
    const bobLink = (await w.t.db.kysely.selectFrom('links').select('id').where('partnerId', '=', bob.id).executeTakeFirstOrThrow()).id;
    await registerDeal(w.t.db.kysely, w.t.clock, w.m.merchantId, bob.id, { email: 'bobs.lead@example.com', name: 'Bob’s Lead', notes: 'secret' });

    const jane = await signedInPartner(w.t, await portalLinkFor(w.m, w.jane.id));
    const portal = `/portal/${w.m.publicId}`;
    // Bob's things that must never reach Jane's pages.
    const secrets = [bob.id, bob.name, 'bob@partners.test', bobCredit, bobPayout, bobLink, bobSale.id, 'bobs.customer', 'b***@example.com', 'bobs.lead', 'Bob’s Lead', '$24.69', '$123.45'];
    const routes = w.t.app.routes.filter((r) => r.access === 'partner' && r.method === 'get');
    for (const r of routes) {
      const params: Record<string, string> = { programPublicId: w.m.publicId, id: r.path.includes('/payouts/') ? bobPayout : bobCredit, linkId: bobLink, month: '2026-11' };
      const path = r.path.replace(/:([A-Za-z]+)/g, (_, name: string) => params[name] ?? 'x');
      const res = await jane.agent.get(path);
      const what = `GET ${path}`;
      expect([what, [200, 404].includes(res.status) ? 'ok' : `status ${res.status}`]).toEqual([what, 'ok']);
      for (const s of secrets) expect([what, res.text.includes(s) ? `shows ${s}` : 'clean']).toEqual([what, 'clean']);
    }
    // By id, Bob's rows are a 404 for Jane.
    for (const path of [`${portal}/commissions/${bobCredit}`, `${portal}/payouts/${bobPayout}`, `${portal}/payouts/${bobPayout}/statement.csv`, `${portal}/links/${bobLink}`]) {
      expect([path, (await jane.agent.get(path)).status]).toEqual([path, 404]);
    }
    // Jane's own month statement holds only her rows.
    const month = await jane.agent.get(`${portal}/statements/2026-11/statement.csv`);
    expect(month.text.trim().split('\n')).toHaveLength(2);
  });

  it("keeps another merchant's portal closed to this program's partner, and their rows out of reach", async () => {
    const other = await signUpMerchant(w.t, { name: 'Other Shop' });
    const olga = await buildPartner(w.t.db.kysely, other.merchantId, { name: 'Olga', email: 'olga@partners.test', code: 'olga' });
    const jane = await signedInPartner(w.t, await portalLinkFor(w.m, w.jane.id));
    const theirs = `/portal/${other.publicId}`;
    for (const path of [theirs, `${theirs}/commissions`, `${theirs}/payouts`, `${theirs}/customers`, `${theirs}/settings`]) {
      const res = await jane.agent.get(path);
      expect([path, res.status, res.headers.location]).toEqual([path, 303, `${theirs}/login`]);
    }
    const token = await jane.csrf(`/portal/${w.m.publicId}/settings`);
    const write = await jane.agent.post(`${theirs}/settings`).type('form').send({ payoutEmail: 'hijack@example.com', _csrf: token });
    expect(write.status).toBe(401);
    const deal = await jane.agent.post(`${theirs}/deals`).type('form').send({ email: 'x@example.com', name: 'X', _csrf: token });
    expect(deal.status).toBe(401);
    expect(await w.t.db.kysely.selectFrom('partners').select('payoutEmail').where('id', '=', olga.id).executeTakeFirstOrThrow()).toEqual({ payoutEmail: null });
    expect(await w.t.db.kysely.selectFrom('deals').selectAll().execute()).toEqual([]);
    // A program id that does not exist: nothing to sign in to.
    expect((await request(w.t.http).get('/portal/prg_nothing/login')).status).toBe(404);
  });
});
