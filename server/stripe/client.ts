import Stripe from 'stripe';
import type { Config } from '../config';

export const STRIPE_API_VERSION = '2026-10-28.endive' as const;

/**
 * The platform's Stripe client. Every call about a merchant passes `{ stripeAccount }` as the LAST
 * argument (request options), never inside params. A non-default STRIPE_API_BASE points every SDK
 * call, OAuth included, at that host (a local fake in tests).
 */
export function createStripe(config: Config, overrides: Partial<Stripe.StripeConfig> = {}): Stripe {
  const base = new URL(config.stripe.apiBase);
  const custom = config.stripe.apiBase !== 'https://api.stripe.com';
  const stripe = new Stripe(config.stripe.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: 'Refcut', url: 'https://github.com/refcut/refcut' },
    ...(custom
      ? { host: base.hostname, port: Number(base.port || (base.protocol === 'http:' ? 80 : 443)), protocol: base.protocol === 'http:' ? 'http' : 'https' }
      : {}),
    ...overrides,
  });
  stripe.setClientId?.(config.stripe.clientId);
  return stripe;
}
