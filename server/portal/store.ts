// Queries of the partner portal: sign-in tokens, and the partner's own rows. Every read is scoped by
// the merchant AND the partner of the session, which the routes take from the portal guard.
import { sql } from 'kysely';
import type { DB } from '../../db';
import type { PortalToken } from '../../db/tables/portal';
import { findActiveConnection } from '../connect/store';

/** The program behind /portal/:programPublicId, with what the portal's branding needs. */
export const findProgram = (db: DB, publicId: string) =>
  db
    .selectFrom('merchants')
    .innerJoin('programSettings', 'programSettings.merchantId', 'merchants.id')
    .select(['merchants.id', 'merchants.name', 'merchants.publicId', 'programSettings.brandColor'])
    .where('merchants.publicId', '=', publicId)
    .executeTakeFirst();
export type Program = NonNullable<Awaited<ReturnType<typeof findProgram>>>;

/** Partners who may use the portal: active, or paused (they still see what they earned). */
export const SIGN_IN_STATUSES = ['active', 'paused'] as const;

export const findSignInPartner = (db: DB, merchantId: string, email: string) =>
  db
    .selectFrom('partners')
    .select(['id', 'name', 'email'])
    .where('merchantId', '=', merchantId)
    .where('email', '=', email.trim().toLowerCase())
    .where('status', 'in', [...SIGN_IN_STATUSES])
    .executeTakeFirst();

export const insertToken = (db: DB, row: PortalToken) => db.insertInto('portalTokens').values(row).execute();

export const findTokenByHash = (db: DB, tokenHash: string) =>
  db
    .selectFrom('portalTokens')
    .innerJoin('merchants', 'merchants.id', 'portalTokens.merchantId')
    .innerJoin('partners', 'partners.id', 'portalTokens.partnerId')
    .select(['portalTokens.id', 'portalTokens.merchantId', 'portalTokens.partnerId', 'portalTokens.expiresAt', 'portalTokens.usedAt', 'merchants.publicId', 'partners.name as partnerName', 'partners.status as partnerStatus'])
    .where('portalTokens.tokenHash', '=', tokenHash)
    .executeTakeFirst();

/** Spend a token: only one of two concurrent requests sees `true`. */
export async function claimToken(db: DB, id: string, nowIso: string): Promise<boolean> {
  const r = await db.updateTable('portalTokens').set({ usedAt: nowIso }).where('id', '=', id).where('usedAt', 'is', null).where('expiresAt', '>', nowIso).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Human clicks per UTC day since an instant (bots are not counted; repeats from one visitor are). */
export async function clicksPerDay(db: DB, merchantId: string, partnerId: string, sinceIso: string, linkId?: string) {
  const day = sql<string>`substr(${sql.ref('createdAt')}, 1, 10)`;
  let q = db.selectFrom('clicks').where('merchantId', '=', merchantId).where('partnerId', '=', partnerId).where('isBot', '=', 0).where('createdAt', '>=', sinceIso);
  if (linkId) q = q.where('linkId', '=', linkId);
  const rows = await q
    .select((eb) => [day.as('day'), eb.fn.countAll<number>().as('clicks')])
    .groupBy(day)
    .orderBy(day)
    .execute();
  return rows.map((r) => ({ day: r.day, clicks: Number(r.clicks) }));
}

/** The customers a partner referred (bindings), newest first, with their sales and subscription state. */
export async function referredCustomers(db: DB, merchantId: string, livemode: number, partnerId: string, f: { offset: number; limit: number }) {
  const q = db.selectFrom('referralBindings as b').where('b.merchantId', '=', merchantId).where('b.livemode', '=', livemode).where('b.partnerId', '=', partnerId);
  const [rows, total] = await Promise.all([
    q
      .select((eb) => [
        'b.id',
        'b.customerEmail',
        'b.createdAt',
        'b.source',
        eb.selectFrom('conversions as c').select((c) => c.fn.countAll<number>().as('n')).whereRef('c.bindingId', '=', 'b.id').as('sales'),
        eb.selectFrom('conversions as c').select((c) => c.fn.max('c.occurredAt').as('last')).whereRef('c.bindingId', '=', 'b.id').as('lastSaleAt'),
        eb
          .selectFrom('stripeSubscriptions as s')
          .select('s.status')
          .whereRef('s.merchantId', '=', 'b.merchantId')
          .whereRef('s.customerId', '=', 'b.stripeCustomerId')
          .orderBy('s.updatedFromEventCreated', 'desc')
          .limit(1)
          .as('subscriptionStatus'),
      ])
      .orderBy('b.createdAt', 'desc')
      .orderBy('b.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => ({ ...r, sales: Number(r.sales ?? 0) })), total: Number(total.n) };
}

/** The months (YYYY-MM, UTC) in which the partner has ledger rows, newest first: one statement each. */
export async function statementMonths(db: DB, merchantId: string, livemode: number, partnerId: string): Promise<string[]> {
  const month = sql<string>`substr(${sql.ref('occurredAt')}, 1, 7)`;
  const rows = await db
    .selectFrom('commissions')
    .select(month.as('month'))
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where('partnerId', '=', partnerId)
    .where('status', '<>', 'rejected')
    .groupBy(month)
    .orderBy(month, 'desc')
    .execute();
  return rows.map((r) => r.month);
}

export async function countReferredCustomers(db: DB, merchantId: string, livemode: number, partnerId: string): Promise<number> {
  const row = await db
    .selectFrom('referralBindings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where('partnerId', '=', partnerId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The ledger the portal shows, by the same rule as the merchant's balances page: test while Stripe is connected in test mode, else live. */
export async function programLivemode(db: DB, merchantId: string): Promise<number> {
  const conn = await findActiveConnection(db, merchantId);
  return conn && conn.livemode === 0 ? 0 : 1;
}
