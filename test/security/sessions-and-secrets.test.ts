// Sessions, cookies, throttling and secrets: a new session id at every sign-in (merchant and partner),
// cookie flags, login and API rate limits, no secret in any log line after a full scenario, passwords
// never sent back, and secrets only ever compared in constant time or looked up by their hash.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { browser, buildTestApp, csrfFrom, settle, signUpMerchant, TEST_WEBHOOK_SECRET, TEST_WEBHOOK_SECRET_2, type TestApp } from '../helpers/app';
import { buildTestAppWithStripe, type StripeTestApp } from '../helpers/stripe';
import { smtpSink, type SmtpSink } from '../helpers/smtp';
import { buildPartner } from '../helpers/partners';
import { portalLinkFor, enterWith, tokenOf } from '../helpers/portal';
import { buildTenant, type Tenant } from './world';
import { createApiKey } from '../helpers/api';
import { signUp } from '../../server/accounts/service';

const sidOf = (res: request.Response) => /refcut\.sid=([^;]+)/.exec((res.headers['set-cookie'] as unknown as string[] | undefined)?.join('\n') ?? '')?.[1];
const rawSid = (cookie: string) => decodeURIComponent(cookie).replace(/^s:/, '').split('.')[0]!;
/** The body of a mail as the partner reads it (nodemailer sends long lines quoted-printable). */
const readMail = (data: string) => data.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

describe('sessions', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(() => t.close());

  it('start afresh at sign-in: the id the visitor had before is dropped (no session fixation)', async () => {
    const m = await signUpMerchant(t);
    await m.browser.agent.post('/logout').type('form').send({ _csrf: await m.browser.csrf('/dashboard') });
    const b = browser(t);
    const form = await b.agent.get('/login');
    const before = sidOf(form)!;
    const res = await b.agent.post('/login').type('form').send({ email: m.email, password: 'correct horse battery', _csrf: csrfFrom(form.text) });
    expect(res.status).toBe(303);
    const after = sidOf(res)!;
    expect(rawSid(after)).not.toBe(rawSid(before));
    expect(await t.db.kysely.selectFrom('sessions').select('sid').where('sid', '=', rawSid(before)).execute()).toEqual([]);
    // The pre-login cookie, replayed, is a stranger.
    const replay = await request(t.http).get('/dashboard').set('Cookie', `refcut.sid=${before}`);
    expect([replay.status, replay.headers.location]).toEqual([303, '/login?next=%2Fdashboard']);
    expect((await b.agent.get('/dashboard')).status).toBe(200);
  });

  it('end at logout: the session row is deleted and the cookie cleared', async () => {
    const m = await signUpMerchant(t);
    const cookie = (await m.browser.agent.get('/dashboard')).request.cookies;
    const res = await m.browser.agent.post('/logout').type('form').send({ _csrf: await m.browser.csrf('/dashboard') });
    expect(res.status).toBe(303);
    expect(String(res.headers['set-cookie'])).toMatch(/refcut\.sid=;.*Expires=Thu, 01 Jan 1970/);
    expect((await request(t.http).get('/dashboard').set('Cookie', cookie)).status).toBe(303);
  });

  it('give a partner a new session id when a portal link is spent, and the link works once', async () => {
    const m = await signUpMerchant(t);
    const partner = await buildPartner(t.db.kysely, m.merchantId, { code: 'jane', clock: t.clock });
    const url = await portalLinkFor(m, partner.id);
    const { page, res, browser: b } = await enterWith(t, url);
    expect(res.status).toBe(303);
    expect(rawSid(sidOf(res)!)).not.toBe(rawSid(sidOf(page) ?? 'none'));
    expect((await enterWith(t, url)).res.status).not.toBe(303);
    expect((await b.agent.get(`/portal/${m.publicId}`)).status).toBe(200);
    expect(tokenOf(url)).toMatch(/^[0-9A-Za-z]{20,}$/);
  });
});

