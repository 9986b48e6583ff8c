// Merchant B's API keys against merchant A's ids, on every REST API route in the app's route table:
// B never sees A's data and never changes anything of A's.
import { buildTestApp, type TestApp } from '../helpers/app';
import { apiProgram, type ApiProgram, type Client } from '../helpers/api-program';
import { buildPartner } from '../helpers/partners';
import type { Database } from '../../db/schema';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

const A_TABLES = ['partners', 'links', 'clicks', 'applications', 'referralBindings', 'conversions', 'commissions', 'commissionStatusChanges', 'apiRefunds', 'outboxEvents', 'auditLog'] as const satisfies readonly (keyof Database)[];

/** Every row of A's in the tables the API can touch, to compare before and after. */
async function snapshotOf(merchantId: string) {
  const out: Record<string, unknown[]> = {};
  for (const table of A_TABLES) out[table] = await t.db.kysely.selectFrom(table).selectAll().where('merchantId', '=', merchantId).execute();
  return out;
}

/** Ids of everything A owns: none of them may appear in an answer to B. */
function idsIn(snapshot: Record<string, unknown[]>, extra: string[]): string[] {
  const ids = new Set(extra);
  for (const rows of Object.values(snapshot)) for (const row of rows as { id?: string }[]) if (row.id) ids.add(row.id);
  return [...ids];
}

interface Probe {
  /** Path with A's ids filled in, plus any query. */
  path: string;
  body?: unknown;
  /** The statuses B may get. */
  status: number[];
  check?: (body: any) => void;
}

