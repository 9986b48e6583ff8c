// Frozen in time: never import application code here.
// Product rules need each sale's lines (bases and the rule that matched them) kept on the conversion,
// so a later credit (an unattributed sale assigned by hand) needs no Stripe call. The attribution
// backfill that runs on connecting Stripe keeps one row per run, with its cursor and counts.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversions').addColumn('lines', 'text').execute();

  await db.schema
    .createTable('attribution_backfills')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    // Set while the run is queued or running, NULL once it ended: at most one open run per merchant.
    .addColumn('open_merchant_id', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text')
    .addColumn('listed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bound', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('already_bound', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('no_referral', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_matched', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('attribution_backfills_merchant_idx').on('attribution_backfills').columns(['merchant_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('attribution_backfills').execute();
  await db.schema.alterTable('conversions').dropColumn('lines').execute();
}
