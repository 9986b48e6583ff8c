import { payoutWorld, type PayoutWorld } from '../helpers/payouts';
import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { browser, settle } from '../helpers/app';
import { contextOf } from '../helpers/api';
import { sell, tableRows } from '../helpers/dashboard';
import { smtpSink, type SmtpSink } from '../helpers/smtp';
import { notify } from '../../server/notifications/service';
import { recordEvent } from '../../server/outbound/record';
import type { TestApp } from '../helpers/app';

const sent = (t: TestApp, merchantId: string) =>
  t.db.kysely.selectFrom('notifications').select(['kind', 'recipient', 'subject', 'status', 'attempts']).where('merchantId', '=', merchantId).orderBy('createdAt').orderBy('kind').orderBy('recipient').execute();

async function apply(w: LedgerWorld, name: string, email: string) {
  const res = await browser(w.t).submit(`/apply/${w.m.publicId}`, { name, email, company: 'Blog Inc', website: '', reason: 'I write about tools' });
  if (res.status >= 400) throw new Error(`apply answered ${res.status}`);
  return w.t.db.kysely.selectFrom('applications').select('id').where('email', '=', email).executeTakeFirstOrThrow();
}

describe('without SMTP: emails are logged and shown on the Outbox page', () => {
  let w: PayoutWorld;
  beforeEach(async () => {
    w = await payoutWorld();
    await w.setProgram({ holdingDays: 0, minPayout: 0 });
  });
  afterEach(() => w.close());

  it('tells the merchant of an application, applicants of the decision, partners of commissions and payouts', async () => {
    const merchant = (await w.t.db.kysely.selectFrom('merchants').select('name').where('id', '=', w.m.merchantId).executeTakeFirstOrThrow()).name;
    const step = async () => {
      await settle(w.t);
      w.t.clock.advance(60_000);
    };
    const ana = await apply(w, 'Ana', 'ana@blog.test');
    await step();
    const rob = await apply(w, 'Rob', 'rob@spam.test');
    await step();
    expect((await w.m.browser.submit(`/applications/${ana.id}/approve`, { code: 'ana' }, '/applications')).status).toBe(303);
    await step();
    expect((await w.m.browser.submit(`/applications/${rob.id}/reject`, { reason: 'Not a fit' }, '/applications')).status).toBe(303);
    await step();
    await w.sell(10_000);
    await step();
    const [payout] = await w.run();
    await w.markPaid(payout!);
    await step();

    expect(await sent(w.t, w.m.merchantId)).toEqual([
      { kind: 'application_received', recipient: w.m.email.toLowerCase(), subject: 'New partner application: Ana', status: 'logged', attempts: 1 },
      { kind: 'application_received', recipient: w.m.email.toLowerCase(), subject: 'New partner application: Rob', status: 'logged', attempts: 1 },
      { kind: 'application_approved', recipient: 'ana@blog.test', subject: `You're in: welcome to the ${merchant} partner program`, status: 'logged', attempts: 1 },
      { kind: 'application_rejected', recipient: 'rob@spam.test', subject: `Your application to the ${merchant} partner program`, status: 'logged', attempts: 1 },
      { kind: 'commission_earned', recipient: 'jane@partners.test', subject: `[Test] You earned $20.00 from ${merchant}`, status: 'logged', attempts: 1 },
      { kind: 'payout_sent', recipient: 'jane@partners.test', subject: `[Test] ${merchant} sent you $20.00`, status: 'logged', attempts: 1 },
    ]);
    const logged = w.t.logs.filter((l) => l.msg === 'email not sent (no SMTP_URL configured): logged and shown on the Outbox page');
    expect(logged.map((l) => l.to)).toEqual([w.m.email.toLowerCase(), w.m.email.toLowerCase(), 'ana@blog.test', 'rob@spam.test', 'jane@partners.test', 'jane@partners.test']);
    expect(String(logged[4]!.text)).toContain('you earned a commission of $20.00. It will be in your next payout.');

    const outbox = await w.m.browser.agent.get('/notifications');
    expect(outbox.text).toContain('No SMTP server is configured');
    const rows = tableRows(outbox.text, 'outbox').slice(1);
    expect(rows.map((r) => [r[1], r[3]])).toEqual([
      ['jane@partners.test', 'not sent (no SMTP)'],
      ['jane@partners.test', 'not sent (no SMTP)'],
      ['rob@spam.test', 'not sent (no SMTP)'],
      ['ana@blog.test', 'not sent (no SMTP)'],
      [w.m.email.toLowerCase(), 'not sent (no SMTP)'],
      [w.m.email.toLowerCase(), 'not sent (no SMTP)'],
    ]);
    expect(outbox.text).toContain('Your partner code is ana, and your referral link is http://refcut.test/r/ana.');
  });

  it('sends nothing a switch turned off, then or later, and nothing twice', async () => {
    const saved = await w.m.browser.submit('/settings/notifications', { partnerPayoutSent: 'on' }, '/settings/notifications');
    expect(saved.status).toBe(303);
    await apply(w, 'Ana', 'ana@blog.test');
    await w.sell(10_000);
    const [payout] = await w.run();
    await w.markPaid(payout!);
    await settle(w.t);
    expect((await sent(w.t, w.m.merchantId)).map((n) => n.kind)).toEqual(['payout_sent']);

    // Switching everything back on does not mail about what happened while it was off.
    await w.m.browser.submit('/settings/notifications', { partnerApplicationDecided: 'on', partnerCommissionEarned: 'on', partnerPayoutSent: 'on', merchantApplicationReceived: 'on' }, '/settings/notifications');
    await settle(w.t);
    expect((await sent(w.t, w.m.merchantId)).map((n) => n.kind)).toEqual(['payout_sent']);
    const page = await w.m.browser.agent.get('/settings/notifications');
    expect(page.text.match(/<input type="checkbox"[^>]* checked[ =\/>]/g)).toHaveLength(4);
  });

  it('is not mailed about rejected credits or reversals', async () => {
    await w.t.db.kysely.updateTable('partners').set({ status: 'paused' }).where('id', '=', w.jane.id).execute();
    await w.sell(10_000);
    expect((await w.t.db.kysely.selectFrom('commissions').select('status').execute()).map((c) => c.status)).toEqual(['rejected']);
    await settle(w.t);
    expect(await sent(w.t, w.m.merchantId)).toEqual([]);
  });
});

