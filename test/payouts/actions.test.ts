import { build } from '../fake-stripe';
import { csrfFrom, settle } from '../helpers/app';
import { payoutWorld, type PayoutWorld } from '../helpers/payouts';

let w: PayoutWorld;
beforeEach(async () => {
  w = await payoutWorld();
});
afterEach(() => w.close());

/** Post the review form as a browser does: repeated `ids` fields, the CSRF token of the page. */
async function act(action: string, ids: string[], reason = '', back = '/payouts/commissions?mode=test') {
  const page = await w.m.browser.agent.get(back);
  const body = new URLSearchParams([['_csrf', csrfFrom(page.text)], ['action', action], ['reason', reason], ['back', back], ...ids.map((id) => ['ids', id] as [string, string])]);
  const res = await w.m.browser.agent.post('/commissions/actions').type('form').send(body.toString());
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe(back);
  const next = await w.m.browser.agent.get(back);
  return /<p class="flash (?:ok|error)"[^>]*>([^<]*)</.exec(next.text)?.[1] ?? '';
}

const rowOf = (id: string) => w.t.db.kysely.selectFrom('commissions').select(['status', 'statusReason']).where('id', '=', id).executeTakeFirstOrThrow();
const historyOf = (id: string) =>
  w.t.db.kysely.selectFrom('commissionStatusChanges').select(['fromStatus', 'toStatus', 'reason', 'actor']).where('commissionId', '=', id).orderBy('createdAt').orderBy('id').execute();
const auditOf = (id: string) =>
  w.t.db.kysely.selectFrom('auditLog').select(['actor', 'action', 'before', 'after']).where('subjectId', '=', id).orderBy('createdAt').orderBy('id').execute();

describe('approving early', () => {
  it('approves a pending commission at once, with history, audit entry and one commission.approved event', async () => {
    const { creditId } = await w.sell(10_000);
    w.t.clock.advanceDays(2);
    expect(await act('approve', [creditId])).toBe('1 commission changed.');
    expect(await rowOf(creditId)).toEqual({ status: 'approved', statusReason: 'Approved early' });
    expect(await historyOf(creditId)).toEqual([{ fromStatus: 'pending', toStatus: 'approved', reason: 'Approved early', actor: w.m.userId }]);
    expect(await auditOf(creditId)).toEqual([
      { actor: w.m.userId, action: 'commission.approved', before: JSON.stringify({ status: 'pending', statusReason: null }), after: JSON.stringify({ status: 'approved', statusReason: 'Approved early' }) },
    ]);
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 0, approved: 2000, paid: 0, earned: 2000 }]);

    w.t.clock.advanceDays(40);
    await settle(w.t);
    expect(await w.events('commission.approved')).toHaveLength(1);
  });
});

