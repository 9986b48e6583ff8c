// Frozen in time: never import application code here.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('referral_bindings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('customer_key', 'text', (c) => c.notNull())
    .addColumn('stripe_customer_id', 'text')
    .addColumn('external_customer_id', 'text')
    .addColumn('customer_email', 'text')
    .addColumn('customer_name', 'text')
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('click_id', 'text')
    .addColumn('referral_value', 'text')
    .addColumn('found_in', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('referral_bindings_customer_uq', ['merchant_id', 'livemode', 'customer_key'])
    .execute();
  await db.schema.createIndex('referral_bindings_partner_idx').on('referral_bindings').columns(['partner_id', 'created_at']).execute();

  await db.schema
    .createTable('conversions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.references('partners.id'))
    .addColumn('binding_id', 'text', (c) => c.references('referral_bindings.id'))
    .addColumn('unattributed_reason', 'text')
    .addColumn('attribution', 'text', (c) => c.notNull())
    .addColumn('stripe_object_id', 'text')
    .addColumn('external_id', 'text')
    .addColumn('payment_intent_id', 'text')
    .addColumn('invoice_id', 'text')
    .addColumn('subscription_id', 'text')
    .addColumn('stripe_customer_id', 'text')
    .addColumn('customer_key', 'text')
    .addColumn('customer_email', 'text')
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('amount_paid', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('total', 'bigint')
    .addColumn('total_excluding_tax', 'bigint')
    .addColumn('period_start', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('stripe_event_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('conversions_source_uq', ['merchant_id', 'livemode', 'source_key'])
    .execute();
  await db.schema.createIndex('conversions_merchant_time_idx').on('conversions').columns(['merchant_id', 'livemode', 'occurred_at']).execute();
  await db.schema.createIndex('conversions_partner_idx').on('conversions').columns(['partner_id', 'occurred_at']).execute();
  await db.schema.createIndex('conversions_pi_idx').on('conversions').columns(['merchant_id', 'payment_intent_id']).execute();
  await db.schema.createIndex('conversions_customer_idx').on('conversions').columns(['merchant_id', 'customer_key']).execute();

  await db.schema
    .createTable('commissions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('conversion_id', 'text', (c) => c.notNull().references('conversions.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reverses_id', 'text', (c) => c.references('commissions.id'))
    .addColumn('ledger_key', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('fee', 'bigint', (c) => c.notNull())
    .addColumn('net', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('hold_until', 'text', (c) => c.notNull())
    .addColumn('cause_type', 'text', (c) => c.notNull())
    .addColumn('cause_id', 'text', (c) => c.notNull())
    .addColumn('stripe_object_id', 'text')
    .addColumn('payout_id', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('commissions_ledger_key_uq', ['merchant_id', 'livemode', 'ledger_key'])
    .execute();
  await db.schema.createIndex('commissions_partner_idx').on('commissions').columns(['partner_id', 'currency', 'status']).execute();
  await db.schema.createIndex('commissions_conversion_idx').on('commissions').column('conversion_id').execute();
  await db.schema.createIndex('commissions_merchant_time_idx').on('commissions').columns(['merchant_id', 'livemode', 'created_at']).execute();
  await db.schema.createIndex('commissions_due_idx').on('commissions').columns(['status', 'hold_until']).execute();

  await db.schema
    .createTable('commission_status_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('commission_id', 'text', (c) => c.notNull().references('commissions.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('from_status', 'text', (c) => c.notNull())
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('commission_status_changes_commission_idx').on('commission_status_changes').columns(['commission_id', 'created_at']).execute();

  await db.schema
    .createTable('parked_events')
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('wait_key', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('parked_events_pk', ['merchant_id', 'livemode', 'wait_key', 'event_id'])
    .execute();

  await db.schema
    .createTable('promotion_codes')
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('promotion_code_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text')
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('promotion_codes_pk', ['merchant_id', 'promotion_code_id'])
    .execute();

  await db.schema
    .createTable('product_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('match_type', 'text', (c) => c.notNull())
    .addColumn('match_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('rate_bps', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('product_rules_match_uq', ['merchant_id', 'match_type', 'match_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['product_rules', 'promotion_codes', 'parked_events', 'commission_status_changes', 'commissions', 'conversions', 'referral_bindings']) {
    await db.schema.dropTable(t).execute();
  }
}
