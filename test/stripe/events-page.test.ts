import { browser, settle, signUpMerchant, type SignedUpMerchant } from '../helpers/app';
import { buildTestAppWithStripe, connectStripe, deliver, storedEvent, type StripeTestApp } from '../helpers/stripe';
import { build } from '../fake-stripe';

let t: StripeTestApp;
let m: SignedUpMerchant;
let account: string;
beforeEach(async () => {
  t = await buildTestAppWithStripe();
  m = await signUpMerchant(t);
  account = await connectStripe(t, m);
});
afterEach(() => t.close());

/** Rows of the events table as text: [type, status, attempts]. */
function tableRows(html: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => {
    const cells = [...r[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '').trim());
    return [cells[1]!.replace(/test$/, ''), cells[3]!, cells[4]!];
  });
}

describe('the events page', () => {
  it('lists the merchant\'s events newest first with status, attempts, outcome and links to the Stripe objects', async () => {
    const sub = build.subscription({ id: 'sub_1Page' });
    t.fake.put(account, sub);
    await deliver(t, build.event('customer.subscription.created', sub, { account, created: new Date('2026-11-25T11:00:00Z') }));
    await deliver(t, build.event('payment_intent.created', build.paymentIntent({ id: 'pi_1Page' }), { account, created: new Date('2026-11-25T11:30:00Z') }));
    // Processed before the fault is armed: otherwise the worker may still be on the first event (it was on
    // PostgreSQL in one CI run), which then takes the failure meant for the third.
    await settle(t);
    t.fake.failNext(1, { status: 500 });
    const failing = build.event('customer.subscription.updated', sub, { account, created: new Date('2026-11-25T11:45:00Z') });
    await deliver(t, failing);
    await settle(t);

    const page = await m.browser.agent.get('/events');
    expect(page.status).toBe(200);
    expect(tableRows(page.text)).toEqual([
      ['customer.subscription.updated', 'failed', '1'],
      ['payment_intent.created', 'ignored', '1'],
      ['customer.subscription.created', 'processed', '1'],
    ]);
    expect(page.text).toContain('href="https://dashboard.stripe.com/test/subscriptions/sub_1Page"');
    expect(page.text).toContain('href="https://dashboard.stripe.com/test/payments/pi_1Page"');
    expect(page.text).toContain('Refcut does not use this event type');
    expect(page.text).toContain('StripeAPIError: An unknown error occurred');
    expect(page.text).toContain('Next try 2026-11-25 12:01:00');
    expect(page.text).toContain(`action="/events/${failing.id}/rerun"`);

    const failed = await m.browser.agent.get('/events?status=failed');
    expect(tableRows(failed.text).map((r) => r[0])).toEqual(['customer.subscription.updated']);
    const byType = await m.browser.agent.get('/events?type=payment_intent.created');
    expect(tableRows(byType.text).map((r) => r[0])).toEqual(['payment_intent.created']);
    const nonsense = await m.browser.agent.get('/events?status=bogus&page=-3');
    expect(tableRows(nonsense.text)).toHaveLength(3);
  });

  it('pages through many events', async () => {
    for (let i = 0; i < 52; i++) await deliver(t, build.event('payment_intent.created', build.paymentIntent(), { account, created: new Date(Date.parse('2026-11-25T10:00:00Z') + i * 1000) }));
    const first = await m.browser.agent.get('/events');
    expect(tableRows(first.text)).toHaveLength(50);
    expect(first.text).toContain('href="/events?page=2"');
    const second = await m.browser.agent.get('/events?page=2');
    expect(tableRows(second.text)).toHaveLength(2);
    expect(second.text).not.toContain('page=3');
  });

  it('shows one event with its payload, escaped', async () => {
    const e = build.event('customer.updated', build.customer({ metadata: { note: '<script>alert(1)</script>' } }), { account });
    await deliver(t, e);
    const page = await m.browser.agent.get(`/events/${e.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('&lt;script>alert(1)&lt;/script>');
    expect(page.text).not.toContain('<script>alert(1)</script>');
  });

  it('re-runs an event on request and comes back to the page it was asked from', async () => {
    const e = build.event('payment_intent.created', build.paymentIntent(), { account });
    await deliver(t, e);
    await settle(t);
    const res = await m.browser.submit(`/events/${e.id}/rerun`, { back: '/events?status=ignored' }, '/events');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/events?status=ignored');
    await settle(t);
    expect(await storedEvent(t, e.id)).toMatchObject({ status: 'ignored', attempts: 2 });
    const offsite = await m.browser.submit(`/events/${e.id}/rerun`, { back: 'https://evil.example/' }, '/events');
    expect(offsite.headers.location).toBe('/events');
  });
});

describe('who sees which events', () => {
  it('never shows or re-runs another merchant\'s events', async () => {
    const e = build.event('payment_intent.created', build.paymentIntent(), { account });
    await deliver(t, e);
    await settle(t);
    const other = await signUpMerchant(t);
    expect((await other.browser.agent.get('/events')).text).not.toContain(e.id);
    expect((await other.browser.agent.get(`/events/${e.id}`)).status).toBe(404);
    expect((await other.browser.submit(`/events/${e.id}/rerun`, {}, '/events')).status).toBe(404);
    expect((await storedEvent(t, e.id)).attempts).toBe(1);
  });

  it('lets read-only users look but not re-run or catch up', async () => {
    const e = build.event('payment_intent.created', build.paymentIntent(), { account });
    await deliver(t, e);
    const invite = await m.browser.submit('/team/invites', { role: 'read_only' }, '/team');
    const invitePath = /http:\/\/refcut\.test(\/invite\/[A-Za-z0-9]+)/.exec(invite.text)![1]!;
    const reader = browser(t);
    await reader.submit(invitePath, { name: 'Rita', email: 'rita@shop.test', password: 'a long enough password' });
    const page = await reader.agent.get('/events');
    expect(page.text).toContain(e.id);
    expect(page.text).not.toContain('/rerun');
    expect(page.text).not.toContain('/events/sync');
    expect((await reader.submit(`/events/${e.id}/rerun`, {}, '/events')).status).toBe(403);
    expect((await reader.submit('/events/sync', { since: '2026-11-20' }, '/events')).status).toBe(403);
  });
});
