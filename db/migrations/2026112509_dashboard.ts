// Frozen in time: never import application code here.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('daily_stats')
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('clicks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('leads', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('customers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sales', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('revenue', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('commissions_owed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('commissions_paid', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // The key is also the overview's index: (merchant, mode, day range).
    .addPrimaryKeyConstraint('daily_stats_pk', ['merchant_id', 'livemode', 'day', 'partner_id', 'currency'])
    .execute();

  await db.schema
    .createTable('dashboard_rollups')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey().references('merchants.id').onDelete('cascade'))
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('clicks_through', 'text')
    .addColumn('ledger_through', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('notification_settings')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey().references('merchants.id').onDelete('cascade'))
    .addColumn('partner_application_decided', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('partner_commission_earned', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('partner_payout_sent', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('merchant_application_received', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('secret', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addUniqueConstraint('notifications_source_uq', ['kind', 'source_id', 'recipient'])
    .execute();
  await db.schema.createIndex('notifications_due_idx').on('notifications').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('notifications_merchant_idx').on('notifications').columns(['merchant_id', 'created_at']).execute();

  await db.schema
    .createTable('notification_scans')
    .addColumn('source_id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // What the rollup job and the overview read on other features' tables: changes since an instant, per
  // merchant (conversions, status changes, re-bindings), rows dated in a range, and new outbox events.
  await db.schema.createIndex('conversions_merchant_created_idx').on('conversions').columns(['merchant_id', 'created_at']).execute();
  await db.schema.createIndex('commissions_merchant_occurred_idx').on('commissions').columns(['merchant_id', 'livemode', 'occurred_at']).execute();
  await db.schema.createIndex('commission_status_changes_merchant_idx').on('commission_status_changes').columns(['merchant_id', 'created_at']).execute();
  await db.schema.createIndex('referral_bindings_merchant_updated_idx').on('referral_bindings').columns(['merchant_id', 'updated_at']).execute();
  await db.schema.createIndex('referral_bindings_merchant_created_idx').on('referral_bindings').columns(['merchant_id', 'livemode', 'created_at']).execute();
  await db.schema.createIndex('outbox_events_created_idx').on('outbox_events').columns(['created_at']).execute();
  await db.schema.createIndex('applications_created_idx').on('applications').columns(['created_at']).execute();
  await db.schema.createIndex('conversions_subscription_idx').on('conversions').columns(['merchant_id', 'subscription_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of [
    'conversions_subscription_idx',
    'applications_created_idx',
    'outbox_events_created_idx',
    'referral_bindings_merchant_created_idx',
    'referral_bindings_merchant_updated_idx',
    'commission_status_changes_merchant_idx',
    'commissions_merchant_occurred_idx',
    'conversions_merchant_created_idx',
  ]) {
    await db.schema.dropIndex(i).execute();
  }
  for (const t of ['notification_scans', 'notifications', 'notification_settings', 'dashboard_rollups', 'daily_stats']) {
    await db.schema.dropTable(t).execute();
  }
}
