// Per-address limits on the public forms: sign-up, login, portal sign-in links and partner applications.
// Each is reached from one address and then tried from another, which is still served. Addresses come
// from X-Forwarded-For, which the app trusts from loopback (TRUST_PROXY's default), as behind a proxy.
import { browser, buildTestApp, signUpMerchant, type SignedUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner } from '../helpers/partners';

let t: TestApp;
let m: SignedUpMerchant;
beforeEach(async () => {
  t = await buildTestApp();
  m = await signUpMerchant(t, { name: 'Acme Tools' });
});
afterEach(() => t.close());

const A = '203.0.113.7';
const B = '198.51.100.9';

/** A fresh browser whose requests all come from `ip`. */
function from(ip: string) {
  const b = browser(t);
  b.agent.set('X-Forwarded-For', ip);
  return b;
}

const rows = (table: 'users' | 'applications' | 'portalTokens') => t.db.kysely.selectFrom(table).select('id').execute();

describe('sign-up', () => {
  it('allows 10 attempts per address per hour, refused ones included, then answers 429', async () => {
    const signUp = (ip: string, email: string, password = 'correct horse battery') => from(ip).submit('/signup', { name: 'Shop', email, password });
    const statuses = [(await signUp(A, 'first@shop.test')).status];
    for (let i = 0; i < 8; i++) statuses.push((await signUp(A, `bad-${i}@shop.test`, 'short')).status);
    statuses.push((await signUp(A, 'first@shop.test')).status);
    expect(statuses).toEqual([303, 400, 400, 400, 400, 400, 400, 400, 400, 409]);
    const users = (await rows('users')).length;

    const refused = await signUp(A, 'eleventh@shop.test');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.text).toContain('Slow down');
    expect(refused.text).toContain('Too many sign-ups from this address. Try again in an hour.');
    expect((await rows('users')).length).toBe(users);

    expect((await signUp(B, 'other@shop.test')).status).toBe(303);
  });
});

describe('login', () => {
  it('stops an address after 50 failures across many emails, even with the right password, and not another address', async () => {
    const b = from(A);
    const csrf = await b.csrf('/login');
    const emails = Array.from({ length: 10 }, (_, i) => `guess-${i}@shop.test`);
    // Five failures per email stay under the per-email limit (5), so only the address's limit (50) is reached.
    // The tries of one round go together: each costs a password hash, and in turn they would take seconds.
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(emails.map((email) => b.agent.post('/login').type('form').send({ email, password: `wrong ${round}`, _csrf: csrf })));
      expect(answers.map((r) => r.status)).toEqual(emails.map(() => 401));
    }
    const blocked = await b.agent.post('/login').type('form').send({ email: m.email, password: 'correct horse battery', _csrf: csrf });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many failed attempts. Wait 15 minutes and try again.');

    expect((await from(B).submit('/login', { email: m.email, password: 'correct horse battery' })).status).toBe(303);
  }, 30_000);
});

describe('portal sign-in links', () => {
  it('allow 30 requests per address per 15 minutes, whatever the email, and send nothing beyond', async () => {
    await buildPartner(t.db.kysely, m.merchantId, { name: 'Jane Smith', email: 'jane@partners.test', code: 'jane', clock: t.clock });
    const portal = `/portal/${m.publicId}`;
    const b = from(A);
    const csrf = await b.csrf(`${portal}/login`);
    // Six emails, five requests each: under the per-email limit (5), at the address's (30).
    for (let i = 0; i < 30; i++) {
      const res = await b.agent.post(`${portal}/login`).type('form').send({ email: `nobody-${i % 6}@nowhere.test`, _csrf: csrf });
      expect([i, res.status]).toEqual([i, 200]);
    }
    const blocked = await b.agent.post(`${portal}/login`).type('form').send({ email: 'jane@partners.test', _csrf: csrf });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many sign-in requests. Wait 15 minutes and try again.');
    expect(await rows('portalTokens')).toEqual([]);

    expect((await from(B).submit(`${portal}/login`, { email: 'jane@partners.test' })).status).toBe(200);
    expect(await rows('portalTokens')).toHaveLength(1);
  });
});

describe('partner applications', () => {
  it('allow 20 per address per hour, then answer 429 and record nothing', async () => {
    const apply = (b: ReturnType<typeof from>, email: string) => b.submit(`/apply/${m.publicId}`, { name: 'Applicant', email, company: '', website: '', reason: '' });
    const b = from(A);
    for (let i = 0; i < 20; i++) expect([i, (await apply(b, `applicant-${i}@blog.test`)).status]).toEqual([i, 200]);
    const refused = await apply(b, 'twenty-first@blog.test');
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many applications from this address. Try again in an hour.');
    expect(await rows('applications')).toHaveLength(20);

    expect((await apply(from(B), 'elsewhere@blog.test')).status).toBe(200);
    expect(await rows('applications')).toHaveLength(21);
  });
});
