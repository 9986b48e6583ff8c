import { parse } from 'csv-parse/sync';
import { signUpMerchant } from '../helpers/app';
import { DAY, payoutWorld, type PayoutWorld } from '../helpers/payouts';

let w: PayoutWorld;
beforeEach(async () => {
  w = await payoutWorld();
});
afterEach(() => w.close());

/** Setup writes entries of its own (partner created, Stripe connected); these come a day later. */
async function moneyMoves() {
  w.t.clock.advance(DAY);
  const { creditId } = await w.sell(30_000);
  await w.m.browser.submit('/payouts/rates', { mode: 'test', fromCurrency: 'eur', toCurrency: 'usd', effectiveOn: '2026-11-01', rate: '1.08' }, '/payouts/rates?mode=test');
  w.t.clock.advance(DAY);
  await w.m.browser.submit('/commissions/actions', { action: 'hold', ids: creditId, reason: 'Looks odd', back: '/payouts/commissions' }, '/payouts/commissions?mode=test');
  w.t.clock.advance(DAY);
  await w.m.browser.submit('/commissions/actions', { action: 'release', ids: creditId, back: '/payouts/commissions' }, '/payouts/commissions?mode=test');
  w.t.clock.advance(31 * DAY);
  const [payoutId] = await w.run();
  w.t.clock.advance(DAY);
  await w.markPaid(payoutId!, 'BANK-REF-7');
  return { creditId, payoutId: payoutId! };
}

describe('the audit trail', () => {
  it('shows who did what, when, with before and after, newest first', async () => {
    const { creditId, payoutId } = await moneyMoves();
    const res = await w.m.browser.agent.get('/audit');
    expect(res.status).toBe(200);
    const actions = [...res.text.matchAll(/<td>([a-z_]+\.[a-z_]+)<\/td>/g)].map((m) => m[1]);
    expect(actions.slice(0, 5)).toEqual(['payout.paid', 'payout_run.created', 'commission.released', 'commission.held', 'exchange_rate.set']);
    expect(res.text).toContain(w.m.email.toLowerCase());
    expect(res.text).toContain(creditId);
    expect(res.text).toContain(payoutId);
    expect(res.text).toContain('BANK-REF-7');
  });

  it('filters by action, family, who, subject and dates', async () => {
    const { creditId } = await moneyMoves();
    const only = async (query: string) => [...(await w.m.browser.agent.get(`/audit?${query}`)).text.matchAll(/<td>([a-z_]+\.[a-z_]+)<\/td>/g)].map((m) => m[1]);
    expect(await only('action=payout.paid')).toEqual(['payout.paid']);
    expect(await only('action=commission.')).toEqual(['commission.released', 'commission.held']);
    expect(await only(`subject=${creditId}`)).toEqual(['commission.released', 'commission.held']);
    expect(await only(`actor=${w.m.userId}&from=2026-11-27&to=2026-11-27`)).toEqual(['commission.held']);
    expect(await only('actor=system')).toEqual(['partner.created']);
  });

  it('exports the filtered entries as CSV, and never another merchant’s', async () => {
    await moneyMoves();
    const other = await signUpMerchant(w.t);
    await other.browser.submit('/payouts/rates', { fromCurrency: 'gbp', toCurrency: 'usd', effectiveOn: '2026-11-01', rate: '1.27' }, '/payouts/rates');

    const res = await w.m.browser.agent.get('/audit.csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.action).slice(0, 5)).toEqual(['payout.paid', 'payout_run.created', 'commission.released', 'commission.held', 'exchange_rate.set']);
    expect(rows.map((r) => r.action).slice(5).sort()).toEqual(['partner.created', 'stripe.connected']);
    const paid = rows[0]!;
    expect(paid).toMatchObject({ actor: w.m.userId, subject_type: 'payout' });
    expect(JSON.parse(paid.before!)).toEqual({ status: 'processing', amount: 6000, currency: 'usd' });
    expect(JSON.parse(paid.after!)).toMatchObject({ status: 'paid', paidOn: '2026-12-30', externalReference: 'BANK-REF-7' });
    const rate = rows[4]!;
    expect(JSON.parse(rate.after!)).toEqual({ pair: 'eur/usd', effectiveOn: '2026-11-01', rate: '1.08' });

    const filtered = parse((await w.m.browser.agent.get('/audit.csv?action=payout_run.created')).text, { columns: true }) as Record<string, string>[];
    expect(filtered).toHaveLength(1);
    const theirs = parse((await other.browser.agent.get('/audit.csv')).text, { columns: true }) as Record<string, string>[];
    expect(theirs.map((r) => r.action)).toEqual(['exchange_rate.set']);
  });
});
