import Stripe from 'stripe';
import type { DB } from '../../db';
import type { AppContext } from '../deps';
import { newId } from '../lib/ids';
import { backgroundTurn } from '../lib/turns';
import { connectionForEvent } from '../connect/store';
import { MAX_ATTEMPTS, retryDelayMs } from './backoff';
import { EventIgnored, type HandlerContext, type HandlerMap } from './handlers/types';
import { handlers as defaultHandlers, MODE_INDEPENDENT_TYPES } from './handlers';
import * as store from './store';

export type WorkerDeps = Pick<AppContext, 'clock' | 'stripe' | 'logger' | 'jobs'> & { db: DB };

export interface WorkerOptions {
  handlers?: HandlerMap;
  /** Events claimed per pass. */
  batchSize?: number;
  /** How long a claim holds before another worker may take the event over (a crashed process). */
  leaseMs?: number;
  /** Connected accounts whose events are processed side by side (one account's events stay in order). */
  concurrency?: number;
}

/** Why an event is kept but not applied. Shown on the events page; re-running re-checks. */
export type IgnoredReason = 'no_account' | 'unknown_account' | 'livemode_mismatch' | 'no_handler';

/**
 * Stripe refuses every call for an account that revoked our access: retrying cannot help, so such
 * failures wait for a manual re-run instead of retrying for days.
 */
const isPermanent = (err: unknown) =>
  err instanceof Stripe.errors.StripePermissionError ||
  err instanceof Stripe.errors.StripeAuthenticationError ||
  (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'account_invalid');

const errorText = (err: unknown): string => {
  const e = err as { type?: string; message?: string };
  const text = e?.message ?? String(err);
  return (e?.type && e.type !== 'Error' ? `${e.type}: ${text}` : text).slice(0, 1000);
};

/** The stored-event processor: claims due events, routes each to its handler, records the outcome. */
export function createEventWorker(deps: WorkerDeps, options: WorkerOptions = {}) {
  const handlers = options.handlers ?? defaultHandlers;
  const batchSize = options.batchSize ?? 25;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const concurrency = options.concurrency ?? 4;
  const { db, clock, logger } = deps;

  async function processClaimed(row: store.StoredEvent, token: string): Promise<void> {
    const id = row.id;
    const event = JSON.parse(row.payload) as Stripe.Event;
    const log = { eventId: row.id, accountId: row.accountId, type: row.type, livemode: row.livemode === 1, attempt: row.attempts };
    const ignore = async (reason: IgnoredReason | string) => {
      await store.finishEvent(db, id, token, { status: 'ignored', at: clock.now().toISOString(), reason });
      logger.info({ ...log, status: 'ignored', reason }, 'stripe event ignored');
    };

    if (!row.accountId) return ignore('no_account');
    const conn = await connectionForEvent(db, row.accountId, row.created);
    if (!conn) return ignore('unknown_account');
    if (row.merchantId !== conn.merchantId || row.connectionId !== conn.id) await store.setEventRouting(db, id, conn.merchantId, conn.id);
    // A live connection's endpoint also receives its test events: they are kept apart, never applied.
    if (row.livemode !== conn.livemode && !MODE_INDEPENDENT_TYPES.has(row.type)) return ignore('livemode_mismatch');
    const handler = handlers[row.type];
    if (!handler) return ignore('no_handler');

    const h: HandlerContext = {
      db,
      stripe: deps.stripe,
      clock,
      logger,
      jobs: deps.jobs,
      merchantId: conn.merchantId,
      accountId: conn.accountId,
      connection: { id: conn.id, livemode: conn.livemode === 1, connectedAt: conn.connectedAt, disconnectedAt: conn.disconnectedAt },
      requestOptions: { stripeAccount: conn.accountId },
    };
    try {
      await handler(h, event);
      await store.finishEvent(db, id, token, { status: 'processed', at: clock.now().toISOString() });
      logger.info({ ...log, merchantId: conn.merchantId, status: 'processed' }, 'stripe event processed');
    } catch (err) {
      if (err instanceof EventIgnored) return ignore(err.reason);
      const giveUp = isPermanent(err) || row.attempts >= MAX_ATTEMPTS;
      const nextAttemptAt = giveUp ? null : new Date(clock.now().getTime() + retryDelayMs(row.attempts)).toISOString();
      await store.finishEvent(db, id, token, { status: 'failed', error: errorText(err), nextAttemptAt });
      logger.warn({ ...log, merchantId: conn.merchantId, status: 'failed', nextAttemptAt, err }, 'stripe event failed');
    }
  }

  return {
    /** One pass: claim and process up to a batch of due events. Returns how many this worker claimed. */
    async run(): Promise<number> {
      const now = clock.now();
      const token = newId('lck');
      const leaseUntil = now.getTime() + leaseMs;
      // One statement claims the whole batch under one lease token (see claimDueEvents).
      const claimed = await store.claimDueEvents(db, now.toISOString(), new Date(leaseUntil).toISOString(), token, batchSize);
      // One lane per connected account, in the order the events happened (a customer's session before its
      // invoice, a sale before its refund). Lanes overlap, so while one waits for the Stripe API the others
      // use the time; their transactions still run one at a time on SQLite's single connection.
      const lanes = new Map<string, store.StoredEvent[]>();
      for (const row of claimed) {
        const key = row.accountId ?? '';
        const lane = lanes.get(key);
        if (lane) lane.push(row);
        else lanes.set(key, [row]);
      }
      const queue = [...lanes.values()];
      // Lanes take turns with each other and with every other background job, one event per turn of the
      // event loop, with requests let in between (lib/turns.ts).
      const runLanes = async () => {
        for (let lane = queue.shift(); lane; lane = queue.shift()) {
          for (const row of lane) {
            await backgroundTurn();
            // A slow lane (a slow Stripe API) can outlive the batch's lease: another process may then have
            // claimed the rest, so leave them to it (they stay due and are claimed again otherwise).
            if (clock.now().getTime() >= leaseUntil) continue;
            try {
              await processClaimed(row, token);
            } catch (err) {
              // Our own bookkeeping failed (database trouble): the lease runs out and the event is retried.
              logger.error({ err, eventId: row.id }, 'stripe event processing crashed');
            }
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, runLanes));
      return claimed.length;
    },
  };
}
