import { payoutWorld, type PayoutWorld } from '../helpers/payouts';
import { settle } from '../helpers/app';
import { apiAs, createApiKey } from '../helpers/api';
import { setProgram } from '../helpers/partners';
import { chartLines, FIREFOX, SAFARI, SLACKBOT, sell, tableRows, textOf, visit } from '../helpers/dashboard';
import type { Partner } from '../../db/tables/partners';

let w: PayoutWorld;
let bob: Partner;

/**
 * Jane and Bob over a week (program time zone UTC, test mode):
 * - 11-20: Jane's link gets visitor A twice (the second within 30 minutes: a repeat), a Slack preview (a
 *   bot) and visitor B; Bob's link gets visitor C. Counted: 3 clicks.
 * - 11-21: Jane sells $100.00 and Bob $20.00 with no holding period (approved at once).
 * - 11-22: Jane sells €50.00 with the 30-day holding period (pending).
 * - 11-23: a lead for Jane through the API.
 * - 11-24: a payout run pays Jane's $20.00 (marked paid) and holds Bob's $4.00 (processing).
 */
async function seed() {
  w = await payoutWorld();
  const { t } = w;
  bob = await w.partner('Bob');
  await setProgram(t, w.m.merchantId, { destinationUrl: 'https://shop.example.com/' });
  await w.setProgram({ holdingDays: 0, minPayout: 0 });

  t.clock.set('2026-11-20T10:00:00Z');
  await visit(t, w.jane, { ip: '203.0.113.1', ua: FIREFOX });
  t.clock.set('2026-11-20T10:05:00Z');
  await visit(t, w.jane, { ip: '203.0.113.1', ua: FIREFOX });
  await visit(t, w.jane, { ip: '203.0.113.9', ua: SLACKBOT });
  await visit(t, w.jane, { ip: '203.0.113.2', ua: SAFARI });
  await visit(t, bob, { ip: '203.0.113.3', ua: FIREFOX });

  t.clock.set('2026-11-21T09:00:00Z');
  await sell(w, w.jane, 10_000, 'usd', 'cus_jane1');
  await sell(w, bob, 2_000, 'usd', 'cus_bob1');

  t.clock.set('2026-11-22T15:00:00Z');
  await w.setProgram({ holdingDays: 30 });
  await sell(w, w.jane, 5_000, 'eur', 'cus_jane2');

  t.clock.set('2026-11-23T08:00:00Z');
  const key = await createApiKey(w.m, { mode: 'test' });
  const lead = await apiAs(t, key).post('/api/v1/track/lead', { clickId: 'jane', customerExternalId: 'lead_1' });
  expect(lead.status).toBe(200);

  t.clock.set('2026-11-24T10:00:00Z');
  const payouts = await w.run();
  const janePayout = await t.db.kysely.selectFrom('payouts').select('id').where('id', 'in', payouts).where('partnerId', '=', w.jane.id).executeTakeFirstOrThrow();
  await w.markPaid(janePayout.id);

  t.clock.set('2026-11-25T12:00:00Z');
  await settle(t);
}

beforeAll(seed);
afterAll(() => w.close());

describe('the overview of a period', () => {
  it('shows exact clicks, leads, customers, sales, revenue, and commissions owed and paid per currency', async () => {
    const page = await w.m.browser.agent.get('/dashboard?period=7');
    expect(page.status).toBe(200);
    expect(page.text).toContain('2026-11-19 to 2026-11-25 (UTC) · test mode');
    expect([textOf(page.text, 'kpi-clicks'), textOf(page.text, 'kpi-leads'), textOf(page.text, 'kpi-customers')]).toEqual(['3', '1', '4']);
    expect(tableRows(page.text, 'per-currency')).toEqual([
      ['Currency', 'Sales', 'Revenue', 'Commissions owed', 'Commissions paid'],
      ['USD', '2', '$120.00', '$4.00', '$20.00'],
      ['EUR', '1', '€50.00', '€10.00', '€0.00'],
    ]);
  });

  it('draws the daily series as SVG, one point per day, with a table of the same numbers', async () => {
    const page = await w.m.browser.agent.get('/dashboard?period=7');
    expect(chartLines(page.text, 'chart-traffic')).toEqual({ Clicks: 7, Sales: 7 });
    expect(chartLines(page.text, 'chart-money-usd')).toEqual({ Revenue: 7, Commissions: 7 });
    expect(chartLines(page.text, 'chart-money-eur')).toEqual({ Revenue: 7, Commissions: 7 });
    expect(page.text).toContain('<title id="chart-traffic-title">Clicks and sales per day</title>');
    expect(tableRows(page.text, 'daily-table')).toEqual([
      ['Day', 'Clicks', 'Sales', 'Revenue (USD)', 'Revenue (EUR)', 'Commissions (USD)', 'Commissions (EUR)'],
      ['2026-11-19', '0', '0', '$0.00', '€0.00', '$0.00', '€0.00'],
      ['2026-11-20', '3', '0', '$0.00', '€0.00', '$0.00', '€0.00'],
      ['2026-11-21', '0', '2', '$120.00', '€0.00', '$24.00', '€0.00'],
      ['2026-11-22', '0', '1', '$0.00', '€50.00', '$0.00', '€10.00'],
      ['2026-11-23', '0', '0', '$0.00', '€0.00', '$0.00', '€0.00'],
      ['2026-11-24', '0', '0', '$0.00', '€0.00', '$0.00', '€0.00'],
      ['2026-11-25', '0', '0', '$0.00', '€0.00', '$0.00', '€0.00'],
    ]);
  });

  it('lists the top partners by earnings in the program currency', async () => {
    const page = await w.m.browser.agent.get('/dashboard?period=7');
    expect(tableRows(page.text, 'top-partners')).toEqual([
      ['Partner', 'Clicks', 'Customers', 'Sales', 'Revenue', 'Commissions'],
      ['Jane Smith', '2', '3', '2', '$100.00 · €50.00', '$20.00 · €10.00'],
      ['Bob', '1', '1', '1', '$20.00', '$4.00'],
    ]);
  });

  it('counts only what falls inside the period, and nothing of the other mode but the clicks', async () => {
    const custom = await w.m.browser.agent.get('/dashboard?period=custom&from=2026-11-22&to=2026-11-23');
    expect(tableRows(custom.text, 'per-currency').slice(1)).toEqual([['EUR', '1', '€50.00', '€10.00', '€0.00']]);
    expect([textOf(custom.text, 'kpi-clicks'), textOf(custom.text, 'kpi-leads'), textOf(custom.text, 'kpi-customers')]).toEqual(['0', '1', '2']);
    const live = await w.m.browser.agent.get('/dashboard?period=7&mode=live');
    expect([textOf(live.text, 'kpi-clicks'), textOf(live.text, 'kpi-customers')]).toEqual(['3', '0']);
    expect(live.text).toContain('No referred sales in this period.');
    const bad = await w.m.browser.agent.get('/dashboard?period=custom&from=2026-11-23&to=2026-11-22');
    expect(bad.text).toContain('The first day must not be after the last day.');
  });
});
