import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { browser, settle, signUpMerchant, type SignedUpMerchant } from '../helpers/app';
import { buildPartner, setProgram } from '../helpers/partners';
import { FIREFOX, sell, visit } from '../helpers/dashboard';
import { build } from '../fake-stripe';
import { LAG_MS } from '../../server/dashboard/rollup';
import type { Partner } from '../../db/tables/partners';

let w: LedgerWorld;
let alpha: Partner;
let b: SignedUpMerchant;

/** Pages and files this feature adds; each must show merchant B nothing of merchant A. */
const PAGES = [
  '/dashboard',
  '/dashboard?period=90&mode=test',
  '/dashboard/partners?mode=test',
  '/dashboard/partners.csv?mode=test',
  '/dashboard/daily.csv?mode=test',
  '/dashboard/integration?mode=test',
  '/customers?mode=test',
  '/customers.csv?mode=test',
  '/notifications',
  '/settings/notifications',
  '/partners.csv',
  '/applications.csv',
  '/commissions.csv?mode=test',
  '/unattributed.csv?mode=test',
  '/payouts.csv?mode=test',
  '/events.csv',
];

beforeAll(async () => {
  w = await ledgerWorld();
  await setProgram(w.t, w.m.merchantId, { destinationUrl: 'https://alpha.example.com/' });
  alpha = await buildPartner(w.t.db.kysely, w.m.merchantId, { name: 'Alphonse Secretpartner', email: 'alphonse@alpha.test', code: 'alphonse' });
  w.t.clock.set('2026-11-23T10:00:00Z');
  await visit(w.t, alpha, { ip: '203.0.113.77', ua: FIREFOX });
  const sub = build.subscription({ id: 'sub_alpha1', customer: 'cus_alpha1' });
  w.t.fake.put(w.account, sub);
  await w.send(build.event('customer.subscription.created', sub, { account: w.account }));
  await sell(w, alpha, 77_700, 'usd', 'cus_alpha1');
  await browser(w.t).submit(`/apply/${w.m.publicId}`, { name: 'Alpha Applicant', email: 'applicant@alpha.test', company: '', website: '', reason: '' });
  w.t.clock.set('2026-11-25T12:00:00Z');
  w.t.clock.advance(LAG_MS * 2);
  await settle(w.t);
  b = await signUpMerchant(w.t, { name: 'Beta Shop' });
});
afterAll(() => w.close());

describe('tenant isolation of the dashboard, customers, exports and notifications', () => {
  it('shows merchant A its own numbers (the scenario is real)', async () => {
    const page = await w.m.browser.agent.get('/dashboard/partners?mode=test');
    expect(page.text).toContain('Alphonse Secretpartner');
    expect(page.text).toContain('$777.00');
    expect((await w.m.browser.agent.get('/customers?mode=test')).text).toContain('cus_alpha1');
    expect((await w.m.browser.agent.get('/notifications')).text).toContain('applicant@alpha.test');
  });

  it.each(PAGES)('never shows merchant B anything of merchant A on %s', async (path) => {
    const res = await b.browser.agent.get(path);
    expect(res.status).toBe(200);
    for (const secret of ['Alphonse', 'alphonse', alpha.id, 'cus_alpha1', 'sub_alpha1', '777.00', '77700', 'applicant@alpha.test', 'Alpha Applicant', w.m.publicId]) {
      expect(res.text).not.toContain(secret);
    }
    // A bare 777 (a chart point, a count) but not inside a random token such as the CSRF value or a test email's timestamp.
    expect(res.text).not.toMatch(/(?<![0-9a-zA-Z])777(?![0-9a-zA-Z])/);
  });

  it('ignores merchant A’s ids in merchant B’s filters, and B’s switches never change A’s', async () => {
    const filtered = await b.browser.agent.get(`/customers.csv?mode=test&partner=${alpha.id}`);
    expect(filtered.text.trim().split('\n')).toHaveLength(1);
    const saved = await b.browser.submit('/settings/notifications', {}, '/settings/notifications');
    expect(saved.status).toBe(303);
    const rows = await w.t.db.kysely.selectFrom('notificationSettings').select(['merchantId', 'partnerCommissionEarned']).execute();
    expect(rows).toEqual([{ merchantId: b.merchantId, partnerCommissionEarned: 0 }]);
  });

  it('declares every route of the feature for logged-in members (editors to change settings)', () => {
    const mine = w.t.app.routes.filter((r) => PAGES.some((p) => p.split('?')[0] === r.path) || r.path === '/settings/notifications');
    expect(mine.map((r) => `${r.method} ${r.path} ${r.access}`).sort()).toEqual(
      [...new Set(PAGES.map((p) => p.split('?')[0]))].map((p) => `get ${p} member`).concat('post /settings/notifications editor').sort(),
    );
  });
});
