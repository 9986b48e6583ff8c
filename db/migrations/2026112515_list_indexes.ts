// Frozen in time: never import application code here.
// Indexes for the ledger lists (benchmark 3 in docs/performance.md): GET /api/v1/conversions and a
// partner's month statement read a page or a month from an index in their own order, and count their
// totals from index entries alone, instead of reading every conversion or commission row of the merchant.
import { sql, type Kysely } from 'kysely';

const attributed = [sql.ref('partner_id'), 'is not', null] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // The conversions list (only attributed sales) newest first: a page is the next entries of this index.
  await db.schema
    .createIndex('conversions_listed_idx')
    .on('conversions')
    .columns(['merchant_id', 'livemode', 'created_at', 'id'])
    .where(...attributed)
    .execute();
  // The same list for one affiliate, in the same order.
  await db.schema
    .createIndex('conversions_listed_partner_idx')
    .on('conversions')
    .columns(['merchant_id', 'livemode', 'partner_id', 'created_at', 'id'])
    .where(...attributed)
    .execute();
  // The list filtered by commission status starts from the credits in that status (below) and looks up
  // each one's sort key here without reading the wide conversion row.
  await db.schema
    .createIndex('conversions_listed_id_idx')
    .on('conversions')
    .columns(['merchant_id', 'livemode', 'id', 'created_at'])
    .where(...attributed)
    .execute();
  await db.schema.createIndex('commissions_kind_status_idx').on('commissions').columns(['merchant_id', 'livemode', 'kind', 'status', 'conversion_id']).execute();
  // A partner's month statement: that partner's rows of the month in date order, not the whole
  // merchant's month filtered row by row.
  await db.schema.createIndex('commissions_partner_occurred_idx').on('commissions').columns(['merchant_id', 'livemode', 'partner_id', 'occurred_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('commissions_partner_occurred_idx').execute();
  await db.schema.dropIndex('commissions_kind_status_idx').execute();
  await db.schema.dropIndex('conversions_listed_id_idx').execute();
  await db.schema.dropIndex('conversions_listed_partner_idx').execute();
  await db.schema.dropIndex('conversions_listed_idx').execute();
}
