// Frozen in time: never import application code here.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('partners')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('commission_override_type', 'text')
    .addColumn('commission_override_value', 'bigint')
    .addColumn('payout_email', 'text')
    .addColumn('status_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('activated_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('partners_merchant_code_key', ['merchant_id', 'code'])
    .addUniqueConstraint('partners_merchant_email_key', ['merchant_id', 'email'])
    .execute();
  await db.schema.createIndex('partners_merchant_created_idx').on('partners').columns(['merchant_id', 'created_at']).execute();

  await db.schema
    .createTable('links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('destination_url', 'text')
    .addColumn('campaign', 'text')
    .addColumn('is_default', 'integer', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('links_partner_idx').on('links').columns(['partner_id', 'created_at']).execute();

  await db.schema
    .createTable('clicks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('link_id', 'text', (c) => c.references('links.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('repeat_since', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('referrer', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('ip_hash', 'text')
    .addColumn('landing_url', 'text')
    .addColumn('is_bot', 'integer', (c) => c.notNull())
    .addColumn('earning', 'integer', (c) => c.notNull())
    .addColumn('not_earning_reason', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('clicks_merchant_created_idx').on('clicks').columns(['merchant_id', 'created_at']).execute();
  await db.schema.createIndex('clicks_partner_created_idx').on('clicks').columns(['partner_id', 'created_at']).execute();

  await db.schema
    .createTable('applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('company', 'text')
    .addColumn('website', 'text')
    .addColumn('reason', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rejection_reason', 'text')
    .addColumn('partner_id', 'text', (c) => c.references('partners.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .addUniqueConstraint('applications_merchant_email_key', ['merchant_id', 'email'])
    .execute();
  await db.schema.createIndex('applications_merchant_created_idx').on('applications').columns(['merchant_id', 'status', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['applications', 'clicks', 'links', 'partners']) {
    await db.schema.dropTable(t).execute();
  }
}
