import { buildTestApp, browser, signUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner } from '../helpers/partners';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

const partners = (merchantId: string) => t.db.kysely.selectFrom('partners').selectAll().where('merchantId', '=', merchantId).orderBy('createdAt').execute();
const auditOf = (subjectId: string) => t.db.kysely.selectFrom('auditLog').selectAll().where('subjectId', '=', subjectId).orderBy('createdAt').orderBy('id').execute();

describe('creating a partner', () => {
  it('generates a code from the name, activates the partner and gives it a default link', async () => {
    const m = await signUpMerchant(t);
    const res = await m.browser.submit('/partners', { name: 'Jane Smith', email: 'Jane@Example.com', code: '', status: 'active', overrideType: '', overrideValue: '', payoutEmail: '' }, '/partners/new');
    expect(res.status).toBe(303);
    const [p] = await partners(m.merchantId);
    expect(p).toMatchObject({ name: 'Jane Smith', email: 'jane@example.com', status: 'active', commissionOverrideType: null, commissionOverrideValue: null, payoutEmail: null, createdAt: '2026-11-25T12:00:00.000Z', activatedAt: '2026-11-25T12:00:00.000Z' });
    expect(p!.code).toMatch(/^jane-smith-[a-z0-9]{4}$/);
    expect(p!.id).toMatch(/^aff_[A-Za-z0-9]{20}$/);
    expect(res.headers.location).toBe(`/partners/${p!.id}`);
    const links = await t.db.kysely.selectFrom('links').selectAll().where('partnerId', '=', p!.id).execute();
    expect(links).toEqual([expect.objectContaining({ slug: p!.code, destinationUrl: null, isDefault: 1, disabledAt: null, merchantId: m.merchantId })]);
    const page = await m.browser.agent.get(res.headers.location!);
    expect(page.text).toContain(`http://refcut.test/r/${p!.code}`);
    expect(page.text).toContain('added with code');
  });

  it('keeps a chosen code and stores a percentage or flat override in canonical units', async () => {
    const m = await signUpMerchant(t);
    await m.browser.submit('/partners', { name: 'Ana', email: 'ana@example.com', code: 'ANA-2026', status: 'pending', overrideType: 'percent', overrideValue: '12.5', payoutEmail: 'pay@ana.test' }, '/partners/new');
    await m.browser.submit('/partners', { name: 'Bo', email: 'bo@example.com', code: 'bob', status: 'active', overrideType: 'flat', overrideValue: '7.50', payoutEmail: '' }, '/partners/new');
    const rows = (await partners(m.merchantId)).sort((x, y) => x.code.localeCompare(y.code));
    expect(rows.map((p) => [p.code, p.status, p.commissionOverrideType, p.commissionOverrideValue, p.payoutEmail, p.activatedAt])).toEqual([
      ['ana-2026', 'pending', 'percent', 1250, 'pay@ana.test', null],
      ['bob', 'active', 'flat', 750, null, '2026-11-25T12:00:00.000Z'],
    ]);
  });

  it('refuses a duplicate code or email within the merchant with a message next to the field', async () => {
    const m = await signUpMerchant(t);
    await buildPartner(t.db.kysely, m.merchantId, { name: 'First', email: 'first@example.com', code: 'taken' });
    const dupCode = await m.browser.submit('/partners', { name: 'Second', email: 'second@example.com', code: 'taken' }, '/partners/new');
    expect(dupCode.status).toBe(409);
    expect(dupCode.text).toContain('Another partner of this program already uses this code.');
    const dupEmail = await m.browser.submit('/partners', { name: 'Third', email: 'FIRST@example.com', code: '' }, '/partners/new');
    expect(dupEmail.status).toBe(409);
    expect(dupEmail.text).toContain('Another partner of this program already uses this email.');
    expect(await partners(m.merchantId)).toHaveLength(1);
  });

  it('lets the same person (email) and code be a partner of two merchants', async () => {
    const a = await signUpMerchant(t);
    const b = await signUpMerchant(t);
    const pa = await buildPartner(t.db.kysely, a.merchantId, { email: 'same@example.com', code: 'same-code' });
    const pb = await buildPartner(t.db.kysely, b.merchantId, { email: 'same@example.com', code: 'same-code' });
    expect(pa.code).toBe(pb.code);
    // Slugs are global: the second merchant's default link gets a suffix.
    const slugs = await t.db.kysely.selectFrom('links').select('slug').orderBy('createdAt').orderBy('slug').execute();
    expect(slugs.map((s) => s.slug)).toContain('same-code');
    expect(slugs.map((s) => s.slug).find((s) => s !== 'same-code')).toMatch(/^same-code-[a-z0-9]{4}$/);
  });

  it('explains invalid input field by field and creates nothing', async () => {
    const m = await signUpMerchant(t);
    const res = await m.browser.submit('/partners', { name: '', email: 'nope', code: 'Bad Code!', overrideType: 'percent', overrideValue: '150', payoutEmail: 'x' }, '/partners/new');
    expect(res.status).toBe(400);
    for (const msg of ['Enter a name.', 'Enter a valid email address.', 'Use 3–40 lower-case letters, digits or hyphens.', 'Enter a percentage above 0 and at most 100', 'Enter a valid payout email.']) {
      expect(res.text).toContain(msg);
    }
    expect(await partners(m.merchantId)).toHaveLength(0);
  });

  it('is refused to read-only members', async () => {
    const m = await signUpMerchant(t);
    await t.db.kysely.updateTable('memberships').set({ role: 'read_only' }).where('userId', '=', m.userId).execute();
    const res = await m.browser.submit('/partners', { name: 'X', email: 'x@example.com' }, '/partners');
    expect(res.status).toBe(403);
    expect(await partners(m.merchantId)).toHaveLength(0);
  });
});

