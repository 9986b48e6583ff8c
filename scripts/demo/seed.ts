// Fill a running Refcut with the demo story: a merchant signed up through the real form, Stripe connected
// through the real OAuth round trip (against the fake), a dozen partners with links, ninety days of clicks,
// partner applications, and the Stripe history replayed as signed webhooks. A payout was run and paid a
// month ago, so the ledger shows paid, approved and pending money. Used by `npm run demo` and the
// browser tests (at a smaller scale).
import type Stripe from 'stripe';
import type { DB } from '../../db';
import type { FakeStripe } from '../../test/fake-stripe';
import { FixedClock, type Clock } from '../../server/lib/clock';
import { SettingsForm } from '../../server/accounts/settings-schema';
import { saveSettings } from '../../server/accounts/service';
import { createLink, createPartner, setPartnerStatus } from '../../server/partners/service';
import { submitApplication } from '../../server/partners/applications';
import { decideDeal, registerDeal } from '../../server/portal/deals';
import { markPaid, runPayouts } from '../../server/payouts/service';
import { approveDue } from '../../server/payouts/approval';
import { APPLICANTS, CAST, DEALS, DEMO_ACCOUNT, DEMO_MERCHANT, DEMO_PROGRAM } from './cast';
import { insertClicks, planClicks, type PartnerTraffic } from './clicks';
import { planHistory, type HistoryCounts } from './history';
import { seededRng } from './random';
import { deliverAll, waitUntilProcessed, type EventTally } from './replay';
import { SessionClient } from './session-client';

const DAY_MS = 86_400_000;

