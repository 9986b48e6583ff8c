// Frozen in time: never import application code here.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stripe_connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    // NULL once disconnected; UNIQUE, so an account has at most one active merchant and vice versa.
    .addColumn('active_account_id', 'text', (c) => c.unique())
    .addColumn('active_merchant_id', 'text', (c) => c.unique())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('connected_at', 'text', (c) => c.notNull())
    .addColumn('connected_by', 'text', (c) => c.notNull())
    .addColumn('disconnected_at', 'text')
    .addColumn('disconnected_by', 'text')
    .addColumn('disconnect_reason', 'text')
    .execute();
  await db.schema.createIndex('stripe_connections_account_idx').on('stripe_connections').columns(['account_id', 'connected_at']).execute();
  await db.schema.createIndex('stripe_connections_merchant_idx').on('stripe_connections').columns(['merchant_id', 'connected_at']).execute();

  await db.schema
    .createTable('stripe_oauth_states')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('session_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('stripe_oauth_states_expires_idx').on('stripe_oauth_states').column('expires_at').execute();

  await db.schema
    .createTable('stripe_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text')
    .addColumn('merchant_id', 'text')
    .addColumn('connection_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text')
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('api_version', 'text')
    .addColumn('created', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('processed_at', 'text')
    .addColumn('ignored_reason', 'text')
    .execute();
  // The worker's claim query (status + due time) and the merchant's events page (newest first, by status).
  await db.schema.createIndex('stripe_events_claim_idx').on('stripe_events').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('stripe_events_merchant_idx').on('stripe_events').columns(['merchant_id', 'created']).execute();
  await db.schema.createIndex('stripe_events_merchant_status_idx').on('stripe_events').columns(['merchant_id', 'status', 'created']).execute();
  await db.schema.createIndex('stripe_events_account_idx').on('stripe_events').columns(['account_id', 'created']).execute();

  await db.schema
    .createTable('stripe_subscriptions')
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('current_period_end', 'text')
    .addColumn('cancel_at_period_end', 'integer', (c) => c.notNull())
    .addColumn('canceled_at', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('updated_from_event_id', 'text', (c) => c.notNull())
    .addColumn('updated_from_event_created', 'text', (c) => c.notNull())
    .addColumn('synced_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('stripe_subscriptions_pk', ['merchant_id', 'subscription_id'])
    .execute();
  await db.schema.createIndex('stripe_subscriptions_customer_idx').on('stripe_subscriptions').columns(['merchant_id', 'customer_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['stripe_subscriptions', 'stripe_events', 'stripe_oauth_states', 'stripe_connections']) {
    await db.schema.dropTable(t).execute();
  }
}