describe('editing a partner', () => {
  it('changes the override and payout email, recording the override change in the audit log', async () => {
    const m = await signUpMerchant(t);
    const p = await buildPartner(t.db.kysely, m.merchantId, { name: 'Jo', email: 'jo@example.com', code: 'jo-code' });
    const edit = await m.browser.agent.get(`/partners/${p.id}/edit`);
    expect(edit.text).toContain('value="jo-code"');
    const res = await m.browser.submit(`/partners/${p.id}`, { name: 'Jo', email: 'jo@example.com', code: 'jo-code', overrideType: 'flat', overrideValue: '12.00', payoutEmail: 'paypal@jo.test' }, `/partners/${p.id}/edit`);
    expect(res.status).toBe(303);
    const row = await t.db.kysely.selectFrom('partners').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ commissionOverrideType: 'flat', commissionOverrideValue: 1200, payoutEmail: 'paypal@jo.test', code: 'jo-code' });
    const entries = await auditOf(p.id);
    expect(entries.map((e) => e.action).sort()).toEqual(['partner.created', 'partner.override_changed', 'partner.updated']);
    const override = entries.find((e) => e.action === 'partner.override_changed')!;
    expect(JSON.parse(override.before!)).toEqual({ commissionOverride: null });
    expect(JSON.parse(override.after!)).toEqual({ commissionOverride: { type: 'flat', value: 1200 } });
    expect(override.actor).toBe(m.userId);
    expect(JSON.parse(entries.find((e) => e.action === 'partner.updated')!.after!)).toEqual({ payoutEmail: 'paypal@jo.test' });
    expect((await m.browser.agent.get(`/partners/${p.id}`)).text).toContain('$12.00 per sale');
  });
});

describe('pausing, banning and re-activating', () => {
  it('changes the status with a reason and audits every change', async () => {
    const m = await signUpMerchant(t);
    const p = await buildPartner(t.db.kysely, m.merchantId);
    const status = async (s: string, reason = '') => (await m.browser.submit(`/partners/${p.id}/status`, { status: s, reason }, `/partners/${p.id}`)).status;
    expect(await status('paused', 'Spamming forums')).toBe(303);
    let row = await t.db.kysely.selectFrom('partners').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect([row.status, row.statusReason]).toEqual(['paused', 'Spamming forums']);
    t.clock.advanceDays(1);
    expect(await status('banned', 'Fraud')).toBe(303);
    t.clock.advanceDays(1);
    expect(await status('active')).toBe(303);
    row = await t.db.kysely.selectFrom('partners').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect([row.status, row.statusReason, row.activatedAt]).toEqual(['active', null, '2026-11-25T12:00:00.000Z']);
    const changes = (await auditOf(p.id)).filter((e) => e.action === 'partner.status_changed');
    expect(changes.map((e) => [JSON.parse(e.before!).status, JSON.parse(e.after!).status, JSON.parse(e.after!).statusReason])).toEqual([
      ['active', 'paused', 'Spamming forums'],
      ['paused', 'banned', 'Fraud'],
      ['banned', 'active', null],
    ]);
    expect(await status('deleted')).toBe(400);
  });
});

describe('the partners list', () => {
  it('searches name, email and code, filters by status and paginates on the server', async () => {
    const m = await signUpMerchant(t);
    for (let i = 0; i < 27; i++) {
      t.clock.advance(1000);
      await buildPartner(t.db.kysely, m.merchantId, { name: `Member ${String(i).padStart(2, '0')}`, email: `m${i}@list.test`, code: `member-${i}`, clock: t.clock });
    }
    await buildPartner(t.db.kysely, m.merchantId, { name: 'Zoë 100%_Real', email: 'zoe@other.test', code: 'zoe', status: 'pending' });
    const page1 = await m.browser.agent.get('/partners');
    expect(page1.text).toContain('Page 1 of 2 · 28 in total');
    expect(page1.text).toContain('Member 26');
    expect(page1.text).not.toContain('Member 00');
    const page2 = await m.browser.agent.get('/partners?page=2');
    expect(page2.text).toContain('Member 00');
    expect((await m.browser.agent.get('/partners?search=ZOE')).text).toContain('zoe@other.test');
    const literal = await m.browser.agent.get(`/partners?search=${encodeURIComponent('100%_')}`);
    expect(literal.text).toContain('zoe@other.test');
    expect(literal.text).not.toContain('m1@list.test');
    const pending = await m.browser.agent.get('/partners?status=pending');
    expect(pending.text).toContain('zoe@other.test');
    expect(pending.text).not.toContain('list.test');
    expect((await m.browser.agent.get('/partners?search=member-1')).text).toContain('11 in total');
  });

  it('sends logged-out visitors to the login page', async () => {
    const res = await browser(t).agent.get('/partners');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fpartners');
  });
});
