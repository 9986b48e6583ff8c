import type { IncomingMessage, ServerResponse } from 'node:http';

export declare const REFERRAL_COOKIE: 'refcut_ref';
export declare const EXPIRY_COOKIE: 'refcut_exp';

export interface RefcutReferralOptions {
  /** The program's cookie window in days (Settings → Cookie window). Default 60. */
  cookieDays?: number;
  /** The program's attribution model. Default 'last_click'. */
  attributionModel?: 'last_click' | 'first_click';
  /** Cookie domain, e.g. ".example.com" to share the referral across subdomains. */
  domain?: string;
  /** Force the Secure attribute; by default set when the request is HTTPS (req.secure or X-Forwarded-Proto). */
  secure?: boolean;
  /** Clock for tests. */
  now?: () => number;
}

export declare function refcutReferral(
  options?: RefcutReferralOptions,
): (req: IncomingMessage & { refcutReferral?: string | null; originalUrl?: string; secure?: boolean }, res: ServerResponse & { locals?: Record<string, unknown> }, next?: (err?: unknown) => void) => void;

export declare function readReferral(cookieHeader: string | undefined): string | null;

export interface CheckoutReferralParams {
  client_reference_id?: string;
  metadata?: { referral: string };
  subscription_data?: { metadata: { referral: string } };
  payment_intent_data?: { metadata: { referral: string } };
}

export declare function checkoutParams(referral: string | null | undefined, mode: 'subscription' | 'payment' | 'setup'): CheckoutReferralParams;

export declare function parseCookies(header: string | undefined): Record<string, string>;
