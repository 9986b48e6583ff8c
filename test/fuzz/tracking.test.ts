// Property-based fuzzing (fast-check, fixed seeds) of the tracking surface: the REST API's track/lead,
// track/sale, track/refund and conversions with an API key, and the public click endpoint the snippet
// calls. Random and mutated bodies, wrong content types, broken JSON: client mistakes get a 4xx with a
// JSON error, never a 500 or a stack trace, and no ledger row is made of invalid data.
import fc from 'fast-check';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { apiProgram, type ApiProgram } from '../helpers/api-program';
import { expectLedgerConsistent } from '../helpers/reliability';
import { isKnownCurrency } from '../../server/lib/money';
import { hasStackTrace, mutations, oddValue } from './mutations';

const SEED = 3_031;
let t: TestApp;
let p: ApiProgram;
let clickId: string;
beforeAll(async () => {
  t = await buildTestApp({ env: { API_RATE_LIMIT_GET: '100000', API_RATE_LIMIT_POST: '100000' } });
  p = await apiProgram(t);
  clickId = await p.click();
});
afterAll(() => t.close());

const CLIENT_ERRORS = [400, 404, 409, 413, 415, 422];

/** A valid body for each endpoint, to mutate; `n` keeps ids fresh so each sale is a new one. */
function validBody(path: string, n: number): Record<string, unknown> {
  switch (path) {
    case '/api/v1/track/lead':
      return { clickId, customerExternalId: `user_${n}`, customerEmail: `c${n}@example.com`, customerName: 'Casey' };
    case '/api/v1/track/sale':
      return { customerExternalId: `user_${n % 40}`, amount: 4999, currency: 'usd', invoiceId: `inv_${n}`, clickId: 'jane', metadata: { plan: 'pro' } };
    case '/api/v1/track/refund':
      return { invoiceId: `inv_${n - 1}`, amount: 100, refundId: `re_${n}` };
    default:
      return { affiliateId: p.jane.id, amount: 1200, currency: 'usd', externalId: `ext_${n}` };
  }
}

const ENDPOINTS = ['/api/v1/track/lead', '/api/v1/track/sale', '/api/v1/track/refund', '/api/v1/conversions'];

describe('the REST tracking API under random and mutated bodies', () => {
  it('answers client mistakes with a 4xx JSON error, and writes only valid rows', async () => {
    let n = 0;
    const statuses: Record<string, number> = {};
    const body = fc.oneof(
      { weight: 2, arbitrary: fc.constant((path: string) => validBody(path, n)) },
      { weight: 3, arbitrary: fc.array(mutations(), { minLength: 1, maxLength: 3 }).map((muts) => (path: string) => muts.reduce<unknown>((v, m) => m(v), validBody(path, n))) },
      { weight: 1, arbitrary: oddValue().map((v) => () => v) },
      { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), oddValue(), { maxKeys: 6 }).map((d) => () => d) },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), body, fc.constantFrom('json', 'json', 'json', 'text', 'form', 'broken'), async (path, make, encoding) => {
        n += 1;
        const value = make(path);
        let req = request(t.http).post(path).set('Authorization', `Bearer ${p.live.key}`);
        if (encoding === 'json') req = req.set('Content-Type', 'application/json').send(JSON.stringify(value) ?? 'null');
        else if (encoding === 'text') req = req.set('Content-Type', 'text/plain').send(JSON.stringify(value) ?? '');
        else if (encoding === 'form') req = req.type('form').send('amount=100&customerExternalId=x');
        else req = req.set('Content-Type', 'application/json').send(`${JSON.stringify(value)}`.slice(0, -1) + '\u0000{');
        const res = await req;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        expect(res.status === 200 || res.status === 201 || CLIENT_ERRORS.includes(res.status) ? 'ok' : `${res.status} ${res.text.slice(0, 300)}`).toBe('ok');
        expect(hasStackTrace(res.text)).toBe(false);
        if (res.status >= 400) expect(res.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
      }),
      { seed: SEED, numRuns: 400 },
    );
    const sales = await t.db.kysely.selectFrom('conversions').selectAll().execute();
    for (const s of sales) expect([s.sourceKey, Number.isSafeInteger(s.amount) && s.amount >= 0, isKnownCurrency(s.currency)]).toEqual([s.sourceKey, true, true]);
    const rows = await t.db.kysely.selectFrom('commissions').selectAll().execute();
    for (const r of rows) expect([r.ledgerKey, Number.isSafeInteger(r.amount), isKnownCurrency(r.currency)]).toEqual([r.ledgerKey, true, true]);
    expect(sales.length).toBeGreaterThan(10);
    expect(t.logs.filter((l) => l.msg === 'unhandled error')).toEqual([]);
    await expectLedgerConsistent(t.db, { now: t.clock.now() });
    console.log(`tracking API fuzz: ${n} requests ${JSON.stringify(statuses)}, ${sales.length} sales and ${rows.length} ledger rows, all valid`);
  }, 120_000);
});

describe('the public click endpoint under random bodies', () => {
  it('never answers 500 and records clicks only for this program’s partners', async () => {
    let n = 0;
    const statuses: Record<string, number> = {};
    const base = () => ({ programId: p.m.publicId, code: 'jane', url: 'https://shop.example.com/pricing?via=jane', referrer: 'https://blog.example/' });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.array(mutations(), { minLength: 1, maxLength: 3 }).map((muts) => muts.reduce<unknown>((v, m) => m(v), base())), oddValue(), fc.string({ maxLength: 300 })),
        fc.constantFrom('text/plain', 'application/json', 'application/x-www-form-urlencoded'),
        async (value, type) => {
          n += 1;
          const res = await request(t.http)
            .post('/api/v1/track/click')
            .set('X-Forwarded-For', `10.0.${n >> 8}.${n & 255}`)
            .set('Content-Type', type)
            .send(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          expect([200, 201, 400, 404, 413, 415]).toContain(res.status);
          expect(hasStackTrace(res.text)).toBe(false);
        },
      ),
      { seed: SEED + 1, numRuns: 300 },
    );
    const clicks = await t.db.kysely.selectFrom('clicks').select(['merchantId', 'partnerId', 'landingUrl', 'referrer']).execute();
    for (const c of clicks) {
      expect(c.merchantId).toBe(p.m.merchantId);
      for (const u of [c.landingUrl, c.referrer]) if (u !== null) expect(u).toMatch(/^https?:\/\//i);
    }
    console.log(`click endpoint fuzz: ${n} requests ${JSON.stringify(statuses)}, ${clicks.length} clicks, all of this program`);
  }, 60_000);
});
