import { buildTestApp, browser, signUpMerchant, type TestApp } from '../helpers/app';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

async function invite(owner: Awaited<ReturnType<typeof signUpMerchant>>, role: string): Promise<string> {
  const res = await owner.browser.submit('/team/invites', { role }, '/team');
  expect(res.status).toBe(201);
  const m = /(http:\/\/refcut\.test\/invite\/[A-Za-z0-9]+)/.exec(res.text);
  expect(m).toBeTruthy();
  return m![1]!.replace('http://refcut.test', '');
}

describe('team members', () => {
  it('invites a read-only user by one-time link; they can look but not change', async () => {
    const owner = await signUpMerchant(t, { name: 'Acme' });
    const path = await invite(owner, 'read_only');
    const guest = browser(t);
    const page = await guest.agent.get(path);
    expect(page.text).toContain('Join Acme on Refcut');
    const join = await guest.submit(path, { name: 'Rita Reader', email: 'rita@acme.test', password: 'a long enough password' });
    expect(join.status).toBe(303);
    expect((await guest.agent.get('/settings')).status).toBe(200);
    const change = await guest.submit('/settings', { commissionType: 'flat' }, '/settings');
    expect(change.status).toBe(403);
    expect(change.text).toContain('read-only');

    // The link cannot be used twice.
    const again = await browser(t).agent.get(path);
    expect(again.status).toBe(404);
    const tokens = await t.db.kysely.selectFrom('invites').select('tokenHash').execute();
    expect(path).not.toContain(tokens[0]!.tokenHash);
  });

  it('expires an invite link after 7 days on the clock, unused, and stops listing it', async () => {
    const owner = await signUpMerchant(t, { name: 'Acme' });
    const path = await invite(owner, 'admin');
    const openInvites = async () => ((await owner.browser.agent.get('/team')).text.match(/ · expires /g) ?? []).length;
    expect(await openInvites()).toBe(1);
    t.clock.advanceDays(7);
    t.clock.advance(-60_000);
    expect((await browser(t).agent.get(path)).status).toBe(200);

    t.clock.advance(60_000);
    const guest = browser(t);
    const page = await guest.agent.get(path);
    expect(page.status).toBe(404);
    expect(page.text).toContain('This invite link is invalid, expired or already used.');
    const join = await guest.submit(path, { name: 'Late Larry', email: 'larry@acme.test', password: 'a long enough password' }, '/login');
    expect(join.status).toBe(404);
    expect(await t.db.kysely.selectFrom('users').select('id').where('email', '=', 'larry@acme.test').execute()).toEqual([]);
    expect(await t.db.kysely.selectFrom('invites').select('acceptedAt').execute()).toEqual([{ acceptedAt: null }]);
    expect(await openInvites()).toBe(0);
  });

  it('lets an admin change settings but not the team', async () => {
    const owner = await signUpMerchant(t);
    const path = await invite(owner, 'admin');
    const admin = browser(t);
    await admin.submit(path, { name: 'Ada Admin', email: 'ada@acme.test', password: 'a long enough password' });
    expect((await admin.submit('/team/invites', { role: 'owner' }, '/team')).status).toBe(403);
  });

  it('never removes or demotes the last owner', async () => {
    const owner = await signUpMerchant(t);
    const res = await owner.browser.submit(`/team/${owner.userId}`, { role: 'admin' }, '/team');
    expect(res.status).toBe(422);
    expect(res.text).toContain('at least one owner');
  });

  it('cannot change members of another merchant', async () => {
    const a = await signUpMerchant(t);
    const b = await signUpMerchant(t);
    const res = await a.browser.submit(`/team/${b.userId}`, { remove: '1', role: 'owner' }, '/team');
    expect(res.status).toBe(404);
    expect(await t.db.kysely.selectFrom('memberships').select('userId').where('userId', '=', b.userId).execute()).toHaveLength(1);
  });
});
