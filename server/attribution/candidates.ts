// Where a referral value can be found on Stripe objects, in the order the referral contract gives.
// Pure: takes what the handler gathered, returns candidates; the resolver decides which one belongs here.

export type Metadata = Record<string, string> | null | undefined;

export interface Candidate {
  value: string;
  /** Where it was found, e.g. 'session.client_reference_id', 'subscription.metadata.affiliate_id'. */
  foundIn: string;
}

export interface Sources {
  sessionClientReferenceId?: string | null;
  sessionMetadata?: Metadata;
  subscriptionMetadata?: Metadata;
  paymentIntentMetadata?: Metadata;
  customerMetadata?: Metadata;
}

export const PRIMARY_KEY = 'referral';
export const BUILT_IN_ALIASES = ['affiliate_id', 'affiliate_session_id'] as const;

/** Referral values are short tokens: click ids, codes, partner ids. Anything else is ignored as noise. */
const plausible = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0 && v.trim().length <= 200;

/**
 * Candidates in resolution order:
 *   1. session client_reference_id, then session metadata.referral
 *   2. subscription metadata.referral, then PaymentIntent metadata.referral
 *   3. customer metadata.referral
 *   4. the built-in aliases and the program's extra keys, in each of those places (same order)
 * (5. promotion codes are resolved separately, from a merchant-managed mapping.)
 */
export function referralCandidates(s: Sources, extraKeys: readonly string[] = []): Candidate[] {
  const out: Candidate[] = [];
  const push = (value: unknown, foundIn: string) => {
    if (plausible(value)) out.push({ value: value.trim(), foundIn });
  };
  const places: [string, Metadata][] = [
    ['session.metadata', s.sessionMetadata],
    ['subscription.metadata', s.subscriptionMetadata],
    ['payment_intent.metadata', s.paymentIntentMetadata],
    ['customer.metadata', s.customerMetadata],
  ];
  push(s.sessionClientReferenceId, 'session.client_reference_id');
  for (const [where, md] of places) push(md?.[PRIMARY_KEY], `${where}.${PRIMARY_KEY}`);
  const aliases = [...BUILT_IN_ALIASES, ...extraKeys.filter((k) => k !== PRIMARY_KEY)];
  for (const [where, md] of places) for (const key of aliases) push(md?.[key], `${where}.${key}`);
  // The same value found twice only needs resolving once (the first place wins for the explanation).
  const seen = new Set<string>();
  return out.filter((c) => (seen.has(c.value) ? false : (seen.add(c.value), true)));
}
