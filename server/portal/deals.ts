// Deal registration: a partner registers a lead, the merchant accepts or rejects it, and an accepted
// deal binds the customer with that email to the partner at their first payment (see dealResolution).
import type { DB } from '../../db';
import type { Partner } from '../../db/tables/partners';
import type { Deal } from '../../db/tables/portal';
import type { Clock } from '../lib/clock';
import type { Resolution, Tried } from '../attribution/resolve';
import { newId } from '../lib/ids';
import { AppError } from '../http/errors';
import { parse } from '../http/validate';
import { audit } from '../audit';
import { isUniqueViolation } from '../accounts/service';
import { DealForm, type DealInput } from './schema';
import * as store from './deals-store';

const dealNotFound = () => new AppError(404, 'not_found', 'No such deal.', 'id');

/** Register a lead; registering the same email again returns the first registration unchanged. */
export async function registerDeal(db: DB, clock: Clock, merchantId: string, partnerId: string, input: DealInput): Promise<{ deal: Deal; created: boolean }> {
  const data = parse(DealForm, input);
  const now = clock.now().toISOString();
  const deal: Deal = { id: newId('deal'), merchantId, partnerId, email: data.email, name: data.name, notes: data.notes, status: 'pending', acceptedEmail: null, rejectionReason: null, decidedAt: null, decidedBy: null, createdAt: now, updatedAt: now };
  const created = await store.insertDeal(db, deal);
  if (created) return { deal, created };
  const existing = await store.findPartnerDealByEmail(db, merchantId, partnerId, data.email);
  if (!existing) throw new Error('deal vanished after a conflict');
  return { deal: existing, created: false };
}

/**
 * Accept (pending → accepted) or reject (pending or accepted → rejected). Only one deal per email can be
 * accepted: the unique index on the accepted email refuses a second, whichever process tries.
 */
export async function decideDeal(db: DB, clock: Clock, merchantId: string, dealId: string, decision: 'accept' | 'reject', reason: string | null, actor: string): Promise<Deal> {
  try {
    return await db.transaction().execute(async (trx) => {
      const deal = await store.findDeal(trx, merchantId, dealId);
      if (!deal) throw dealNotFound();
      const at = clock.now();
      const decided = { decidedAt: at.toISOString(), decidedBy: actor, updatedAt: at.toISOString() };
      const values =
        decision === 'accept'
          ? { status: 'accepted' as const, acceptedEmail: deal.email, rejectionReason: null, ...decided }
          : { status: 'rejected' as const, acceptedEmail: null, rejectionReason: reason, ...decided };
      const from = decision === 'accept' ? (['pending'] as const) : (['pending', 'accepted'] as const);
      if (!(await store.setDealStatus(trx, merchantId, dealId, [...from], values))) {
        if (deal.status === values.status) return deal;
        throw new AppError(409, 'conflict', `This deal is ${deal.status} and cannot be ${decision === 'accept' ? 'accepted' : 'rejected'} now.`);
      }
      await audit(trx, { merchantId, actor, action: decision === 'accept' ? 'deal.accepted' : 'deal.rejected', subjectType: 'deal', subjectId: dealId, before: { status: deal.status }, after: { status: values.status, partnerId: deal.partnerId, reason }, at });
      return { ...deal, ...values };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError(409, 'conflict', 'Another partner’s deal for this email is already accepted: reject it first.');
    throw err;
  }
}

/**
 * The last step of attribution: nothing on the Stripe objects named a partner, but the customer's email
 * matches an accepted deal. The deal only counts for a new customer: the payment must come after the
 * registration, and the email must not have paid this merchant before the partner registered it.
 */
export async function dealResolution(db: DB, merchantId: string, livemode: number, email: string | null | undefined, at: Date, tried: Tried[]): Promise<Extract<Resolution, { kind: 'partner' }> | undefined> {
  const e = email?.trim().toLowerCase();
  if (!e) return undefined;
  const found = await store.acceptedDealFor(db, merchantId, e);
  if (!found || found.dealCreatedAt > at.toISOString()) return undefined;
  if (await store.paidBefore(db, merchantId, livemode, e, found.dealCreatedAt)) return undefined;
  const { dealId, dealCreatedAt: _c, ...partner } = found;
  return { kind: 'partner', partner: partner as Partner, value: dealId, foundIn: 'deal', clickId: null, tried: [...tried, { value: dealId, foundIn: 'deal', outcome: 'matched' }], source: 'deal' };
}