describe('the commission page', () => {
  it('lets an editor decide from the commission itself, and comes back to it', async () => {
    const { creditId } = await w.sell(10_000);
    const page = await w.m.browser.agent.get(`/commissions/${creditId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('action="/commissions/actions"');
    expect(await act('hold', [creditId], 'Asked the customer', `/commissions/${creditId}`)).toBe('1 commission changed.');
    expect(await rowOf(creditId)).toEqual({ status: 'on_hold', statusReason: 'Asked the customer' });
  });
});

describe('rejecting', () => {
  it('needs a reason, then rejects the credit with its unpaid reversals and drops them from every balance', async () => {
    const { creditId, paymentIntentId } = await w.sell(10_000);
    const charge = build.charge({ amount: 10_000, payment_intent: paymentIntentId });
    w.t.fake.put(w.account, charge, build.refund({ charge: charge.id, payment_intent: paymentIntentId, amount: 5000 }));
    await w.send(build.event('charge.refunded', { ...charge, amount_refunded: 5000 }, { account: w.account }));

    expect(await act('reject', [creditId])).toBe('Give a reason for rejecting.');
    expect((await rowOf(creditId)).status).toBe('pending');

    expect(await act('reject', [creditId], 'Self-referral found in review')).toBe('1 commission changed.');
    const rows = await w.t.db.kysely.selectFrom('commissions').select(['kind', 'status', 'statusReason']).where('partnerId', '=', w.jane.id).orderBy('kind').execute();
    expect(rows).toEqual([
      { kind: 'credit', status: 'rejected', statusReason: 'Self-referral found in review' },
      { kind: 'reversal', status: 'rejected', statusReason: 'Self-referral found in review' },
    ]);
    expect(await w.balances(w.jane.id)).toEqual([]);
    expect((await auditOf(creditId)).map((a) => [a.action, JSON.parse(a.after!).status])).toEqual([['commission.rejected', 'rejected']]);
  });
});

describe('holding and releasing', () => {
  it('holds an approved commission out of the payable balance and releases it back to approved', async () => {
    const { creditId } = await w.sell(10_000);
    w.t.clock.advanceDays(31);
    await settle(w.t);
    w.t.clock.advance(60_000);
    expect(await act('hold', [creditId], 'Checking the customer')).toBe('1 commission changed.');
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 2000, approved: 0, paid: 0, earned: 2000 }]);

    w.t.clock.advance(60_000);
    expect(await act('release', [creditId])).toBe('1 commission changed.');
    expect(await rowOf(creditId)).toEqual({ status: 'approved', statusReason: 'Released by the merchant' });
    expect((await historyOf(creditId)).map((h) => [h.fromStatus, h.toStatus, h.reason, h.actor])).toEqual([
      ['pending', 'approved', 'Holding period ended', 'system'],
      ['approved', 'on_hold', 'Checking the customer', w.m.userId],
      ['on_hold', 'approved', 'Released by the merchant', w.m.userId],
    ]);
    expect((await auditOf(creditId)).map((a) => a.action)).toEqual(['commission.held', 'commission.released']);
  });

  it('releases a pending commission held during its holding period back to pending', async () => {
    const { creditId } = await w.sell(10_000);
    await act('hold', [creditId]);
    expect(await rowOf(creditId)).toEqual({ status: 'on_hold', statusReason: 'Held by the merchant' });
    await act('release', [creditId]);
    expect((await rowOf(creditId)).status).toBe('pending');
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 2000, onHold: 0, approved: 0, paid: 0, earned: 2000 }]);
  });
});

describe('bulk actions', () => {
  it('applies one action to the selected commissions and reports the ones it could not change', async () => {
    const a = await w.sell(10_000);
    const b = await w.sell(20_000);
    const c = await w.sell(30_000);
    await act('reject', [c.creditId], 'Duplicate order');
    const flash = await act('hold', [a.creditId, b.creditId, c.creditId, 'com_unknown'], 'Fraud review');
    expect(flash).toBe(`2 commissions changed. Not changed: ${c.creditId} is rejected; com_unknown not found.`);
    expect((await rowOf(a.creditId)).status).toBe('on_hold');
    expect((await rowOf(b.creditId)).status).toBe('on_hold');
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 6000, approved: 0, paid: 0, earned: 6000 }]);

    expect(await act('approve', [a.creditId, b.creditId])).toBe(`0 commissions changed. Not changed: ${a.creditId} is on hold; ${b.creditId} is on hold.`);
    expect(await act('release', [a.creditId, b.creditId])).toBe('2 commissions changed.');
    expect(await act('approve', [a.creditId, b.creditId])).toBe('2 commissions changed.');
    expect(await w.balances(w.jane.id)).toEqual([{ currency: 'usd', pending: 0, onHold: 0, approved: 6000, paid: 0, earned: 6000 }]);
    expect(await w.events('commission.approved')).toHaveLength(2);
  });

  it('lists unpaid credits for review, with what refunds left of them', async () => {
    const a = await w.sell(10_000);
    const charge = build.charge({ amount: 10_000, payment_intent: a.paymentIntentId });
    w.t.fake.put(w.account, charge, build.refund({ charge: charge.id, payment_intent: a.paymentIntentId, amount: 2500 }));
    await w.send(build.event('charge.refunded', { ...charge, amount_refunded: 2500 }, { account: w.account }));
    const page = await w.m.browser.agent.get('/payouts/commissions?mode=test');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`value="${a.creditId}"`);
    expect(page.text).toContain('$15.00');
  });

  it('refuses read-only members', async () => {
    const { creditId } = await w.sell(10_000);
    await w.t.db.kysely.updateTable('memberships').set({ role: 'read_only' }).where('userId', '=', w.m.userId).execute();
    const page = await w.m.browser.agent.get('/payouts/commissions?mode=test');
    expect(page.text).not.toContain('name="ids"');
    const res = await w.m.browser.agent.post('/commissions/actions').type('form').send(new URLSearchParams({ _csrf: csrfFrom(page.text), action: 'approve', ids: creditId }).toString());
    expect(res.status).toBe(403);
    expect((await rowOf(creditId)).status).toBe('pending');
  });
});
