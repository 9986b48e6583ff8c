// The privacy tools' rules: exports are read-only; erasures run in one transaction and leave an audit
// entry that says what was done without repeating the data that was erased.
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { AppError } from '../http/errors';
import { audit } from '../audit';
import { customerExport, partnerExport } from './export';
import { eraseCustomer, erasePartner } from './erase';
import { customerMatch, partnerById } from './store';

type Merchant = { id: string; name: string };

async function partnerOrThrow(db: DB, merchantId: string, partnerId: string) {
  const partner = await partnerById(db, merchantId, partnerId);
  if (!partner) throw new AppError(404, 'affiliate_not_found', 'No such partner.', 'id');
  return partner;
}

export async function exportPartner(db: DB, clock: Clock, merchant: Merchant, partnerId: string) {
  return partnerExport(db, merchant, await partnerOrThrow(db, merchant.id, partnerId), clock.now());
}

export async function exportCustomer(db: DB, clock: Clock, merchant: Merchant, ref: string) {
  const doc = await customerExport(db, merchant, ref, customerMatch(ref), clock.now());
  if (doc.sales.length === 0 && doc.referredBy.length === 0 && doc.deals.length === 0) throw new AppError(404, 'not_found', 'Nothing is held about that customer.', 'ref');
  return doc;
}

export async function forgetPartner(db: DB, clock: Clock, merchantId: string, partnerId: string, actor: string) {
  return db.transaction().execute(async (trx) => {
    const partner = await partnerOrThrow(trx, merchantId, partnerId);
    const result = await erasePartner(trx, merchantId, partner);
    await audit(trx, { merchantId, actor, action: 'privacy.partner_erased', subjectType: 'partner', subjectId: partner.id, after: result, at: clock.now() });
    return result;
  });
}

export async function forgetCustomer(db: DB, clock: Clock, merchantId: string, ref: string, actor: string) {
  return db.transaction().execute(async (trx) => {
    const match = customerMatch(ref);
    const result = await eraseCustomer(trx, merchantId, match);
    if (result.bindings === 0 && result.sales === 0 && result.events === 0) throw new AppError(404, 'not_found', 'Nothing is held about that customer.', 'ref');
    // The audit entry names the customer by key only (an email would be the data just erased).
    await audit(trx, { merchantId, actor, action: 'privacy.customer_erased', subjectType: 'customer', subjectId: 'key' in match ? match.key : 'by-email', after: result, at: clock.now() });
    return result;
  });
}
