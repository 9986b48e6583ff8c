import Stripe from 'stripe';
import { AppError, fromZodError } from '../http/errors';
import { EventEnvelope } from './schema';

/** Seconds a signature stays valid (Stripe's default). Only past timestamps are bounded. */
export const SIGNATURE_TOLERANCE_S = 300;

const badSignature = (message: string) => new AppError(400, 'signature_invalid', message);

/**
 * Verify the raw body against each configured secret (two during a rotation) and check that what was
 * signed is an event. `nowMs` comes from the app's clock, so tests control "stale".
 */
export function verifyWebhook(stripe: Stripe, raw: Buffer, header: string | undefined, secrets: string[], nowMs: number): Stripe.Event {
  if (!header) throw badSignature('Missing Stripe-Signature header.');
  let lastProblem = 'No signature matches.';
  for (const secret of secrets) {
    let parsed: Stripe.Event;
    try {
      parsed = stripe.webhooks.constructEvent(raw, header, secret, SIGNATURE_TOLERANCE_S, undefined, nowMs);
    } catch (err) {
      if (err instanceof Stripe.errors.StripeSignatureVerificationError) {
        // A stale timestamp means the signature matched this secret: that is the useful message to keep.
        if (!/timestamp/i.test(lastProblem)) lastProblem = err.message;
        continue;
      }
      // The signature matched but the body is not JSON.
      throw new AppError(400, 'invalid_json', 'The signed body is not a Stripe event.');
    }
    const envelope = EventEnvelope.safeParse(parsed);
    if (!envelope.success) {
      const e = fromZodError(envelope.error);
      throw new AppError(400, 'invalid_request', `The signed body is not a Stripe event (${e.message}).`, e.param);
    }
    return parsed;
  }
  throw badSignature(`Invalid Stripe-Signature: ${lastProblem}`);
}
