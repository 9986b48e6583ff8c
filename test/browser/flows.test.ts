// The merchant's key flows in a real browser, one after another on one app: sign up, connect Stripe,
// a commission appearing after a signed webhook, approving an application, running a payout and
// downloading its CSV, and a partner signing in to the portal by link. Then the demo story fills a
// second program for the screenshots and the accessibility check of the main pages.
import fs from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { build } from '../fake-stripe';
import { deliver } from '../helpers/stripe';
import { settle } from '../helpers/app';
import { buildPartner } from '../helpers/partners';
import { createStripe } from '../../server/stripe/client';
import { seedDemo, type SeedResult } from '../../scripts/demo/seed';
import { DEMO_ACCOUNT } from '../../scripts/demo/cast';
import { axeViolations, launchChromium, screenshot, startBrowserApp, type AxeViolation, type BrowserApp } from './harness';

jest.setTimeout(120_000);

let app: BrowserApp;
let browser: Browser;
let merchant: BrowserContext;
let page: Page;
const owner = { name: 'Tiny Shop', email: 'owner@tinyshop.test', password: 'tiny shop password 1' };
let ids: { merchantId: string; publicId: string };

beforeAll(async () => {
  [app, browser] = await Promise.all([startBrowserApp(), launchChromium()]);
  merchant = await browser.newContext({ baseURL: app.base, viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await merchant.newPage();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const flash = (p: Page) => p.locator('p.flash').first();
/** Click a link or a submit button and wait for the page it leads to (after any redirects). */
const follow = async (p: Page, target: Locator) => {
  await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), target.click()]);
};

describe('signing up', () => {
  it('creates the merchant through the form and lands on the overview', async () => {
    await page.goto('/signup');
    await page.getByLabel('Business name').fill(owner.name);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await follow(page, page.getByRole('button', { name: 'Create account' }));
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    const row = await app.t.db.kysely
      .selectFrom('users')
      .innerJoin('memberships', 'memberships.userId', 'users.id')
      .innerJoin('merchants', 'merchants.id', 'memberships.merchantId')
      .select(['merchants.id as merchantId', 'merchants.publicId', 'merchants.name', 'memberships.role'])
      .where('users.email', '=', owner.email)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: owner.name, role: 'owner' });
    ids = { merchantId: row.merchantId, publicId: row.publicId };
  });
});

describe('connecting Stripe', () => {
  it('goes to the authorize page and back through the OAuth callback, then shows the account', async () => {
    await page.goto('/stripe');
    await follow(page, page.locator('a[href="/connect/stripe"]'));
    expect(new URL(page.url()).pathname).toBe('/stripe');
    await expect(page.locator('body').textContent()).resolves.toContain(`Stripe connected: ${app.grant.account} (test mode).`);
    const [authorize] = app.authorize.requests;
    expect(Object.fromEntries(authorize!.searchParams)).toMatchObject({ response_type: 'code', client_id: 'ca_test_platform', scope: 'read_write', redirect_uri: `${app.base}/connect/stripe/callback`, 'stripe_user[email]': owner.email });
    const conn = await app.t.db.kysely.selectFrom('stripeConnections').select(['accountId', 'livemode', 'activeMerchantId']).executeTakeFirstOrThrow();
    expect(conn).toEqual({ accountId: app.grant.account, livemode: 0, activeMerchantId: ids.merchantId });
  });
});

describe('a commission after a signed webhook', () => {
  it('shows the sale on the commissions page once Stripe’s event is processed', async () => {
    const partner = await buildPartner(app.t.db.kysely, ids.merchantId, { name: 'Jane Doe', email: 'jane@partners.test', code: 'jane' });
    const session = build.checkoutSession({ client_reference_id: 'jane', amount_total: 30000, amount_subtotal: 30000, currency: 'usd' });
    const res = await deliver(app.t, build.event('checkout.session.completed', session, { account: app.grant.account }));
    expect(res.status).toBe(200);
    await settle(app.t);
    await page.goto('/commissions');
    const row = page.locator('tr', { hasText: 'Jane Doe' });
    await expect(row.textContent()).resolves.toMatch(/\$300\.00[\s\S]*\$60\.00/);
    const credit = await app.t.db.kysely.selectFrom('commissions').select(['partnerId', 'kind', 'amount', 'net', 'currency', 'status']).executeTakeFirstOrThrow();
    expect(credit).toEqual({ partnerId: partner.id, kind: 'credit', amount: 6000, net: 6000, currency: 'usd', status: 'pending' });
  });
});