describe('tenant isolation of the REST API', () => {
  it('answers merchant B’s keys on every api route with 404 or B’s own data, and never writes to merchant A', async () => {
    const a = await apiProgram(t, { name: 'Merchant A' });
    const alpha = await buildPartner(t.db.kysely, a.m.merchantId, { name: 'Alpha', email: 'alpha@a.test', code: 'alpha', clock: t.clock });
    const click = await a.click();
    await a.live.post('/api/v1/track/lead', { clickId: click, customerExternalId: 'user_A' });
    const sale = (await a.live.post('/api/v1/track/sale', { customerExternalId: 'user_A', amount: 5000, invoiceId: 'inv_A' })).body;
    await a.live.post('/api/v1/track/refund', { invoiceId: 'inv_A', amount: 1000, refundId: 're_A' });
    const manual = (await a.live.post('/api/v1/conversions', { affiliateId: alpha.id, amount: 800, externalId: 'ext_A' })).body;
    const application = (await a.live.post('/api/v1/affiliates/apply', { email: 'applicant-a@a.test', name: 'Applicant A' })).body;
    await a.live.post('/api/v1/affiliates/apply', { email: 'second@a.test', name: 'Second A' });
    expect([sale.commission?.amount, manual.commission]).toEqual([1000, 160]);

    const b = await apiProgram(t, { name: 'Merchant B' });
    const before = await snapshotOf(a.m.merchantId);
    const forbidden = idsIn(before, [a.m.merchantId, a.m.publicId, click]);

    const probes: Record<string, Probe[]> = {
      'get /api/v1/program': [{ path: '/api/v1/program', status: [200], check: (body) => expect(body.id).toBe(b.m.publicId) }],
      'get /api/v1/affiliates': [
        // Empty at first; after B adds its own partner with that email (below), only B's.
        { path: '/api/v1/affiliates?email=alpha@a.test', status: [200], check: (body) => expect(body.data.filter((x: { name: string }) => x.name !== 'Alpha B')).toEqual([]) },
        { path: '/api/v1/affiliates', status: [200], check: (body) => expect(body.data.map((x: { id: string }) => x.id)).toContain(b.jane.id) },
      ],
      // A's partner email is free in B's program (201 with the live key; then taken in B: 409 with the test key).
      'post /api/v1/affiliates': [{ path: '/api/v1/affiliates', body: { name: 'Alpha B', email: 'alpha@a.test', code: 'alpha-at-b' }, status: [201, 409] }],
      'get /api/v1/affiliates/by-customer/:customerId': [{ path: '/api/v1/affiliates/by-customer/user_A', status: [200], check: (body) => expect(body).toEqual({ enrolled: false }) }],
      'get /api/v1/affiliates/:id': [{ path: `/api/v1/affiliates/${alpha.id}`, status: [404] }],
      'patch /api/v1/affiliates/:id': [{ path: `/api/v1/affiliates/${alpha.id}`, body: { status: 'banned', commissionOverride: { type: 'percent', value: 10000 } }, status: [404] }],
      'post /api/v1/affiliates/apply': [{ path: '/api/v1/affiliates/apply', body: { email: 'second@a.test', name: 'Second at B' }, status: [201, 409] }],
      'get /api/v1/affiliates/apply/status': [{ path: '/api/v1/affiliates/apply/status?email=applicant-a@a.test', status: [200], check: (body) => expect(body).toEqual({ applied: false }) }],
      'get /api/v1/applications': [{ path: '/api/v1/applications?status=pending', status: [200] }],
      'post /api/v1/applications/:id/review': [
        { path: `/api/v1/applications/${application.id}/review`, body: { action: 'approve', code: 'stolen' }, status: [404] },
        { path: `/api/v1/applications/${application.id}/review`, body: { action: 'reject', rejectionReason: 'x' }, status: [404] },
      ],
      'get /api/v1/conversions': [
        { path: `/api/v1/conversions?affiliateId=${a.jane.id}`, status: [200], check: (body) => expect(body).toEqual({ data: [], page: 1, limit: 50, total: 0 }) },
        { path: '/api/v1/conversions?customerId=user_A', status: [200], check: (body) => expect(body.data).toEqual([]) },
      ],
      'post /api/v1/conversions': [
        { path: '/api/v1/conversions', body: { affiliateId: alpha.id, amount: 100 }, status: [404] },
        { path: '/api/v1/conversions', body: { affiliateId: b.jane.id, amount: 100, externalId: 'ext_A' }, status: [201] },
      ],
      'post /api/v1/track/lead': [
        { path: '/api/v1/track/lead', body: { clickId: click, customerExternalId: 'user_A' }, status: [404] },
        { path: '/api/v1/track/lead', body: { clickId: 'alpha', customerExternalId: 'user_A' }, status: [404] },
      ],
      'post /api/v1/track/sale': [
        // B's own sale: A's invoice id, customer and click mean nothing in B's program.
        { path: '/api/v1/track/sale', body: { customerExternalId: 'user_A', amount: 5000, invoiceId: 'inv_A', clickId: click }, status: [200], check: (body) => expect([body.commission, body.affiliateId]).toEqual([null, null]) },
      ],
      'post /api/v1/track/refund': [
        { path: '/api/v1/track/refund', body: { conversionId: sale.conversionId, amount: 1 }, status: [404] },
        { path: '/api/v1/track/refund', body: { conversionId: manual.id, amount: 1, refundId: 're_A' }, status: [404] },
      ],
    };

    const routes = t.app.routes.filter((r) => r.access === 'api');
    expect(routes.length).toBeGreaterThanOrEqual(Object.keys(probes).length);
    for (const key of [b.live, b.test] as Client[]) {
      for (const r of routes) {
        const name = `${r.method} ${r.path}`;
        // A route added later without a probe still gets one: A's affiliate id in every path parameter, an empty body.
        const list = probes[name] ?? [{ path: r.path.replace(/:[A-Za-z0-9_]+/g, alpha.id), body: r.method === 'get' ? undefined : {}, status: [400, 404] }];
        for (const probe of list) {
          const res = r.method === 'get' ? await key.get(probe.path) : r.method === 'patch' ? await key.patch(probe.path, probe.body) : await key.post(probe.path, probe.body);
          const what = `${key === b.live ? 'live' : 'test'} key: ${name} ${probe.path}`;
          expect([what, probe.status.includes(res.status) ? 'expected status' : `status ${res.status}: ${res.text.slice(0, 200)}`]).toEqual([what, 'expected status']);
          // An error may echo what B itself sent ("No affiliate with the id aff_…"); any other id of A's is a leak.
          const sent = `${probe.path} ${JSON.stringify(probe.body ?? null)}`;
          for (const id of forbidden.filter((x) => !sent.includes(x))) expect([what, res.text.includes(id) ? `leaks ${id}` : 'no leak']).toEqual([what, 'no leak']);
          probe.check?.(res.body);
        }
      }
    }
    expect(await snapshotOf(a.m.merchantId)).toEqual(before);
  });
});
