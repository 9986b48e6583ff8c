import type Stripe from 'stripe';
import { EventIgnored, type HandlerContext } from '../../stripe/handlers/types';
import { getSettings } from '../../accounts/store';
import { isKnownCurrency } from '../../lib/money';
import type { SaleEnv } from '../sales';
import { wake, type WaitKey } from '../parking';

/** The ledger environment of one Stripe event: program terms, disconnect time, and the cause to record. */
export async function saleEnv(h: HandlerContext, event: Stripe.Event): Promise<SaleEnv> {
  return {
    clock: h.clock,
    program: await getSettings(h.db, h.merchantId),
    disconnectedAt: h.connection.disconnectedAt,
    cause: { type: 'stripe_event', id: event.id },
  };
}

export const livemodeOf = (event: Stripe.Event): number => (event.livemode ? 1 : 0);
export const unixToIso = (s: number): string => new Date(s * 1000).toISOString();

/** Run the event's changes in one transaction, then re-run parked events the changes unblocked. */
export async function commit(h: HandlerContext, event: Stripe.Event, fn: (trx: HandlerContext['db']) => Promise<WaitKey[]>): Promise<void> {
  const keys = await h.db.transaction().execute(fn);
  if (keys.length > 0) await wake(h.db, h.clock, h.jobs, h.merchantId, livemodeOf(event), [...new Set(keys)]);
}

/**
 * A signed payload can still carry values no sale can have (a currency nobody knows, a negative or
 * fractional amount): such an event is kept, ignored with the reason, and never becomes a ledger row.
 */
export function checkSaleValues(currency: unknown, amounts: Record<string, unknown>, signed: Record<string, unknown> = {}): void {
  if (typeof currency !== 'string' || !/^[a-z]{3}$/.test(currency) || !isKnownCurrency(currency)) throw new EventIgnored(`invalid currency: ${String(currency).slice(0, 20)}`);
  for (const [field, v] of Object.entries(amounts)) {
    if (v !== null && v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= 0)) throw new EventIgnored(`invalid ${field}: ${String(v).slice(0, 20)}`);
  }
  for (const [field, v] of Object.entries(signed)) {
    if (v !== null && v !== undefined && !Number.isSafeInteger(v)) throw new EventIgnored(`invalid ${field}: ${String(v).slice(0, 20)}`);
  }
}
