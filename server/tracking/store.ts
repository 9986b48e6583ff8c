// The redirect's two statements live here, alone: on the root handle they run as statements prepared
// once (db/hot.ts); inside a transaction, or where those are unavailable, through kysely.
import type { DB } from '../../db';
import { hotFor } from '../../db/hot';
import type { NewClick } from '../../db/tables/partners';

/** One indexed read (links.slug is unique): the link, its partner's code and status, and the program's site and window. */
export const findLinkForRedirect = (db: DB, slug: string) =>
  hotFor(db)?.findLinkForRedirect(slug) ??
  db
    .selectFrom('links')
    .innerJoin('partners', 'partners.id', 'links.partnerId')
    .innerJoin('programSettings', 'programSettings.merchantId', 'links.merchantId')
    .select([
      'links.id',
      'links.merchantId',
      'links.partnerId',
      'links.destinationUrl',
      'links.disabledAt',
      'partners.code',
      'partners.status',
      'programSettings.destinationUrl as siteUrl',
      'programSettings.cookieDays',
    ])
    .where('links.slug', '=', slug)
    .executeTakeFirst();

export const insertClick = async (db: DB, row: NewClick): Promise<void> => {
  const hot = hotFor(db);
  if (hot) return hot.insertClick(row);
  await db.insertInto('clicks').values(row).execute();
};

/** A program by its public id, with what the public click endpoint needs. */
export const findProgram = (db: DB, publicId: string) =>
  db
    .selectFrom('merchants')
    .innerJoin('programSettings', 'programSettings.merchantId', 'merchants.id')
    .select(['merchants.id as merchantId', 'programSettings.cookieDays', 'programSettings.attributionModel'])
    .where('merchants.publicId', '=', publicId)
    .executeTakeFirst();

/** A click of this merchant with its partner's code and status. */
export const findClickWithPartner = (db: DB, merchantId: string, clickId: string) =>
  db
    .selectFrom('clicks')
    .innerJoin('partners', 'partners.id', 'clicks.partnerId')
    .select(['clicks.id', 'clicks.partnerId', 'clicks.linkId', 'clicks.expiresAt', 'partners.code', 'partners.status'])
    .where('clicks.merchantId', '=', merchantId)
    .where('clicks.id', '=', clickId)
    .executeTakeFirst();

export const findPartnerByCode = (db: DB, merchantId: string, code: string) =>
  db.selectFrom('partners').select(['id', 'code', 'status']).where('merchantId', '=', merchantId).where('code', '=', code).executeTakeFirst();