describe('events the notifications cannot read', () => {
  it('are skipped without stopping the scan', async () => {
    const w = await payoutWorld();
    try {
      await recordEvent(w.t.db.kysely, { merchantId: w.m.merchantId, type: 'payout.paid', livemode: false, data: { unexpected: true }, at: w.t.clock.now() });
      await w.sell(10_000);
      await settle(w.t);
      expect((await sent(w.t, w.m.merchantId)).map((n) => n.kind)).toEqual(['commission_earned']);
      expect(w.t.logs.some((l) => l.msg === 'outbox event without the fields notifications need: no email')).toBe(true);
    } finally {
      await w.close();
    }
  });
});

describe('with SMTP configured', () => {
  let sink: SmtpSink;
  let w: LedgerWorld;
  afterEach(async () => {
    await w.close();
    await sink.close();
  });

  it('delivers through the SMTP server from MAIL_FROM', async () => {
    sink = await smtpSink();
    w = await ledgerWorld({ env: { SMTP_URL: sink.url, MAIL_FROM: 'Shop Partners <partners@shop.test>' } });
    await sell(w, w.jane, 10_000, 'usd', 'cus_smtp1');
    await settle(w.t);
    expect(sink.received.map((m) => [m.from, m.to, m.subject])).toEqual([['partners@shop.test', ['jane@partners.test'], expect.stringContaining('You earned $20.00 from')]]);
    expect(sink.received[0]!.data).toContain('From: Shop Partners <partners@shop.test>');
    expect((await sent(w.t, w.m.merchantId)).map((n) => [n.kind, n.status])).toEqual([['commission_earned', 'sent']]);
    const outbox = await w.m.browser.agent.get('/notifications');
    expect(tableRows(outbox.text, 'outbox')[1]![3]).toBe('sent');
  });

  it('never lets a refusing mail server break a sale, and retries later', async () => {
    sink = await smtpSink({ refuse: true });
    w = await ledgerWorld({ env: { SMTP_URL: sink.url } });
    await sell(w, w.jane, 10_000, 'usd', 'cus_smtp2');
    await settle(w.t);
    expect((await w.commissions()).map((c) => [c.kind, c.amount, c.status])).toEqual([['credit', 2_000, 'pending']]);
    const [first] = await w.t.db.kysely.selectFrom('notifications').selectAll().execute();
    expect(first).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: '2026-11-25T12:01:00.000Z' });
    expect(first!.lastError).toContain('554');
    w.t.clock.advance(61_000);
    await settle(w.t);
    expect(await w.t.db.kysely.selectFrom('notifications').select(['status', 'attempts', 'nextAttemptAt']).execute()).toEqual([{ status: 'pending', attempts: 2, nextAttemptAt: '2026-11-25T12:06:01.000Z' }]);
  });

  it('keeps no copy of a sign-in link once delivered', async () => {
    sink = await smtpSink();
    w = await ledgerWorld({ env: { SMTP_URL: sink.url } });
    const how = await notify(contextOf(w.t), {
      merchantId: w.m.merchantId,
      livemode: true,
      kind: 'portal_login',
      sourceId: 'login_1',
      to: 'jane@partners.test',
      subject: 'Your sign-in link',
      text: 'Sign in: http://refcut.test/portal/x/login/secret-token',
      secret: true,
    });
    expect(how).toEqual({ delivery: 'smtp' });
    await settle(w.t);
    expect(sink.received[0]!.data).toContain('secret-token');
    const row = await w.t.db.kysely.selectFrom('notifications').select(['status', 'body']).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'sent', body: '' });
  });
});
