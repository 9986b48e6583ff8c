import request from 'supertest';
import { build } from '../fake-stripe';
import { apiAs, createApiKey } from '../helpers/api';
import { DAY, payoutWorld, type PayoutWorld } from '../helpers/payouts';
import { setProgram } from '../helpers/partners';
import { portalLinkFor, signedInPartner } from '../helpers/portal';
import { balancesOf } from '../../server/payouts/balances';
import { applyCommissionAction } from '../../server/payouts/actions';
import type { Browser } from '../helpers/app';

let w: PayoutWorld;
let jane: Browser;
let portal: string;
beforeEach(async () => {
  w = await payoutWorld();
  await w.setProgram({ minPayout: 100 });
  portal = `/portal/${w.m.publicId}`;
  jane = await signedInPartner(w.t, await portalLinkFor(w.m, w.jane.id));
});
afterEach(() => w.close());

/** Balance rows of a page, in minor units (2-decimal currencies here), keyed by currency. */
function balancesIn(html: string, rowPattern: RegExp) {
  return [...html.matchAll(rowPattern)].map((m) => {
    const cells = m.groups!.cells!;
    const [pending, onHold, approved, paid, earned] = [...cells.matchAll(/<td class="num"><span[^>]*>([^<]+)<\/span>/g)].map((c) => Number(c[1]!.replace(/[^\d-]/g, '')));
    return { currency: m.groups!.currency!, pending, onHold, approved, paid, earned };
  });
}

/** A paid one-off Checkout sale by a known Stripe customer, referred by jane's code. */
async function sellTo(email: string, amount: number) {
  const customer = build.customer({ email });
  const session = build.checkoutSession({ client_reference_id: 'jane', customer: customer.id, customer_details: { ...build.checkoutSession().customer_details!, email }, amount_total: amount, amount_subtotal: amount });
  await w.send(build.event('checkout.session.completed', session, { account: w.account }));
  return session;
}

