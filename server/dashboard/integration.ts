// The integration check: of the account's recent paid Checkout Sessions and invoices (from the stored
// webhook events), which carried a referral value where the referral contract puts it, and which did not.
import type { DB } from '../../db';
import { referralCandidates, type Candidate, type Metadata } from '../attribution/candidates';

export type CheckedType = 'checkout.session.completed' | 'invoice.paid';
export const CHECKED_TYPES: CheckedType[] = ['checkout.session.completed', 'invoice.paid'];

export interface CheckedPayment {
  eventId: string;
  type: CheckedType;
  objectId: string;
  created: string;
  amount: number;
  currency: string;
  email: string | null;
  referral: Candidate | null;
  /** Credited to a partner anyway (the customer was bound earlier): only renewals keep working then. */
  attributed: boolean;
}

interface SessionLike {
  id?: string;
  payment_status?: string;
  client_reference_id?: string | null;
  metadata?: Metadata;
  amount_total?: number | null;
  currency?: string | null;
  customer_details?: { email?: string | null } | null;
}
interface InvoiceLike {
  id?: string;
  amount_paid?: number;
  currency?: string;
  customer_email?: string | null;
  parent?: { subscription_details?: { metadata?: Metadata } | null } | null;
}

/** What one stored event says (pure): undefined when it is not a paid session or invoice. */
export function checkPayment(type: string, object: unknown, extraKeys: string[]): Omit<CheckedPayment, 'eventId' | 'created' | 'attributed'> | undefined {
  if (type === 'checkout.session.completed') {
    const s = object as SessionLike;
    if (s.payment_status !== 'paid' || !s.id) return undefined;
    const [first] = referralCandidates({ sessionClientReferenceId: s.client_reference_id, sessionMetadata: s.metadata }, extraKeys);
    return { type, objectId: s.id, amount: s.amount_total ?? 0, currency: s.currency ?? '', email: s.customer_details?.email ?? null, referral: first ?? null };
  }
  if (type === 'invoice.paid') {
    const inv = object as InvoiceLike;
    if (!inv.id || !(Number(inv.amount_paid) > 0)) return undefined;
    // Renewals carry the subscription's metadata snapshot; that is where subscription_data.metadata lands.
    const [first] = referralCandidates({ subscriptionMetadata: inv.parent?.subscription_details?.metadata }, extraKeys);
    return { type, objectId: inv.id, amount: inv.amount_paid ?? 0, currency: inv.currency ?? '', email: inv.customer_email ?? null, referral: first ?? null };
  }
  return undefined;
}

export interface IntegrationCheck {
  sinceIso: string;
  checked: number;
  withReferral: number;
  /** Whole percent, or null when nothing was paid in the window. */
  share: number | null;
  missing: CheckedPayment[];
}

const SCAN_LIMIT = 1000;

/** The check over the events created since `sinceIso` (newest first, at most the last 1,000 events). */
export async function integrationCheck(db: DB, merchantId: string, livemode: number, sinceIso: string, extraKeys: string[]): Promise<IntegrationCheck> {
  const events = await db
    .selectFrom('stripeEvents')
    .select(['id', 'type', 'created', 'payload'])
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where('type', 'in', CHECKED_TYPES)
    .where('created', '>=', sinceIso)
    .orderBy('created', 'desc')
    .orderBy('id', 'desc')
    .limit(SCAN_LIMIT)
    .execute();
  const seen = new Set<string>();
  const payments: Omit<CheckedPayment, 'attributed'>[] = [];
  for (const e of events) {
    let object: unknown;
    try {
      object = (JSON.parse(e.payload) as { data?: { object?: unknown } }).data?.object;
    } catch {
      continue;
    }
    const p = checkPayment(e.type, object, extraKeys);
    // Stripe may send an object twice (two events): count each payment once.
    if (!p || seen.has(p.objectId)) continue;
    seen.add(p.objectId);
    payments.push({ ...p, eventId: e.id, created: e.created });
  }
  const missingIds = payments.filter((p) => !p.referral).map((p) => p.objectId);
  const attributed = new Set<string>();
  for (let i = 0; i < missingIds.length; i += 500) {
    const rows = await db
      .selectFrom('conversions')
      .select('stripeObjectId')
      .where('merchantId', '=', merchantId)
      .where('livemode', '=', livemode)
      .where('stripeObjectId', 'in', missingIds.slice(i, i + 500))
      .where('partnerId', 'is not', null)
      .execute();
    for (const r of rows) if (r.stripeObjectId) attributed.add(r.stripeObjectId);
  }
  const withReferral = payments.length - missingIds.length;
  return {
    sinceIso,
    checked: payments.length,
    withReferral,
    share: payments.length === 0 ? null : Math.round((withReferral * 100) / payments.length),
    missing: payments.filter((p) => !p.referral).map((p) => ({ ...p, attributed: attributed.has(p.objectId) })),
  };
}
