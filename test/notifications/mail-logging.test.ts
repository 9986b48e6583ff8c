// Without SMTP_URL, emails are not sent. In development the whole message goes to the log, so a newcomer
// can follow a sign-in link offline; in production the log gets only who and what, because the message
// may hold a live sign-in link and logs travel further than the Outbox page.
import { browser, buildTestApp, settle, signUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner } from '../helpers/partners';
import { sentMagicLinks, tokenOf } from '../helpers/portal';

const UNSENT = /^email not sent/;

/** A partner asks for a sign-in link on the portal; returns the token the email carries (read from the Outbox). */
async function partnerAsksForALink(t: TestApp) {
  const m = await signUpMerchant(t, { name: 'Acme Tools' });
  await buildPartner(t.db.kysely, m.merchantId, { name: 'Jane Smith', email: 'jane@partners.test', code: 'jane', clock: t.clock });
  expect((await browser(t).submit(`/portal/${m.publicId}/login`, { email: 'jane@partners.test' })).status).toBe(200);
  await settle(t);
  const [link] = await sentMagicLinks(t);
  expect(link?.status).toBe('logged');
  return { m, token: tokenOf(link!.url) };
}

describe('without SMTP_URL', () => {
  let t: TestApp;
  afterEach(() => t.close());

  it('logs only the recipient and subject in production, with a warning, and keeps the link on the Outbox page', async () => {
    t = await buildTestApp({ env: { NODE_ENV: 'production' } });
    const { m, token } = await partnerAsksForALink(t);
    expect(token).toMatch(/^[0-9A-Za-z]{40}$/);
    expect(t.rawLogs.join('').includes(token)).toBe(false);
    const unsent = t.logs.filter((l) => UNSENT.test(String(l.msg)));
    expect(unsent.map(({ level, to, subject, text }) => ({ level, to, subject, text }))).toEqual([
      { level: 40, to: 'jane@partners.test', subject: 'Your sign-in link to the Acme Tools partner portal', text: undefined },
    ]);
    expect(t.logs.some((l) => l.level === 40 && /^SMTP_URL is not configured/.test(String(l.msg)))).toBe(true);
    expect((await m.browser.agent.get('/notifications')).text).toContain(token);
  });

  it('logs the whole message in development, sign-in link included', async () => {
    t = await buildTestApp({ env: { NODE_ENV: 'development' } });
    const { token } = await partnerAsksForALink(t);
    const unsent = t.logs.filter((l) => UNSENT.test(String(l.msg)));
    expect(unsent).toHaveLength(1);
    expect(unsent[0]).toMatchObject({ level: 30, to: 'jane@partners.test', subject: 'Your sign-in link to the Acme Tools partner portal' });
    expect(String(unsent[0]!.text)).toContain(`/enter?token=${token}`);
    expect(t.logs.some((l) => /^SMTP_URL is not configured/.test(String(l.msg)))).toBe(false);
  });
});
