import { buildTestApp, type TestApp } from '../helpers/app';
import { apiProgram, type ApiProgram } from '../helpers/api-program';

let t: TestApp;
let p: ApiProgram;
beforeEach(async () => {
  t = await buildTestApp();
  p = await apiProgram(t);
});
afterEach(() => t.close());

const apply = (body: Record<string, unknown>) => p.live.post('/api/v1/affiliates/apply', body);
const outbox = () => t.db.kysely.selectFrom('outboxEvents').select(['type', 'livemode', 'data']).where('merchantId', '=', p.m.merchantId).orderBy('createdAt').execute();

describe('POST /api/v1/affiliates/apply', () => {
  it('records a pending application and answers 201 { id, status }', async () => {
    const res = await apply({ email: 'Ada@Example.com', name: 'Ada', company: 'Analytical Engines', website: 'https://ada.example', reason: 'I write about maths.' });
    expect([res.status, res.body]).toEqual([201, { id: expect.stringMatching(/^app_/), status: 'pending' }]);
    const row = await t.db.kysely.selectFrom('applications').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ merchantId: p.m.merchantId, email: 'ada@example.com', name: 'Ada', company: 'Analytical Engines', website: 'https://ada.example', reason: 'I write about maths.', status: 'pending' });
  });

  it('answers 409 duplicate_application for an email that already applied, and 400 naming bad fields', async () => {
    await apply({ email: 'ada@example.com', name: 'Ada' });
    const again = await apply({ email: 'ADA@example.com', name: 'Ada again' });
    expect([again.status, again.body.error.code, again.body.error.param]).toEqual([409, 'duplicate_application', 'email']);
    const unknown = await apply({ email: 'bo@example.com', name: 'Bo', phone: '123' });
    expect([unknown.status, unknown.body.error.param]).toEqual([400, 'phone']);
    const website = await apply({ email: 'bo@example.com', name: 'Bo', website: 'javascript:alert(1)' });
    expect([website.status, website.body.error.param]).toEqual([400, 'website']);
    expect(await t.db.kysely.selectFrom('applications').select('email').execute()).toEqual([{ email: 'ada@example.com' }]);
  });
});

describe('GET /api/v1/affiliates/apply/status', () => {
  it('tells whether an email applied, and the reason of a rejection', async () => {
    expect((await p.live.get('/api/v1/affiliates/apply/status?email=ada@example.com')).body).toEqual({ applied: false });
    const { body } = await apply({ email: 'ada@example.com', name: 'Ada' });
    expect((await p.live.get('/api/v1/affiliates/apply/status?email=ADA@example.com')).body).toEqual({ applied: true, status: 'pending' });
    await p.live.post(`/api/v1/applications/${body.id}/review`, { action: 'reject', rejectionReason: 'Not a fit for now.' });
    expect((await p.live.get('/api/v1/affiliates/apply/status?email=ada@example.com')).body).toEqual({ applied: true, status: 'rejected', rejectionReason: 'Not a fit for now.' });
    const missing = await p.live.get('/api/v1/affiliates/apply/status');
    expect([missing.status, missing.body.error.param]).toEqual([400, 'email']);
  });
});

