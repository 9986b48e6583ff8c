// One delivery of Stripe's webhook, from raw body to acknowledged: shared by the Express route
// (./routes.ts) and its lean path (./fast-intake.ts), so both verify, store, log and wake the worker alike.
import type { AppContext } from '../deps';
import { verifyWebhook } from './verify';
import * as service from './service';

/** Stripe event payloads are well under this; a bigger body is not an event we want (413). Express's '1mb'. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * Returns the function that takes one delivery. It resolves once the event is stored (or was already),
 * and rejects with an AppError (400) for a bad signature or body, or with the store's error (so the
 * caller answers 500 and Stripe retries).
 */
export function webhookReceiver(ctx: Pick<AppContext, 'db' | 'clock' | 'stripe' | 'config' | 'logger' | 'jobs'>) {
  const deps = { db: ctx.db.kysely, clock: ctx.clock };
  return async (raw: Buffer, signature: string | undefined): Promise<void> => {
    const event = verifyWebhook(ctx.stripe, raw, signature, ctx.config.stripe.webhookSecrets, ctx.clock.now().getTime());
    const stored = await service.storeEvent(deps, event, raw.toString('utf8'), 'webhook');
    ctx.logger.info({ eventId: event.id, accountId: event.account ?? null, type: event.type, livemode: event.livemode, duplicate: !stored }, 'stripe webhook received');
    if (stored) ctx.jobs.kick(service.STRIPE_EVENTS_JOB);
  };
}
