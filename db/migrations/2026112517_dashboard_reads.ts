// Frozen in time: never import application code here.
//
// The overview and the partner performance page read a period without reading every partner's day rows
// into the process: `daily_totals` holds the merchant's numbers per day and currency (the daily_stats of
// that day summed; the rollup job rewrites a day's totals in the transaction that writes its rows), and
// two indexes let the partner ranking walk partners in id order and sum each one's days from the index
// alone, so SQLite groups without sorting every row of the period.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('daily_totals')
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('clicks', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('leads', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('customers', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('sales', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('revenue', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('commissions_owed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('commissions_paid', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_totals_pk', ['merchant_id', 'livemode', 'day', 'currency'])
    .execute();

  // Existing rollups get their totals now; the job keeps them from here on.
  await sql`
    insert into daily_totals (merchant_id, livemode, day, currency, clicks, leads, customers, sales, revenue, commissions_owed, commissions_paid, updated_at)
    select merchant_id, livemode, day, currency, sum(clicks), sum(leads), sum(customers), sum(sales), sum(revenue), sum(commissions_owed), sum(commissions_paid), max(updated_at)
    from daily_stats
    group by merchant_id, livemode, day, currency
  `.execute(db);

  await db.schema
    .createIndex('daily_stats_partner_days_idx')
    .on('daily_stats')
    .columns(['merchant_id', 'livemode', 'partner_id', 'day', 'currency', 'clicks', 'leads', 'customers', 'sales', 'revenue', 'commissions_owed', 'commissions_paid'])
    .execute();
  await db.schema.createIndex('partners_merchant_id_idx').on('partners').columns(['merchant_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('partners_merchant_id_idx').execute();
  await db.schema.dropIndex('daily_stats_partner_days_idx').execute();
  await db.schema.dropTable('daily_totals').execute();
}