describe('cookies', () => {
  it('are HttpOnly, SameSite=Lax and, behind https, Secure; the referral cookie too', async () => {
    const t = await buildTestApp({ env: { PUBLIC_URL: 'https://refcut.example.com' } });
    try {
      const res = await request(t.http).get('/login').set('X-Forwarded-Proto', 'https');
      expect(String(res.headers['set-cookie'])).toMatch(/^refcut\.sid=[^;]+; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      const { merchantId } = await signUp(t.db.kysely, t.clock, { name: 'Secure shop', email: 'owner@secure.test', password: 'correct horse battery' });
      await t.db.kysely.updateTable('programSettings').set({ destinationUrl: 'https://shop.example.com/' }).execute();
      const partner = await buildPartner(t.db.kysely, merchantId, { code: 'jane', clock: t.clock });
      const link = await t.db.kysely.selectFrom('links').select('slug').where('partnerId', '=', partner.id).executeTakeFirstOrThrow();
      const click = await request(t.http).get(`/r/${link.slug}`).set('X-Forwarded-Proto', 'https');
      expect(String(click.headers['set-cookie'])).toMatch(/^refcut_ref=clk_\w+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    } finally {
      await t.close();
    }
  });
});

describe('rate limits', () => {
  it('throttle failed logins per email, whatever the password of the next try', async () => {
    const t = await buildTestApp();
    try {
      const m = await signUpMerchant(t);
      const b = browser(t);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await b.submit('/login', { email: m.email, password: `wrong password ${i}` })).status);
      statuses.push((await b.submit('/login', { email: m.email, password: 'correct horse battery' })).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    } finally {
      await t.close();
    }
  });

  it('throttle API keys per minute, reads and writes apart, with Retry-After', async () => {
    const t = await buildTestApp({ env: { API_RATE_LIMIT_GET: '3', API_RATE_LIMIT_POST: '2' } });
    try {
      const key = await createApiKey(await signUpMerchant(t));
      const get = () => request(t.http).get('/api/v1/program').set('Authorization', `Bearer ${key}`);
      const post = () => request(t.http).post('/api/v1/track/lead').set('Authorization', `Bearer ${key}`).send({});
      const reads = [];
      for (let i = 0; i < 4; i++) reads.push(await get());
      expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(reads[3]!.headers['retry-after']).toMatch(/^\d+$/);
      expect(reads[3]!.body.error.code).toBe('rate_limited');
      expect([(await post()).status, (await post()).status, (await post()).status]).toEqual([400, 400, 429]);
    } finally {
      await t.close();
    }
  });
});

describe('secrets in a path', () => {
  it('are masked in the request log, however the path is spelled, and other paths are kept', async () => {
    const t = await buildTestApp();
    try {
      const m = await signUpMerchant(t);
      const token = /\/invite\/([0-9A-Za-z]+)/.exec((await m.browser.submit('/team/invites', { role: 'admin' }, '/team')).text)?.[1] ?? '';
      expect(token).not.toBe('');
      const b = browser(t);
      expect((await b.agent.get(`/invite/${token}`)).status).toBe(200);
      expect((await b.agent.get(`/INVITE/${token}/?utm=mail`)).status).toBe(200);
      expect((await b.submit('/invite/not-a-real-token', { name: 'X', email: 'x@x.test', password: 'a long enough password' }, `/invite/${token}`)).status).toBe(404);
      const urls = t.logs.map((l) => (l.req as { url?: string } | undefined)?.url).filter((u) => u && /invite/i.test(u));
      expect(urls).toEqual(['/team/invites', '/invite/<redacted>', '/INVITE/<redacted>/', '/invite/<redacted>', '/invite/<redacted>']);
      expect(t.rawLogs.join('').includes(token)).toBe(false);
    } finally {
      await t.close();
    }
  });
});

describe('secrets', () => {
  let t: StripeTestApp;
  let mail: SmtpSink | undefined;
  let world: Tenant | undefined;
  let app: StripeTestApp | undefined;
  // Only what this test opened is closed: closing an app twice fails on PostgreSQL (its schema is gone).
  afterEach(async () => {
    await app?.close();
    await world?.receiver.close();
    await mail?.close();
    [app, world, mail] = [undefined, undefined, undefined];
  });

  it('never appear in the logs, and passwords never come back in an answer, after a full scenario', async () => {
    // Mail goes out by SMTP, as in production: without SMTP_URL, development logs whole emails (docs/deploy.md).
    mail = await smtpSink();
    t = app = await buildTestAppWithStripe({ env: { LOG_LEVEL: 'trace', SMTP_URL: mail.url } });
    const answers: string[] = [];
    const a = (world = await buildTenant(t, 'Logged'));
    // The world spent one invite (GET and POST /invite/<token>); the other is opened here and stays valid.
    expect((await browser(t).agent.get(`/invite/${a.ids.invite}`)).status).toBe(200);
    // A partner asks for a sign-in link, reads it in the email and signs in; the merchant's API makes another that is used too.
    expect((await browser(t).submit(`/portal/${a.m.publicId}/login`, { email: a.partner.email })).status).toBe(200);
    await settle(t);
    const emailed = /http:\/\/refcut\.test\/portal\/\S+\/enter\?token=[0-9A-Za-z]+/.exec(readMail(mail.received.find((r) => r.subject.includes('sign-in link'))?.data ?? ''))?.[0] ?? '';
    expect((await enterWith(t, emailed)).res.status).toBe(303);
    const password = 'correct horse battery';
    // A failed and a successful login, a sign-up that is refused (the form comes back without the password).
    const b = browser(t);
    answers.push((await b.submit('/login', { email: a.m.email, password: 'Tr0ub4dor&3-wrong' })).text);
    answers.push((await b.submit('/login', { email: a.m.email, password })).text);
    answers.push((await browser(t).submit('/signup', { name: '', email: 'new@example.com', password: 'S3cret-but-short' })).text);
    // API calls with the key in the header; webhooks signed with both secrets.
    answers.push((await request(t.http).get('/api/v1/affiliates').set('Authorization', `Bearer ${a.liveKey}`)).text);
    answers.push((await request(t.http).get('/api/v1/program').set('Authorization', `Bearer ${a.testKey}x`)).text);
    const apiLink = await request(t.http).get(`/api/v1/affiliates/${a.partner.id}/portal-link`).set('Authorization', `Bearer ${a.liveKey}`);
    answers.push(apiLink.text);
    expect((await enterWith(t, (apiLink.body as { url: string }).url)).res.status).toBe(303);
    for (const path of ['/dashboard', '/team', '/settings/api-keys', '/settings/webhooks', `/settings/webhooks/${a.ids.webhook}`, '/stripe', `/partners/${a.partner.id}`]) answers.push((await a.m.browser.agent.get(path)).text);
    await settle(t);

    const sessions = (await t.db.kysely.selectFrom('sessions').select(['sid', 'data']).execute()).flatMap((s): string[] => [s.sid, (JSON.parse(s.data) as { csrfToken?: string }).csrfToken ?? s.sid]);
    const endpoint = await t.db.kysely.selectFrom('webhookEndpoints').select('secret').executeTakeFirstOrThrow();
    const secrets: [string, string][] = [
      ['password', password],
      ['wrong password', 'Tr0ub4dor&3-wrong'],
      ['refused password', 'S3cret-but-short'],
      ['live API key', a.liveKey],
      ['test API key', a.testKey],
      ['webhook secret', TEST_WEBHOOK_SECRET],
      ['second webhook secret', TEST_WEBHOOK_SECRET_2],
      ['Stripe secret key', t.config.stripe.secretKey],
      ['session secret', t.config.sessionSecret],
      ['outbound webhook secret', endpoint.secret],
      ['invite token (opened, still valid)', a.ids.invite!],
      ['invite token (accepted)', a.ids.acceptedInvite!],
      ['emailed portal sign-in token', tokenOf(emailed)],
      ['API portal sign-in token', tokenOf((apiLink.body as { url: string }).url)],
      ['password hash', 'scrypt$'],
      ...sessions.map((s): [string, string] => ['session id or CSRF token', s]),
    ];
    const logs = t.rawLogs.join('');
    expect(t.rawLogs.length).toBeGreaterThan(50);
    for (const [what, secret] of secrets) expect([what, logs.includes(secret)]).toEqual([what, false]);
    // The invite route was logged (opened twice, posted once), with the secret masked.
    expect(t.logs.filter((l) => (l.req as { url?: string } | undefined)?.url === '/invite/<redacted>').length).toBeGreaterThanOrEqual(3);
    // Stripe OAuth tokens the fake issued (only the account id is kept).
    for (const token of logs.match(/(sk|rk|rt)_(test|live)_[0-9a-f]{24}/g) ?? []) expect(['oauth token in the logs', token]).toEqual(['oauth token in the logs', undefined]);
    for (const text of answers) {
      expect(text.includes(password) || text.includes('Tr0ub4dor&3-wrong') || text.includes('S3cret-but-short')).toBe(false);
      expect(text.includes('scrypt$')).toBe(false);
    }
  }, 60_000);

  it('are compared in constant time or looked up by their hash, never with ===', () => {
    const root = path.resolve(__dirname, '../../server');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') && files.push(path.join(dir, e.name));
    };
    walk(root);
    const suspicious: string[] = [];
    for (const f of files) {
      fs.readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const m = /([\w.?]*(?:token|secret|password|signature|apiKey)[\w.?]*)\s*(===|!==|==|!=)\s*([\w.?'"`]+)|([\w.?'"`]+)\s*(===|!==)\s*([\w.?]*(?:token|secret|password|signature|apiKey)\w*)/i.exec(line);
          if (m && !/typeof|undefined|null|\.length|'string'/.test(line)) suspicious.push(`${path.relative(root, f)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(suspicious).toEqual([]);
    // The places that do compare or look up secrets, and how.
    const source = (p: string) => fs.readFileSync(path.join(root, p), 'utf8');
    expect(source('accounts/password.ts')).toContain('crypto.timingSafeEqual(key, expected)');
    expect(source('api/service.ts')).toMatch(/findActiveKeyByHash\(db, sha256\(presented\)\)/);
    expect(source('connect/service.ts')).toMatch(/safeEqual\(row\.sessionHash, sha256\(who\.sessionId\)\)/);
    expect(source('app.ts')).toMatch(/safeEqual\(sent, stored\)/);
  });
});