describe('approving an application', () => {
  it('lets a visitor apply on the public page and the merchant approve them', async () => {
    const visitor = await browser.newContext({ baseURL: app.base });
    const apply = await visitor.newPage();
    await apply.goto(`/apply/${ids.publicId}`);
    await apply.getByLabel('Your name').fill('Ravi Patel');
    await apply.getByLabel('Email').fill('ravi@reviews.test');
    await apply.getByLabel('Website or channel (optional)').fill('https://reviews.test');
    await apply.getByLabel('Why would you like to join? (optional)').fill('I review shop tools.');
    await follow(apply, apply.getByRole('button', { name: 'Apply' }));
    await expect(apply.locator('body').textContent()).resolves.toContain(`Thanks! ${owner.name} has your application for ravi@reviews.test.`);
    await visitor.close();

    await page.goto('/applications');
    await follow(page, page.locator('section', { hasText: 'ravi@reviews.test' }).getByRole('button', { name: 'Approve' }));
    expect(new URL(page.url()).pathname).toBe('/applications');
    await expect(flash(page).textContent()).resolves.toMatch(/Ravi Patel approved: partner created with code [a-z0-9-]+\./);
    const partner = await app.t.db.kysely.selectFrom('partners').select(['name', 'status']).where('email', '=', 'ravi@reviews.test').executeTakeFirstOrThrow();
    expect(partner).toEqual({ name: 'Ravi Patel', status: 'active' });
  });
});

describe('running a payout', () => {
  it('pays the approved commission once the holding period is over, and downloads the CSV', async () => {
    app.t.clock.advanceDays(31);
    await page.goto('/payouts');
    await follow(page, page.getByRole('button', { name: /Run payouts/ }));
    expect(page.url()).toBe(`${app.base}/payouts?mode=test`);
    await expect(flash(page).textContent()).resolves.toContain('Created 1 payout totalling $60.00.');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Generic CSV' }).first().click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split('\n');
    const payout = await app.t.db.kysely.selectFrom('payouts').select(['id', 'amount', 'status']).executeTakeFirstOrThrow();
    const commission = await app.t.db.kysely.selectFrom('commissions').select('id').executeTakeFirstOrThrow();
    expect(payout).toMatchObject({ amount: 6000, status: 'processing' });
    expect(csv).toEqual(['payout_id,partner,email,amount,currency,status,commission_ids', `${payout.id},Jane Doe,jane@partners.test,60.00,usd,processing,${commission.id}`]);
    expect(download.suggestedFilename()).toMatch(/^payouts-prun_\w+\.csv$/);
  });
});

describe('the partner portal', () => {
  it('signs the partner in with the one-time link the merchant generates', async () => {
    const jane = await app.t.db.kysely.selectFrom('partners').select('id').where('code', '=', 'jane').executeTakeFirstOrThrow();
    await page.goto(`/partners/${jane.id}`);
    await follow(page, page.getByRole('button', { name: 'Portal link' }));
    const link = await page.locator('#portal-link').inputValue();
    expect(link).toMatch(new RegExp(`^${app.base}/portal/${ids.publicId}/enter\\?token=\\w+$`));

    const partner = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const portal = await partner.newPage();
    await portal.goto(link);
    await follow(portal, portal.getByRole('button', { name: 'Sign in' }));
    expect(portal.url()).toBe(`${app.base}/portal/${ids.publicId}`);
    const text = (await portal.locator('main').textContent()) ?? '';
    expect(text).toContain('jane');
    expect(text).toContain('$60.00');
    // Single use: the same link cannot start a second session.
    const again = await (await browser.newContext()).newPage();
    const reused = await again.goto(link);
    expect(reused!.status()).toBe(410);
    await partner.close();
  });
});

