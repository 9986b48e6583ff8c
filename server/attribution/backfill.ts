// Backfill on connect: list the connected account's active subscriptions and bind the customers whose
// subscription or customer metadata carries a referral value of this program, so renewals of customers
// referred before Refcut was connected earn from the first invoice Refcut sees. Worked one page of 100
// subscriptions per step under a lease: the Stripe call happens before the page's short transaction,
// the transaction commits only while this worker still holds the lease, and the cursor lets any process
// carry on after a crash. Binding is keyed by the customer, so running it again binds nothing twice.
import Stripe from 'stripe';
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import { newId } from '../lib/ids';
import { retryDelayMs } from '../stripe/backoff';
import { idOf } from '../stripe/fields';
import { getSettings } from '../accounts/store';
import { findActiveConnection } from '../connect/store';
import { findBinding } from '../commissions/store';
import { referralCandidates } from './candidates';
import { resolveReferral } from './resolve';
import { bindCustomer, stripeCustomerKey, type NewBinding } from './bindings';
import * as store from './store';

export const BACKFILL_JOB = 'attribution-backfill';
const LEASE_MS = 2 * 60_000;
const MAX_FAILURES = 5;

export interface BackfillDeps {
  db: DB;
  clock: Clock;
  stripe: Stripe;
  logger: Logger;
}

/** Queue a run for the merchant's connected account; false when one is already queued or running. */
export async function queueBackfill(db: DB, clock: Clock, q: { merchantId: string; accountId: string; livemode: number; requestedBy: string }): Promise<boolean> {
  return store.insertBackfillIfNoneOpen(db, {
    id: newId('bfl'),
    merchantId: q.merchantId,
    accountId: q.accountId,
    livemode: q.livemode,
    openMerchantId: q.merchantId,
    status: 'queued',
    cursor: null,
    listed: 0,
    bound: 0,
    alreadyBound: 0,
    noReferral: 0,
    notMatched: 0,
    failures: 0,
    note: null,
    lockedBy: null,
    lockedUntil: null,
    requestedBy: q.requestedBy,
    createdAt: clock.now().toISOString(),
    startedAt: null,
    finishedAt: null,
  });
}

const isPermanent = (err: unknown) =>
  err instanceof Stripe.errors.StripePermissionError ||
  err instanceof Stripe.errors.StripeAuthenticationError ||
  (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'account_invalid');

class LeaseLost extends Error {}

/** What one page of subscriptions adds to the run's counts, and the bindings it asks for. */
interface PageTally {
  listed: number;
  alreadyBound: number;
  noReferral: number;
  notMatched: number;
  toBind: NewBinding[];
}

async function tallyPage(db: DB, run: store.BackfillRow, subscriptions: Stripe.Subscription[], program: { cookieDays: number; extraKeys: string[] }): Promise<PageTally> {
  const t: PageTally = { listed: 0, alreadyBound: 0, noReferral: 0, notMatched: 0, toBind: [] };
  for (const sub of subscriptions) {
    t.listed += 1;
    const customerId = idOf(sub.customer);
    if (!customerId) {
      t.noReferral += 1;
      continue;
    }
    const customerKey = stripeCustomerKey(customerId);
    if (await findBinding(db, run.merchantId, run.livemode, customerKey)) {
      t.alreadyBound += 1;
      continue;
    }
    const customer = typeof sub.customer === 'object' && !('deleted' in sub.customer && sub.customer.deleted) ? (sub.customer as Stripe.Customer) : null;
    const candidates = referralCandidates({ subscriptionMetadata: sub.metadata, customerMetadata: customer?.metadata }, program.extraKeys);
    if (candidates.length === 0) {
      t.noReferral += 1;
      continue;
    }
    // A click counts if it was inside the cookie window when the customer subscribed.
    const r = await resolveReferral(db, run.merchantId, candidates, { at: new Date(sub.created * 1000), cookieDays: program.cookieDays });
    if (r.kind !== 'partner') {
      t.notMatched += 1;
      continue;
    }
    t.toBind.push({
      merchantId: run.merchantId,
      livemode: run.livemode,
      customerKey,
      stripeCustomerId: customerId,
      customerEmail: customer?.email ?? null,
      customerName: customer?.name ?? null,
      partnerId: r.partner.id,
      clickId: r.clickId,
      referralValue: r.value,
      foundIn: r.foundIn,
      source: 'backfill',
    });
  }
  return t;
}