describe('the portal overview', () => {
  it('shows balances per currency equal, to the minor unit, to the balance function, the API and the merchant’s balances page', async () => {
    const bob = await w.partner('Bob');
    const paidSale = await w.sell(30_000);
    await w.sell(11_111);
    w.t.clock.advance(31 * DAY);
    const [payoutId] = await w.run();
    await w.markPaid(payoutId!);
    const charge = build.charge({ amount: 30_000, payment_intent: paidSale.paymentIntentId });
    w.t.fake.put(w.account, charge, build.refund({ charge: charge.id, payment_intent: paidSale.paymentIntentId, amount: 29_999 }));
    await w.send(build.event('charge.refunded', { ...charge, amount_refunded: 29_999 }, { account: w.account }));
    await w.sell(7_777);
    const held = await w.sell(4_321);
    await applyCommissionAction({ db: w.t.db.kysely, clock: w.t.clock }, w.m.merchantId, w.m.userId, [held.creditId], 'hold', 'Checking');
    await w.sell(9_999, { currency: 'eur' });
    await w.sell(2_500, { partner: bob });

    const fn = await balancesOf(w.t.db.kysely, w.m.merchantId, 0, w.jane.id, w.t.clock.now());
    expect(fn).toEqual([
      { currency: 'eur', pending: 2000, onHold: 0, approved: 0, paid: 0, earned: 2000 },
      { currency: 'usd', pending: 1555, onHold: 864, approved: -6000, paid: 6000 + 2222, earned: 1555 + 864 - 6000 + 8222 },
    ]);

    const page = await jane.agent.get(portal);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Test data');
    const shown = balancesIn(page.text, /<tr data-currency="(?<currency>[a-z]{3})">(?<cells>.*?)<\/tr>/gs);
    expect(shown).toEqual(fn);
    expect(page.text).toContain('negative: refunds after a payout');

    const api = apiAs(w.t, await createApiKey(w.m, { mode: 'test' }));
    expect((await api.get(`/api/v1/affiliates/${w.jane.id}/balance`)).body).toEqual({ data: shown });
    const merchant = await w.m.browser.agent.get('/balances?mode=test');
    expect(balancesIn(merchant.text, new RegExp(`<tr data-partner="${w.jane.id}" data-currency="(?<currency>[a-z]{3})">(?<cells>.*?)</tr>`, 'gs'))).toEqual(shown);
    expect(page.text).not.toContain('Bob');
  });

  it('is branded with the merchant’s name and colour, served as a stylesheet', async () => {
    await w.t.db.kysely.updateTable('programSettings').set({ brandColor: '#ff0066' }).where('merchantId', '=', w.m.merchantId).execute();
    await w.t.db.kysely.updateTable('merchants').set({ name: 'Acme <Tools>' }).where('id', '=', w.m.merchantId).execute();
    const page = await jane.agent.get(portal);
    expect(page.text).toContain('<title>Overview · Acme &lt;Tools> partner portal</title>');
    expect(page.text).toContain(`<link rel="stylesheet" href="${portal}/brand.css"/>`);
    expect(page.text).not.toMatch(/<script>|style="/);
    const css = await request(w.t.http).get(`${portal}/brand.css`);
    expect([css.status, css.headers['content-type'], css.text]).toEqual([200, 'text/css; charset=utf-8', ':root { --brand: #ff0066; }\n']);
    expect((await request(w.t.http).get('/portal/prg_unknown/brand.css')).text).toBe(':root { --brand: #4f46e5; }\n');
  });
});

describe('links and clicks', () => {
  it('lists the partner’s links with a copy button and counts human clicks per day over the chosen period', async () => {
    await setProgram(w.t, w.m.merchantId, { destinationUrl: 'https://shop.example.com/' });
    const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
    const visit = (ip: string, ua = UA) => request(w.t.http).get('/r/jane').set('User-Agent', ua).set('X-Forwarded-For', ip);
    await visit('203.0.113.1');
    await visit('203.0.113.2');
    await visit('203.0.113.3', 'Googlebot/2.1 (+http://www.google.com/bot.html)');
    w.t.clock.advance(2 * DAY);
    await visit('203.0.113.4');
    const page = await jane.agent.get(`${portal}/links?days=7`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="http://refcut.test/r/jane"');
    expect(page.text).toMatch(/<button type="button" class="copy" data-copy="link-lnk_[^"]+" hidden>Copy<\/button>/);
    expect(page.text).toContain('<script src="/static/portal.js" defer></script>');
    const days = [...page.text.matchAll(/<tr data-day="([\d-]+)"><td>[\d-]+<\/td><td class="num">(\d+)<\/td>/g)].map((m) => [m[1], Number(m[2])]);
    expect(days).toEqual([
      ['2026-11-21', 0],
      ['2026-11-22', 0],
      ['2026-11-23', 0],
      ['2026-11-24', 0],
      ['2026-11-25', 2],
      ['2026-11-26', 0],
      ['2026-11-27', 1],
    ]);
    expect(page.text).toContain('<strong>3</strong> clicks in the last 7 days');
    const js = await request(w.t.http).get('/static/portal.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
  });
});

describe('customers, commissions and statements', () => {
  it('masks referred customers’ emails and shows commissions with their reversals', async () => {
    const first = await sellTo('carol.customer@example.com', 10_000);
    await sellTo('dan@example.org', 5_000);
    const customers = await jane.agent.get(`${portal}/customers`);
    expect(customers.text).toContain('c***@example.com');
    expect(customers.text).toContain('d***@example.org');
    expect(customers.text).not.toContain('carol.customer');
    expect(customers.text).not.toContain('dan@');

    const charge = build.charge({ amount: 10_000, payment_intent: first.payment_intent as string });
    w.t.fake.put(w.account, charge, build.refund({ charge: charge.id, payment_intent: first.payment_intent as string, amount: 2_500 }));
    await w.send(build.event('charge.refunded', { ...charge, amount_refunded: 2_500 }, { account: w.account }));
    const rows = await w.t.db.kysely.selectFrom('commissions').select(['id', 'kind', 'net', 'reversesId']).where('partnerId', '=', w.jane.id).orderBy('createdAt').orderBy('kind').execute();
    const credit = rows.find((r) => r.kind === 'credit' && rows.some((x) => x.reversesId === r.id))!;
    const reversal = rows.find((r) => r.kind === 'reversal')!;
    expect([credit.net, reversal.net]).toEqual([2000, -500]);

    const list = await jane.agent.get(`${portal}/commissions`);
    expect(list.text).toMatch(new RegExp(`<tr data-commission="${reversal.id}">.*?reversal.*?-\\$5\\.00`, 's'));
    const detail = await jane.agent.get(`${portal}/commissions/${credit.id}`);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain('c***@example.com');
    expect(detail.text).not.toContain('carol.customer');
    expect(detail.text).toContain('20% of the sale');
    expect(detail.text).toContain(reversal.id);
    expect(detail.text).toContain('-$5.00');
  });

  it('lists payouts and serves the same statement CSVs as the merchant’s', async () => {
    await w.sell(10_000);
    w.t.clock.advance(31 * DAY);
    const [payoutId] = await w.run();
    await w.markPaid(payoutId!);
    const list = await jane.agent.get(`${portal}/payouts`);
    expect(list.text).toContain(`data-payout="${payoutId}"`);
    expect(list.text).toContain('$20.00');
    const mine = await jane.agent.get(`${portal}/payouts/${payoutId}/statement.csv`);
    const theirs = await w.m.browser.agent.get(`/payouts/${payoutId}/statement.csv`);
    expect(mine.status).toBe(200);
    expect(mine.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(mine.text).toBe(theirs.text);
    expect(mine.text.split('\n')[1]).toMatch(/^2026-11-25,com_\w+,credit,cs_test_\w+,,paid,20\.00,usd,1,same_currency,2026-11-25,20\.00,usd$/);
    const month = await jane.agent.get(`${portal}/statements/2026-11/statement.csv`);
    expect(month.text).toBe((await w.m.browser.agent.get(`/balances/${w.jane.id}/months/2026-11/statement.csv?mode=test`)).text);
    expect((await jane.agent.get(`${portal}/statements/2026-11`)).text).toContain('Statement for 2026-11');
    expect((await jane.agent.get(`${portal}/payouts/${payoutId}`)).text).toContain('PAYPAL-BATCH-1');
  });
});

describe('the payout email', () => {
  it('is set by the partner with a CSRF-protected form, validated and audited', async () => {
    const noToken = await jane.agent.post(`${portal}/settings`).type('form').send({ payoutEmail: 'evil@attacker.test' });
    expect(noToken.status).toBe(403);
    const bad = await jane.submit(`${portal}/settings`, { payoutEmail: 'not an email' }, `${portal}/settings`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a valid payout email.');
    const ok = await jane.submit(`${portal}/settings`, { payoutEmail: ' Jane.PayPal@Example.com ' }, `${portal}/settings`);
    expect([ok.status, ok.headers.location]).toEqual([303, `${portal}/settings`]);
    const row = await w.t.db.kysely.selectFrom('partners').select('payoutEmail').where('id', '=', w.jane.id).executeTakeFirstOrThrow();
    expect(row.payoutEmail).toBe('jane.paypal@example.com');
    const audit = await w.t.db.kysely.selectFrom('auditLog').select(['actor', 'before', 'after']).where('action', '=', 'partner.updated').execute();
    expect(audit).toEqual([{ actor: w.jane.id, before: JSON.stringify({ payoutEmail: null }), after: JSON.stringify({ payoutEmail: 'jane.paypal@example.com' }) }]);
    expect((await jane.agent.get(`${portal}/payouts`)).text).toContain('Payouts go to <strong>jane.paypal@example.com</strong>');
    await jane.submit(`${portal}/settings`, { payoutEmail: '' }, `${portal}/settings`);
    expect((await w.t.db.kysely.selectFrom('partners').select('payoutEmail').where('id', '=', w.jane.id).executeTakeFirstOrThrow()).payoutEmail).toBeNull();
  });
});