describe('the demo program: screenshots and accessibility', () => {
  let demo: SeedResult;
  let owner2: Page;
  let portal: Page;

  beforeAll(async () => {
    // A second program, filled with the demo story (smaller than `npm run demo`) through the same webhook.
    app.grant.account = app.fake.addAccount(DEMO_ACCOUNT);
    demo = await seedDemo({ baseUrl: app.base, db: app.t.db.kysely, clock: app.t.clock, fake: app.fake, stripe: createStripe(app.t.config, { maxNetworkRetries: 0 }), webhookSecret: app.t.config.stripe.webhookSecrets[0]!, scale: 0.4 });
    await settle(app.t);
    const ctx = await browser.newContext({ baseURL: app.base, viewport: { width: 1280, height: 800 } });
    owner2 = await ctx.newPage();
    await owner2.goto('/login');
    await owner2.getByLabel('Email').fill(demo.email);
    await owner2.getByLabel('Password').fill(demo.password);
    await follow(owner2, owner2.getByRole('button', { name: 'Log in' }));
    expect(new URL(owner2.url()).pathname).toBe('/dashboard');

    // The portal of the partner who was paid the most: every column of the balance has something in it.
    const top = await app.t.db.kysely
      .selectFrom('commissions')
      .select(['partnerId', (eb) => eb.fn.sum<number>('net').as('paid')])
      .where('merchantId', '=', demo.merchantId)
      .where('status', '=', 'paid')
      .groupBy('partnerId')
      .orderBy('paid', 'desc')
      .executeTakeFirstOrThrow();
    await owner2.goto(`/partners/${top.partnerId}`);
    await follow(owner2, owner2.getByRole('button', { name: 'Portal link' }));
    const link = await owner2.locator('#portal-link').inputValue();
    portal = await (await browser.newContext({ baseURL: app.base, viewport: { width: 1280, height: 800 } })).newPage();
    await portal.goto(link);
    await follow(portal, portal.getByRole('button', { name: 'Sign in' }));
    expect(portal.url()).toBe(`${app.base}/portal/${demo.publicId}`);
  });

  it('replayed every event of the story without a failure', () => {
    expect(demo.tally).toEqual({ processed: demo.events, ignored: 0, failed: 0, waiting: 0 });
    expect(demo.partners).toHaveLength(12);
  });

  it('captures the overview and the partner portal for the docs', async () => {
    await owner2.goto('/dashboard?period=90');
    expect(await owner2.locator('h1').textContent()).toBe('Acme Analytics');
    expect(fs.statSync(await screenshot(owner2, 'overview')).size).toBeGreaterThan(20_000);
    expect(fs.statSync(await screenshot(portal, 'partner-portal')).size).toBeGreaterThan(20_000);
  });

  it('has no critical accessibility violations on the main pages', async () => {
    const maya = demo.partners.find((p) => p.code === 'maya')!;
    const merchantPages = ['/dashboard', '/partners', `/partners/${maya.id}`, '/applications', '/commissions', '/unattributed', '/payouts', '/events', '/stripe', '/settings'];
    const found: Record<string, AxeViolation[]> = {};
    const check = async (p: Page, url: string) => {
      const res = await p.goto(url);
      expect([url, res!.status()]).toEqual([url, 200]);
      const critical = (await axeViolations(p)).filter((v) => v.impact === 'critical');
      if (critical.length > 0) found[url] = critical;
    };
    for (const url of merchantPages) await check(owner2, url);
    const base = new URL(portal.url()).pathname;
    for (const url of [base, `${base}/links`, `${base}/customers`, `${base}/commissions`, `${base}/payouts`]) await check(portal, url);
    const visitor = await (await browser.newContext({ baseURL: app.base })).newPage();
    for (const url of ['/login', '/signup', `/apply/${demo.publicId}`, `${base}/login`]) await check(visitor, url);
    expect(found).toEqual({});
  });
});
