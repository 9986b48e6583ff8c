import { sql, type ExpressionBuilder } from 'kysely';
import type { DB } from '../../db';
import type { Database } from '../../db/schema';
import type { ApplicationStatus, NewLink, NewPartner, Partner, PartnerStatus, Application } from '../../db/tables/partners';

export const insertPartner = (db: DB, row: NewPartner) => db.insertInto('partners').values(row).execute();

export const findPartner = (db: DB, merchantId: string, id: string) =>
  db.selectFrom('partners').selectAll().where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();

export const findPartnerByEmail = (db: DB, merchantId: string, email: string) =>
  db.selectFrom('partners').selectAll().where('merchantId', '=', merchantId).where('email', '=', email.toLowerCase()).executeTakeFirst();

/**
 * The partner a referral value names inside one merchant: a partner id (`aff_…`) or a code.
 * Codes cannot contain `_`, so the two never collide. Other merchants' partners are never found.
 */
export const findPartnerByCodeOrId = (db: DB, merchantId: string, value: string): Promise<Partner | undefined> => {
  const v = value.trim();
  const q = db.selectFrom('partners').selectAll().where('merchantId', '=', merchantId);
  return (v.startsWith('aff_') ? q.where('id', '=', v) : q.where('code', '=', v.toLowerCase())).executeTakeFirst();
};

export const updatePartnerRow = (db: DB, merchantId: string, id: string, values: Partial<Omit<NewPartner, 'id' | 'merchantId'>>) =>
  db.updateTable('partners').set(values).where('merchantId', '=', merchantId).where('id', '=', id).execute();

/** `like` with the user's text taken literally, case-insensitive on both dialects. */
const likeContains = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listPartners(db: DB, merchantId: string, f: { search: string; status?: PartnerStatus; offset: number; limit: number }) {
  const filtered = (eb: ExpressionBuilder<Database, 'partners'>) => {
    const conds = [eb('merchantId', '=', merchantId)];
    if (f.status) conds.push(eb('status', '=', f.status));
    if (f.search) {
      const p = likeContains(f.search);
      conds.push(
        eb.or([
          sql<boolean>`lower(${sql.ref('name')}) like ${p} escape '\\'`,
          sql<boolean>`${sql.ref('email')} like ${p} escape '\\'`,
          sql<boolean>`${sql.ref('code')} like ${p} escape '\\'`,
        ]),
      );
    }
    return eb.and(conds);
  };
  const [rows, count] = await Promise.all([
    db.selectFrom('partners').selectAll().where(filtered).orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(),
    db.selectFrom('partners').select((eb) => eb.fn.countAll<number>().as('n')).where(filtered).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export const insertLink = (db: DB, row: NewLink) => db.insertInto('links').values(row).execute();

export const listLinks = (db: DB, merchantId: string, partnerId: string) =>
  db.selectFrom('links').selectAll().where('merchantId', '=', merchantId).where('partnerId', '=', partnerId).orderBy('isDefault', 'desc').orderBy('createdAt').orderBy('id').execute();

export const findLink = (db: DB, merchantId: string, partnerId: string, linkId: string) =>
  db.selectFrom('links').selectAll().where('merchantId', '=', merchantId).where('partnerId', '=', partnerId).where('id', '=', linkId).executeTakeFirst();

export const disableLinkRow = (db: DB, merchantId: string, linkId: string, at: string) =>
  db.updateTable('links').set({ disabledAt: at }).where('merchantId', '=', merchantId).where('id', '=', linkId).where('disabledAt', 'is', null).execute();

/** One click of this merchant, for the attribution engine (a click id from checkout metadata or a cookie). */
export const findClick = (db: DB, merchantId: string, clickId: string) =>
  db.selectFrom('clicks').selectAll().where('merchantId', '=', merchantId).where('id', '=', clickId).executeTakeFirst();

export const recentClicks = (db: DB, merchantId: string, partnerId: string, limit: number) =>
  db
    .selectFrom('clicks')
    .leftJoin('links', 'links.id', 'clicks.linkId')
    .select(['clicks.id', 'clicks.createdAt', 'clicks.referrer', 'clicks.landingUrl', 'clicks.isBot', 'clicks.earning', 'clicks.notEarningReason', 'clicks.source', 'links.slug'])
    .where('clicks.merchantId', '=', merchantId)
    .where('clicks.partnerId', '=', partnerId)
    .orderBy('clicks.createdAt', 'desc')
    .orderBy('clicks.id', 'desc')
    .limit(limit)
    .execute();

/**
 * Click counts for a partner since an instant. Bots are counted apart; a human click is a repeat (not
 * counted) when the same visitor (IP hash and user agent) clicked for the same partner shortly before,
 * within the window stored on the click when it was made. Computed here, at read time, so the redirect
 * stays one read and one write.
 */
export async function clickStats(db: DB, merchantId: string, partnerId: string, sinceIso: string) {
  const row = await db
    .selectFrom('clicks as c')
    .select((eb) => {
      const human = eb('c.isBot', '=', 0);
      const repeat = eb.exists(
        eb
          .selectFrom('clicks as p')
          .select(sql`1`.as('one'))
          .whereRef('p.partnerId', '=', 'c.partnerId')
          .where('p.isBot', '=', 0)
          .whereRef('p.ipHash', '=', 'c.ipHash')
          .whereRef('p.userAgent', '=', 'c.userAgent')
          .whereRef('p.createdAt', '>=', 'c.repeatSince')
          .where((w) => w.or([w('p.createdAt', '<', w.ref('c.createdAt')), w.and([w('p.createdAt', '=', w.ref('c.createdAt')), w('p.id', '<', w.ref('c.id'))])])),
      );
      const count = (cond: ReturnType<typeof eb.and>) => eb.fn.coalesce(eb.fn.sum<number>(eb.case().when(cond).then(1).else(0).end()), eb.lit(0));
      return [
        count(eb.and([human, eb.not(repeat)])).as('unique'),
        count(eb.and([human])).as('human'),
        count(eb.and([eb('c.isBot', '=', 1)])).as('bots'),
        count(eb.and([human, eb('c.earning', '=', 0)])).as('notEarning'),
      ];
    })
    .where('c.merchantId', '=', merchantId)
    .where('c.partnerId', '=', partnerId)
    .where('c.createdAt', '>=', sinceIso)
    .executeTakeFirstOrThrow();
  return { unique: Number(row.unique), human: Number(row.human), bots: Number(row.bots), notEarning: Number(row.notEarning) };
}

export const insertApplication = (db: DB, row: Application) => db.insertInto('applications').values(row).execute();

export const findApplication = (db: DB, merchantId: string, id: string) =>
  db.selectFrom('applications').selectAll().where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();

export const findApplicationByEmail = (db: DB, merchantId: string, email: string) =>
  db.selectFrom('applications').selectAll().where('merchantId', '=', merchantId).where('email', '=', email.trim().toLowerCase()).executeTakeFirst();

export async function listApplications(db: DB, merchantId: string, f: { status?: ApplicationStatus; offset: number; limit: number }) {
  let q = db.selectFrom('applications').where('merchantId', '=', merchantId);
  if (f.status) q = q.where('status', '=', f.status);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Decide a pending application; the status guard makes a double submit change nothing the second time. */
export const decideApplication = async (db: DB, merchantId: string, id: string, values: { status: ApplicationStatus; rejectionReason: string | null; partnerId: string | null; decidedAt: string; decidedBy: string }) => {
  const r = await db.updateTable('applications').set(values).where('merchantId', '=', merchantId).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
};