export function createBackfillWorker(deps: BackfillDeps) {
  const { db, clock, logger } = deps;
  const token = newId('bfw');

  const finish = (run: store.BackfillRow, status: 'done' | 'failed', note: string | null, extra: Partial<store.BackfillRow> = {}) =>
    store.updateHeldBackfill(db, run.id, token, { ...extra, status, note, openMerchantId: null, lockedBy: null, lockedUntil: null, finishedAt: clock.now().toISOString() });

  /** One page of one run. */
  async function step(run: store.BackfillRow): Promise<void> {
    const conn = await findActiveConnection(db, run.merchantId);
    if (!conn || conn.accountId !== run.accountId) {
      await finish(run, 'failed', 'The Stripe account was disconnected before the backfill finished.');
      return;
    }
    // Only this program's partners (and their clicks) can match: an empty program has nothing to bind.
    const anyPartner = await db.selectFrom('partners').select('id').where('merchantId', '=', run.merchantId).limit(1).executeTakeFirst();
    if (!anyPartner) {
      await finish(run, 'done', 'Skipped: the program has no partners yet. Add or import partners, then run the backfill again.');
      return;
    }
    const settings = await getSettings(db, run.merchantId);
    let page: Stripe.ApiList<Stripe.Subscription>;
    try {
      page = await deps.stripe.subscriptions.list(
        { status: 'active', limit: 100, expand: ['data.customer'], ...(run.cursor ? { starting_after: run.cursor } : {}) },
        { stripeAccount: run.accountId },
      );
    } catch (err) {
      const failures = run.failures + 1;
      const message = (err as Error).message?.slice(0, 500) ?? String(err);
      logger.warn({ err, merchantId: run.merchantId, accountId: run.accountId, backfillId: run.id }, 'backfill: listing subscriptions failed');
      if (isPermanent(err) || failures >= MAX_FAILURES) {
        await finish(run, 'failed', `Stripe refused or failed to list subscriptions: ${message}`, { failures });
        return;
      }
      await store.updateHeldBackfill(db, run.id, token, { failures, note: `Stripe did not answer (${message}); trying again shortly.`, lockedBy: null, lockedUntil: new Date(clock.now().getTime() + retryDelayMs(failures)).toISOString() });
      return;
    }
    const tally = await tallyPage(db, run, page.data, { cookieDays: settings.cookieDays, extraKeys: JSON.parse(settings.extraMetadataKeys) as string[] });
    const done = !page.has_more || page.data.length === 0;
    try {
      await db.transaction().execute(async (trx) => {
        let bound = 0;
        let alreadyBound = tally.alreadyBound;
        for (const b of tally.toBind) {
          // A webhook may have bound the customer since the tally: the earlier binding holds.
          if ((await bindCustomer(trx, clock, b)).created) bound += 1;
          else alreadyBound += 1;
        }
        const counts = {
          cursor: page.data.at(-1)?.id ?? run.cursor,
          listed: run.listed + tally.listed,
          bound: run.bound + bound,
          alreadyBound: run.alreadyBound + alreadyBound,
          noReferral: run.noReferral + tally.noReferral,
          notMatched: run.notMatched + tally.notMatched,
          failures: 0,
          note: null,
        };
        const ended = { status: 'done' as const, openMerchantId: null, finishedAt: clock.now().toISOString() };
        if (!(await store.updateHeldBackfill(trx, run.id, token, { ...counts, ...(done ? ended : {}), lockedBy: null, lockedUntil: null }))) throw new LeaseLost();
      });
    } catch (err) {
      // Another worker took the run over (this one was too slow): its page wins, ours is rolled back.
      if (err instanceof LeaseLost) return;
      throw err;
    }
  }

  return {
    /** Claim one run and work one page of it; the job runner calls again while this returns work done. */
    async run(): Promise<number> {
      const now = clock.now();
      const nowIso = now.toISOString();
      for (const { id } of await store.claimableBackfills(db, nowIso, 5)) {
        const run = await store.claimBackfill(db, id, token, nowIso, new Date(now.getTime() + LEASE_MS).toISOString());
        if (!run) continue;
        await step(run);
        return 1;
      }
      return 0;
    },
  };
}
