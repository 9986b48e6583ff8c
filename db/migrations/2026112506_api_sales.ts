// Frozen in time: never import application code here.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // What an API sale said beyond the ledger's needs, kept so a repeated invoiceId answers the first sale.
  await db.schema.alterTable('conversions').addColumn('metadata', 'text').execute();
  await db.schema.alterTable('conversions').addColumn('event_name', 'text').execute();
  await db.schema.alterTable('conversions').addColumn('payment_processor', 'text').execute();
  await db.schema.alterTable('conversions').addColumn('customer_name', 'text').execute();
  await db.schema.alterTable('conversions').addColumn('customer_avatar', 'text').execute();

  await db.schema
    .createTable('api_refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('refund_key', 'text', (c) => c.notNull())
    .addColumn('refund_id', 'text')
    .addColumn('conversion_id', 'text', (c) => c.notNull().references('conversions.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('refunded_before', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('reversal_id', 'text', (c) => c.references('commissions.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('api_refunds_key_uq', ['merchant_id', 'livemode', 'refund_key'])
    // One refund per running total: two refunds computed from the same "refunded so far" cannot both commit.
    .addUniqueConstraint('api_refunds_chain_uq', ['conversion_id', 'refunded_before'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_refunds').execute();
  for (const c of ['customer_avatar', 'customer_name', 'payment_processor', 'event_name', 'metadata']) {
    await db.schema.alterTable('conversions').dropColumn(c).execute();
  }
}
