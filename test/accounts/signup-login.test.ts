import { buildTestApp, browser, signUpMerchant, type TestApp } from '../helpers/app';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

describe('signing up', () => {
  it('creates the merchant, its owner and default program settings, and logs in', async () => {
    const b = browser(t);
    const res = await b.submit('/signup', { name: 'Acme Inc', email: 'Founder@Acme.test', password: 'correct horse battery' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    const dash = await b.agent.get('/dashboard');
    expect(dash.status).toBe(200);
    expect(dash.text).toContain('Acme Inc');

    const user = await t.db.kysely.selectFrom('users').selectAll().executeTakeFirstOrThrow();
    expect(user.email).toBe('founder@acme.test');
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(user.passwordHash).not.toContain('correct horse');
    const settings = await t.db.kysely.selectFrom('programSettings').selectAll().executeTakeFirstOrThrow();
    expect(settings).toMatchObject({ commissionType: 'percent', commissionValue: 2000, durationType: 'lifetime', cookieDays: 60, attributionModel: 'last_click', holdingDays: 30, minPayout: 5000, currency: 'usd', platformFeeBps: 0 });
  });

  it('refuses a duplicate email with a form error, not a 500', async () => {
    await signUpMerchant(t, { email: 'dup@acme.test' });
    const res = await browser(t).submit('/signup', { name: 'Other', email: 'DUP@acme.test', password: 'another long password' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('An account with this email already exists');
    expect(await t.db.kysely.selectFrom('merchants').select('id').execute()).toHaveLength(1);
  });

  it('shows field errors for a bad email and a short password', async () => {
    const res = await browser(t).submit('/signup', { name: '', email: 'not-an-email', password: 'short' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Enter your business name.');
    expect(res.text).toContain('Enter a valid email address.');
    expect(res.text).toContain('Use at least 10 characters.');
  });
});

describe('logging in and out', () => {
  it('logs in with the right password, regenerating the session id', async () => {
    const { email } = await signUpMerchant(t);
    const b = browser(t);
    const token = await b.csrf('/login');
    const before = (await b.agent.get('/login')).headers['set-cookie'];
    const res = await b.agent.post('/login').type('form').send({ email, password: 'correct horse battery', _csrf: token });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    const sidAfter = String(res.headers['set-cookie']).split(';')[0];
    expect(sidAfter).toMatch(/^refcut\.sid=/);
    expect(String(before ?? '')).not.toContain(sidAfter);
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly/);
    expect(String(res.headers['set-cookie'])).toMatch(/SameSite=Lax/);
    expect((await b.agent.get('/dashboard')).status).toBe(200);
  });

  it('refuses a wrong password without saying whether the email exists', async () => {
    const { email } = await signUpMerchant(t);
    const wrong = await browser(t).submit('/login', { email, password: 'wrong password!' });
    const unknown = await browser(t).submit('/login', { email: 'nobody@nowhere.test', password: 'wrong password!' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('That email and password do not match an account.');
    expect(unknown.text).toContain('That email and password do not match an account.');
  });

  it('throttles repeated failures for one email, even when the password is then right', async () => {
    const { email } = await signUpMerchant(t);
    const b = browser(t);
    for (let i = 0; i < 5; i++) expect((await b.submit('/login', { email, password: `wrong-${i}-password` })).status).toBe(401);
    const blocked = await b.submit('/login', { email, password: 'correct horse battery' });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many failed attempts');
    // Another email from the same browser is not blocked by this email's failures.
    const other = await signUpMerchant(t);
    expect((await b.submit('/login', { email: other.email, password: 'correct horse battery' })).status).toBe(303);
  });

  it('logs out and forgets the session', async () => {
    const m = await signUpMerchant(t);
    const token = await m.browser.csrf('/dashboard');
    const res = await m.browser.agent.post('/logout').type('form').send({ _csrf: token });
    expect(res.status).toBe(303);
    const after = await m.browser.agent.get('/dashboard');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/login?next=%2Fdashboard');
  });

  it('only follows same-site paths after login', async () => {
    const { email } = await signUpMerchant(t);
    const b = browser(t);
    const token = await b.csrf('/login');
    const res = await b.agent.post('/login?next=//evil.test/x').type('form').send({ email, password: 'correct horse battery', _csrf: token });
    expect(res.headers.location).toBe('/dashboard');
  });
});

describe('CSRF', () => {
  it('refuses a state-changing form without a valid token', async () => {
    const m = await signUpMerchant(t);
    const missing = await m.browser.agent.post('/settings').type('form').send({ commissionType: 'percent' });
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('This form has expired');
    const forged = await m.browser.agent.post('/logout').type('form').send({ _csrf: 'forged-token' });
    expect(forged.status).toBe(403);
    const anonymous = await browser(t).agent.post('/signup').type('form').send({ name: 'X', email: 'x@x.test', password: 'long enough password' });
    expect(anonymous.status).toBe(403);
  });
});