describe('GET /api/v1/applications', () => {
  it('lists applications newest first, filtered by status, paged', async () => {
    for (const [i, email] of ['a@example.com', 'b@example.com', 'c@example.com'].entries()) {
      t.clock.advance(1000 * (i + 1));
      await apply({ email, name: email[0]!.toUpperCase() });
    }
    const all = await p.live.get('/api/v1/applications?limit=2');
    expect([all.body.total, all.body.page, all.body.limit, all.body.data.map((a: { email: string }) => a.email)]).toEqual([3, 1, 2, ['c@example.com', 'b@example.com']]);
    expect(all.body.data[0]).toEqual({
      id: expect.stringMatching(/^app_/),
      email: 'c@example.com',
      name: 'C',
      company: null,
      website: null,
      reason: null,
      status: 'pending',
      rejectionReason: null,
      affiliateId: null,
      createdAt: '2026-11-25T12:00:06.000Z',
      decidedAt: null,
    });
    await p.live.post(`/api/v1/applications/${all.body.data[1].id}/review`, { action: 'approve' });
    const approved = await p.live.get('/api/v1/applications?status=approved');
    expect(approved.body.data.map((a: { email: string }) => a.email)).toEqual(['b@example.com']);
    expect((await p.live.get('/api/v1/applications?page=3&limit=2')).body.data).toEqual([]);
    const bad = await p.live.get('/api/v1/applications?limit=500');
    expect([bad.status, bad.body.error.param]).toEqual([400, 'limit']);
  });
});

describe('POST /api/v1/applications/:id/review', () => {
  it('approves: creates the active affiliate with the chosen code and sends the approved event in the key’s mode', async () => {
    const { body } = await apply({ email: 'ada@example.com', name: 'Ada', reason: 'Maths' });
    const res = await p.test.post(`/api/v1/applications/${body.id}/review`, { action: 'approve', code: 'ada' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      application: expect.objectContaining({ id: body.id, status: 'approved', affiliateId: expect.stringMatching(/^aff_/), decidedAt: '2026-11-25T12:00:00.000Z' }),
      affiliate: { id: res.body.application.affiliateId, code: 'ada' },
    });
    const partner = await p.live.get(`/api/v1/affiliates/${res.body.affiliate.id}`);
    expect(partner.body).toMatchObject({ email: 'ada@example.com', code: 'ada', status: 'active' });
    expect((await outbox()).map((e) => [e.type, e.livemode, JSON.parse(e.data)])).toEqual([
      ['partner_application.approved', 0, { application: { id: body.id, email: 'ada@example.com', name: 'Ada', reason: 'Maths' }, affiliate: { id: res.body.affiliate.id, code: 'ada' } }],
    ]);
    const decidedBy = await t.db.kysely.selectFrom('applications').select('decidedBy').where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(decidedBy.decidedBy).toMatch(/^key_/);
  });

  it('rejects with a reason (live event), and refuses a second decision with 409', async () => {
    const { body } = await apply({ email: 'ada@example.com', name: 'Ada' });
    const res = await p.live.post(`/api/v1/applications/${body.id}/review`, { action: 'reject', rejectionReason: 'Not a fit.' });
    expect([res.status, res.body.application.status, res.body.application.rejectionReason, res.body.affiliate]).toEqual([200, 'rejected', 'Not a fit.', null]);
    expect((await outbox()).map((e) => [e.type, e.livemode])).toEqual([['partner_application.rejected', 1]]);
    const again = await p.live.post(`/api/v1/applications/${body.id}/review`, { action: 'approve' });
    expect([again.status, again.body.error.code]).toEqual([409, 'conflict']);
  });

  it('answers 404 for an unknown application and 400 for a malformed decision', async () => {
    const missing = await p.live.post('/api/v1/applications/app_missing/review', { action: 'approve' });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'application_not_found']);
    const { body } = await apply({ email: 'ada@example.com', name: 'Ada' });
    const noReason = await p.live.post(`/api/v1/applications/${body.id}/review`, { action: 'reject' });
    expect([noReason.status, noReason.body.error.param]).toEqual([400, 'rejectionReason']);
    const action = await p.live.post(`/api/v1/applications/${body.id}/review`, { action: 'maybe' });
    expect([action.status, action.body.error.param]).toEqual([400, 'action']);
    const extra = await p.live.post(`/api/v1/applications/${body.id}/review`, { action: 'approve', reason: 'x' });
    expect([extra.status, extra.body.error.param]).toEqual([400, 'reason']);
    expect((await p.live.get('/api/v1/affiliates/apply/status?email=ada@example.com')).body.status).toBe('pending');
  });
});
