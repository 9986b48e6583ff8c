import { payoutWorld, type PayoutWorld } from '../helpers/payouts';
import { browser } from '../helpers/app';
import { setProgram } from '../helpers/partners';
import { FIREFOX, parseCsv, sell, tableRows, visit } from '../helpers/dashboard';
import { build } from '../fake-stripe';
import { formatMoney, parseMajor } from '../../server/lib/money';
import type { Partner } from '../../db/tables/partners';

let w: PayoutWorld;
let eve: Partner;

beforeAll(async () => {
  w = await payoutWorld();
  await setProgram(w.t, w.m.merchantId, { destinationUrl: 'https://shop.example.com/' });
  await w.setProgram({ holdingDays: 0, minPayout: 0 });
  // A name a spreadsheet would run as a formula: exported with a leading quote.
  eve = await w.partner('=HYPERLINK("x")', 'eve@partners.test');
  w.t.clock.set('2026-11-22T10:00:00Z');
  await visit(w.t, w.jane, { ip: '203.0.113.5', ua: FIREFOX });
  await sell(w, w.jane, 10_000, 'usd', 'cus_x1');
  await sell(w, eve, 2_500, 'usd', 'cus_x2');
  await sell(w, w.jane, 7_000, 'eur', 'cus_x3');
  const stray = build.checkoutSession({ client_reference_id: 'nobody-here', amount_total: 900 });
  w.t.fake.put(w.account, build.paymentIntent({ id: stray.payment_intent as string }));
  await w.send(build.event('checkout.session.completed', stray, { account: w.account }));
  await browser(w.t).submit(`/apply/${w.m.publicId}`, { name: 'Ana Applicant', email: 'ana@applicants.test', company: '', website: '', reason: 'I blog' });
  w.t.clock.set('2026-11-24T10:00:00Z');
  await w.run();
  w.t.clock.set('2026-11-25T12:00:00Z');
});
afterAll(() => w.close());

const get = (path: string) => w.m.browser.agent.get(path);
const money = (major: string, currency: string) => formatMoney(parseMajor(major, currency)!, currency);

describe('CSV exports of the lists', () => {
  it('partners: the page’s rows, every page, with formulas defused', async () => {
    const [page, file] = await Promise.all([get('/partners'), get('/partners.csv')]);
    expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(file.headers['content-disposition']).toBe('attachment; filename="partners-2026-11-25.csv"');
    expect(page.text).toContain('href="/partners.csv"');
    const rows = parseCsv(file.text);
    expect(rows.map((r) => [r.name!.replace(/^'(?=[=+\-@])/, ''), r.email, r.code, r.status, r.created_at!.slice(0, 10)])).toEqual(tableRows(page.text).slice(1));
    expect(rows.find((r) => r.id === eve.id)?.name).toBe(`'=HYPERLINK("x")`);
  });

  it('commissions and unattributed sales: the same rows and amounts as their pages', async () => {
    const [page, file] = await Promise.all([get('/commissions'), get('/commissions.csv')]);
    const rows = parseCsv(file.text);
    const shown = tableRows(page.text).slice(1);
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => [r.occurred_at!.slice(0, 10), r.partner!.replace(/^'/, ''), money(r.amount!, r.currency!), money(r.fee!, r.currency!), money(r.net!, r.currency!), r.status])).toEqual(
      shown.map((c) => [c[0], c[1], c[3], c[4], c[5], c[6]]),
    );
    const ids = [...page.text.matchAll(/href="\/commissions\/(com_\w+)"/g)].map((m) => m[1]);
    expect(rows.map((r) => r.id)).toEqual(ids);

    const unattributed = parseCsv((await get('/unattributed.csv')).text);
    expect(unattributed.map((r) => [r.amount, r.currency, r.reason])).toEqual([['9.00', 'usd', 'unknown_code']]);
  });

  it('payouts, applications and Stripe events', async () => {
    const payouts = parseCsv((await get('/payouts.csv')).text);
    const stored = await w.t.db.kysely.selectFrom('payouts').select(['id', 'amount', 'partnerId']).where('merchantId', '=', w.m.merchantId).orderBy('partnerId').execute();
    expect(payouts.map((p) => [p.id, p.amount, p.currency, p.status]).sort()).toEqual(stored.map((p) => [p.id, (p.amount / 100).toFixed(2), 'usd', 'processing']).sort());

    const applications = parseCsv((await get('/applications.csv')).text);
    expect(applications.map((a) => [a.name, a.email, a.status])).toEqual([['Ana Applicant', 'ana@applicants.test', 'pending']]);

    const [eventsPage, eventsFile] = await Promise.all([get('/events'), get('/events.csv?type=checkout.session.completed')]);
    const events = parseCsv(eventsFile.text);
    expect(events).toHaveLength(4);
    expect(events.every((e) => e.type === 'checkout.session.completed' && e.status === 'processed')).toBe(true);
    expect(eventsPage.text).toContain('href="/events.csv"');
  });

  it('partner performance: sortable by earnings, and the file matches the page', async () => {
    const page = await get('/dashboard/partners?period=7&sort=earnings');
    const shown = tableRows(page.text, 'performance');
    expect(shown.map((r) => r.slice(0, 6))).toEqual([
      ['Partner', 'Clicks', 'Customers', 'Sales', 'Revenue', 'Earnings ↓'],
      ['Jane Smith active', '1', '2', '2', '$100.00 · €70.00', '$20.00 · €14.00'],
      ['=HYPERLINK("x") active', '0', '1', '1', '$25.00', '$5.00'],
    ]);
    const byClicks = tableRows((await get('/dashboard/partners?period=7&sort=clicks')).text, 'performance');
    expect(byClicks.slice(1).map((r) => r[0])).toEqual(['Jane Smith active', '=HYPERLINK("x") active']);
    const file = parseCsv((await get('/dashboard/partners.csv?period=7&sort=earnings')).text);
    expect(file.map((r) => [r.partner_id, r.clicks, r.customers, r.sales, r.revenue_usd, r.earnings_usd, r.revenue_eur, r.earnings_eur])).toEqual([
      [w.jane.id, '1', '2', '2', '100.00', '20.00', '70.00', '14.00'],
      [eve.id, '0', '1', '1', '25.00', '5.00', '0.00', '0.00'],
    ]);
    const daily = parseCsv((await get('/dashboard/daily.csv?period=7')).text);
    expect(daily.find((d) => d.day === '2026-11-22')).toEqual({ day: '2026-11-22', clicks: '1', sales: '3', revenue_usd: '125.00', commissions_usd: '25.00', revenue_eur: '70.00', commissions_eur: '14.00' });
  });
});
