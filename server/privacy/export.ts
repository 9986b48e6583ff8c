// What a merchant hands over when a partner or a referred customer asks what is held about them: one
// JSON document, assembled from every table that mentions them. A partner's export names the customers
// they referred only by key (those customers' details are theirs, not the partner's).
import type { DB } from '../../db';
import type { Partner } from '../../db/tables/partners';
import { customerBindings, customerSales, eventsMentioning, type CustomerMatch } from './store';

export async function partnerExport(db: DB, merchant: { id: string; name: string }, partner: Partner, now: Date) {
  const m = merchant.id;
  const [links, clicks, applications, deals, bindings, sales, commissions, payouts, audit] = await Promise.all([
    db.selectFrom('links').selectAll().where('merchantId', '=', m).where('partnerId', '=', partner.id).orderBy('createdAt').execute(),
    db
      .selectFrom('clicks')
      .select(['id', 'linkId', 'createdAt', 'source', 'landingUrl', 'referrer', 'earning', 'notEarningReason'])
      .where('merchantId', '=', m)
      .where('partnerId', '=', partner.id)
      .orderBy('createdAt')
      .execute(),
    db.selectFrom('applications').selectAll().where('merchantId', '=', m).where((eb) => eb.or([eb('partnerId', '=', partner.id), eb('email', '=', partner.email)])).execute(),
    db.selectFrom('deals').select(['id', 'status', 'createdAt', 'decidedAt']).where('merchantId', '=', m).where('partnerId', '=', partner.id).execute(),
    db.selectFrom('referralBindings').select(['id', 'customerKey', 'livemode', 'source', 'createdAt']).where('merchantId', '=', m).where('partnerId', '=', partner.id).execute(),
    db
      .selectFrom('conversions')
      .select(['id', 'kind', 'source', 'livemode', 'amount', 'currency', 'occurredAt', 'stripeObjectId', 'externalId'])
      .where('merchantId', '=', m)
      .where('partnerId', '=', partner.id)
      .orderBy('occurredAt')
      .execute(),
    db
      .selectFrom('commissions')
      .select(['id', 'conversionId', 'kind', 'livemode', 'amount', 'fee', 'net', 'currency', 'status', 'statusReason', 'holdUntil', 'payoutId', 'createdAt'])
      .where('merchantId', '=', m)
      .where('partnerId', '=', partner.id)
      .orderBy('createdAt')
      .execute(),
    db.selectFrom('payouts').selectAll().where('merchantId', '=', m).where('partnerId', '=', partner.id).orderBy('createdAt').execute(),
    db.selectFrom('auditLog').select(['id', 'actor', 'action', 'before', 'after', 'createdAt']).where('merchantId', '=', m).where('subjectId', '=', partner.id).orderBy('createdAt').execute(),
  ]);
  return {
    exportedAt: now.toISOString(),
    program: { id: merchant.id, name: merchant.name },
    subject: { type: 'partner' as const, id: partner.id },
    partner,
    links,
    clicks,
    applications,
    deals,
    referredCustomers: bindings,
    sales,
    commissions,
    payouts,
    auditLog: audit,
  };
}

export async function customerExport(db: DB, merchant: { id: string; name: string }, ref: string, match: CustomerMatch, now: Date) {
  const m = merchant.id;
  const [bindings, sales] = await Promise.all([customerBindings(db, m, match), customerSales(db, m, match)]);
  const saleIds = sales.map((s) => s.id);
  const commissions = saleIds.length
    ? await db
        .selectFrom('commissions')
        .select(['id', 'conversionId', 'kind', 'partnerId', 'livemode', 'amount', 'currency', 'status', 'createdAt'])
        .where('merchantId', '=', m)
        .where('conversionId', 'in', saleIds)
        .orderBy('createdAt')
        .execute()
    : [];
  const stripeIds = new Set<string>();
  for (const x of [...bindings.map((b) => b.stripeCustomerId), ...sales.map((s) => s.stripeCustomerId)]) if (x) stripeIds.add(x);
  const email = 'email' in match ? match.email : undefined;
  const events = await eventsMentioning(db, m, [...stripeIds, ...(email ? [email] : [])]);
  const deals = email ? await db.selectFrom('deals').selectAll().where('merchantId', '=', m).where('email', '=', email).execute() : [];
  return {
    exportedAt: now.toISOString(),
    program: { id: merchant.id, name: merchant.name },
    subject: { type: 'customer' as const, ref },
    referredBy: bindings,
    sales,
    commissions,
    deals,
    stripeEvents: events.map((e) => ({ id: e.id, type: e.type, created: e.created, payload: JSON.parse(e.payload) as unknown })),
  };
}