export interface SeedTarget {
  /** Where the app listens, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** The app's own database handle. */
  db: DB;
  /** The app's clock: the story ends at its "now". */
  clock: Clock;
  fake: FakeStripe;
  /** Signs the webhooks (any client of the app's Stripe SDK). */
  stripe: Stripe;
  webhookSecret: string;
  /** 1 is the full demo (about 4,000 clicks and 500 events); tests use less. */
  scale?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface SeededPartner {
  id: string;
  name: string;
  code: string;
  email: string;
}

export interface SeedResult {
  merchantId: string;
  userId: string;
  publicId: string;
  email: string;
  password: string;
  account: string;
  partners: SeededPartner[];
  applications: number;
  clicks: number;
  events: number;
  history: HistoryCounts;
  tally: EventTally;
  payoutsPaid: number;
  /** The logged-in owner session, for callers that continue as the merchant. */
  client: SessionClient;
}

async function signUpAndConnect(target: SeedTarget) {
  const client = new SessionClient(target.baseUrl);
  const signup = await client.submit('/signup', { name: DEMO_MERCHANT.name, email: DEMO_MERCHANT.email, password: DEMO_MERCHANT.password });
  if (signup.status !== 303) throw new Error(`sign-up answered ${signup.status}: ${(await signup.text()).slice(0, 300)}`);
  const ids = await target.db
    .selectFrom('users')
    .innerJoin('memberships', 'memberships.userId', 'users.id')
    .innerJoin('merchants', 'merchants.id', 'memberships.merchantId')
    .select(['users.id as userId', 'merchants.id as merchantId', 'merchants.publicId'])
    .where('users.email', '=', DEMO_MERCHANT.email)
    .executeTakeFirstOrThrow();
  await saveSettings(target.db, target.clock, ids.merchantId, ids.userId, SettingsForm.parse(DEMO_PROGRAM));

  // The real OAuth round trip: Refcut → the authorize page (STRIPE_CONNECT_BASE) → back to the callback.
  target.fake.addAccount(DEMO_ACCOUNT);
  const { res, url } = await client.follow('/connect/stripe');
  await res.arrayBuffer();
  if (new URL(url).pathname !== '/stripe' || res.status !== 200) throw new Error(`connecting Stripe ended at ${url} (${res.status})`);
  const connected = await target.db.selectFrom('stripeConnections').select('accountId').where('activeMerchantId', '=', ids.merchantId).executeTakeFirst();
  if (connected?.accountId !== DEMO_ACCOUNT) throw new Error('Stripe did not connect');
  return { client, ...ids };
}

async function createCast(target: SeedTarget, merchantId: string, now: Date): Promise<PartnerTraffic[]> {
  const out: PartnerTraffic[] = [];
  for (const cast of CAST) {
    const joined = new FixedClock(new Date(now.getTime() - cast.joinedDaysAgo * DAY_MS));
    const partner = await createPartner(target.db, joined, merchantId, cast.input, 'demo');
    const main = await target.db.selectFrom('links').select(['id', 'slug', 'campaign']).where('partnerId', '=', partner.id).where('isDefault', '=', 1).executeTakeFirstOrThrow();
    const links = [main];
    for (const campaign of cast.campaigns ?? []) {
      const link = await createLink(target.db, joined, merchantId, partner.id, { campaign, slug: `${partner.code}-${campaign}` }, 'demo');
      links.push({ id: link.id, slug: link.slug, campaign: link.campaign });
    }
    out.push({ partnerId: partner.id, code: partner.code, cast, links });
  }
  // Nina asked for a break three weeks ago: her links still redirect, but clicks no longer earn.
  const nina = out.find((p) => p.code === 'nina')!;
  await setPartnerStatus(target.db, new FixedClock(new Date(now.getTime() - 21 * DAY_MS)), merchantId, nina.partnerId, { status: 'paused', reason: 'Paused at her request while on leave' }, 'demo');
  nina.pausedForDays = 21;
  return out;
}

/** A payout run on `at` (as the merchant would have clicked it then), sent by PayPal and marked paid two days later. */
async function payOut(db: DB, merchantId: string, userId: string, at: Date): Promise<number> {
  const run = await runPayouts({ db, clock: new FixedClock(at) }, merchantId, 0, userId);
  const paidOn = new Date(at.getTime() + 2 * DAY_MS).toISOString().slice(0, 10);
  for (const payout of run.payouts) {
    await markPaid({ db, clock: new FixedClock(`${paidOn}T15:00:00.000Z`) }, merchantId, payout.id, { paidOn, externalReference: `PAYPAL-BATCH-${paidOn.replace(/-/g, '')}` }, userId);
  }
  return run.payouts.length;
}

export async function seedDemo(target: SeedTarget): Promise<SeedResult> {
  const log = target.log ?? (() => {});
  const scale = target.scale ?? 1;
  const rng = seededRng(target.seed ?? 20261125);
  const now = target.clock.now();

  const { client, userId, merchantId, publicId } = await signUpAndConnect(target);
  log(`merchant ${DEMO_MERCHANT.name} signed up, Stripe account ${DEMO_ACCOUNT} connected`);

  const partners = await createCast(target, merchantId, now);
  for (const [i, a] of APPLICANTS.entries()) {
    await submitApplication(target.db, new FixedClock(new Date(now.getTime() - (i * 3 + 1) * DAY_MS)), merchantId, a);
  }
  for (const d of DEALS) {
    const partner = partners.find((p) => p.code === d.partner)!;
    const at = new Date(now.getTime() - d.daysAgo * DAY_MS);
    const { deal } = await registerDeal(target.db, new FixedClock(at), merchantId, partner.partnerId, { email: d.email, name: d.name, notes: d.notes });
    if (d.accept) await decideDeal(target.db, new FixedClock(new Date(at.getTime() + DAY_MS)), merchantId, deal.id, 'accept', null, userId);
  }

  const clicks = planClicks(rng, { merchantId, now, partners, destinationUrl: DEMO_PROGRAM.destinationUrl, cookieDays: Number(DEMO_PROGRAM.cookieDays), scale });
  await insertClicks(target.db, clicks.rows);
  log(`${partners.length} partners, ${clicks.rows.length.toLocaleString('en-US')} clicks over 90 days`);

  const history = planHistory(rng, { now, account: DEMO_ACCOUNT, partners, clicks: clicks.byPartner, scale });
  // Stripe already holds every object (in its current state) and event before the webhooks arrive.
  target.fake.put(DEMO_ACCOUNT, ...history.objects, ...history.events);

  const replay = { baseUrl: target.baseUrl, stripe: target.stripe, webhookSecret: target.webhookSecret, nowSeconds: () => Math.floor(target.clock.now().getTime() / 1000) };
  // The history arrives in slices, with the monthly payout runs in between (about two months and three
  // weeks ago), so each run holds only what had happened by its day.
  let delivered = 0;
  let payoutsPaid = 0;
  for (const daysAgo of [52, 22]) {
    const runAt = now.getTime() - daysAgo * DAY_MS;
    const due = history.events.filter((e, i) => i >= delivered && e.created * 1000 <= runAt);
    await deliverAll(replay, due);
    delivered += due.length;
    await waitUntilProcessed(target.baseUrl, target.db, DEMO_ACCOUNT);
    payoutsPaid += await payOut(target.db, merchantId, userId, new Date(runAt));
  }
  await deliverAll(replay, history.events.slice(delivered));
  const tally = await waitUntilProcessed(target.baseUrl, target.db, DEMO_ACCOUNT);
  // The holding period ended for older commissions: approve them now rather than at the job's next tick.
  while ((await approveDue(target.db, target.clock)) > 0) {
    /* next batch */
  }
  log(`${history.events.length} Stripe events replayed through the webhook: ${tally.processed} processed, ${tally.ignored} ignored, ${tally.failed} failed`);

  const rows = await target.db.selectFrom('partners').select(['id', 'name', 'code', 'email']).where('merchantId', '=', merchantId).orderBy('createdAt').execute();
  return {
    merchantId,
    userId,
    publicId,
    email: DEMO_MERCHANT.email,
    password: DEMO_MERCHANT.password,
    account: DEMO_ACCOUNT,
    partners: rows,
    applications: APPLICANTS.length,
    clicks: clicks.rows.length,
    events: history.events.length,
    history: history.counts,
    tally,
    payoutsPaid,
    client,
  };
}
