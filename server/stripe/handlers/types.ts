import type Stripe from 'stripe';
import type { DB } from '../../../db';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { Jobs } from '../../jobs';

/**
 * What a handler gets besides the event: the merchant the event belongs to (from the connection that
 * was active when it was created), clients, and the request options for calls made as that account.
 */
export interface HandlerContext {
  db: DB;
  stripe: Stripe;
  clock: Clock;
  logger: Logger;
  jobs: Jobs;
  merchantId: string;
  accountId: string;
  connection: { id: string; livemode: boolean; connectedAt: string; disconnectedAt: string | null };
  /** Pass as the LAST argument of every SDK call: `h.stripe.invoices.retrieve(id, { expand }, h.requestOptions)`. */
  requestOptions: { stripeAccount: string };
}

/**
 * A handler first gathers from Stripe what it needs, then applies its changes in ONE short transaction
 * with no I/O inside, keyed by natural ids so running it twice changes nothing. Throwing marks the event
 * failed (retried with backoff); throwing EventIgnored ends it as ignored with a reason.
 */
export type StripeEventHandler = (h: HandlerContext, event: Stripe.Event) => Promise<void>;

export type HandlerMap = Partial<Record<string, StripeEventHandler>>;

export type EventOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>;

/** Type a handler for one event type, so its body sees the exact payload type. */
export function handlerFor<T extends Stripe.Event.Type>(type: T, fn: (h: HandlerContext, event: EventOf<T>) => Promise<void>): StripeEventHandler {
  return (h, event) => {
    if (event.type !== type) throw new Error(`handler for ${type} received ${event.type}`);
    return fn(h, event as EventOf<T>);
  };
}

/** Thrown by a handler that decides an event does not concern us: stored as `ignored` with this reason. */
export class EventIgnored extends Error {
  constructor(public readonly reason: string) {
    super(reason);
    this.name = 'EventIgnored';
  }
}
