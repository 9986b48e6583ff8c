// Frozen in time: never import application code here.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payout_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('min_payout', 'bigint', (c) => c.notNull())
    .addColumn('payout_count', 'integer', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payout_runs_merchant_idx').on('payout_runs').columns(['merchant_id', 'livemode', 'created_at']).execute();

  await db.schema
    .createTable('payouts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull().references('payout_runs.id'))
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('external_reference', 'text')
    .addColumn('paid_on', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // A run pays a partner at most once.
    .addUniqueConstraint('payouts_run_partner_uq', ['run_id', 'partner_id'])
    .execute();
  await db.schema.createIndex('payouts_merchant_idx').on('payouts').columns(['merchant_id', 'livemode', 'created_at']).execute();
  await db.schema.createIndex('payouts_partner_idx').on('payouts').columns(['partner_id', 'created_at']).execute();

  await db.schema
    .createTable('payout_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('payout_id', 'text', (c) => c.notNull().references('payouts.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('commission_id', 'text', (c) => c.notNull().references('commissions.id'))
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('original_amount', 'bigint', (c) => c.notNull())
    .addColumn('original_currency', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('rate', 'text', (c) => c.notNull())
    .addColumn('rate_source', 'text', (c) => c.notNull())
    .addColumn('rate_date', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payout_items_payout_idx').on('payout_items').column('payout_id').execute();
  // The database, not only the code, keeps a commission in at most one live (processing or paid) payout.
  await db.schema.createIndex('payout_items_commission_live_uq').unique().on('payout_items').column('commission_id').where(sql.ref('active'), '=', 1).execute();

  await db.schema
    .createTable('exchange_rates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('from_currency', 'text', (c) => c.notNull())
    .addColumn('to_currency', 'text', (c) => c.notNull())
    .addColumn('effective_on', 'text', (c) => c.notNull())
    .addColumn('rate', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('exchange_rates_pair_day_uq', ['merchant_id', 'from_currency', 'to_currency', 'effective_on'])
    .execute();

  await db.schema
    .createTable('sale_exchange_rates')
    .addColumn('conversion_id', 'text', (c) => c.primaryKey().references('conversions.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('from_currency', 'text', (c) => c.notNull())
    .addColumn('to_currency', 'text', (c) => c.notNull())
    .addColumn('rate', 'text', (c) => c.notNull())
    .addColumn('balance_transaction_id', 'text', (c) => c.notNull())
    .addColumn('rate_date', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('payout_locks')
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('locked_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('payout_locks_pk', ['merchant_id', 'livemode'])
    .execute();

  // Commissions a payout run looks at: approved, not yet in a payout.
  await db.schema.createIndex('commissions_payable_idx').on('commissions').columns(['merchant_id', 'livemode', 'status', 'payout_id']).execute();
  await db.schema.createIndex('commissions_payout_idx').on('commissions').column('payout_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('commissions_payout_idx').execute();
  await db.schema.dropIndex('commissions_payable_idx').execute();
  for (const t of ['payout_locks', 'sale_exchange_rates', 'exchange_rates', 'payout_items', 'payouts', 'payout_runs']) {
    await db.schema.dropTable(t).execute();
  }
}
