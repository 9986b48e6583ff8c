// Frozen in time: never import application code here.
//
// The partner ranking of the overview's 30- and 90-day periods summed every partner's day rows of the
// period (10,000 partners × 30 days: 43 ms of the overview's 63). `period_stats` keeps those sums ahead of
// time, one row per (mode, period length, partner, currency), for the periods that end on
// `dashboard_rollups.periods_through`; the rollup job adds what it changes in daily_stats in the same
// transaction and moves the periods forward when the day changes. `days` counts the daily_stats rows
// summed, which tells "had activity in the period" apart from "numbers summing to zero".
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('period_stats')
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('span', 'integer', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('days', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('clicks', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('leads', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('customers', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('sales', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('revenue', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('commissions_owed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('commissions_paid', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('period_stats_pk', ['merchant_id', 'livemode', 'span', 'partner_id', 'currency'])
    .execute();
  // Null: no periods kept yet (the job builds them once the rollups are caught up).
  await db.schema.alterTable('dashboard_rollups').addColumn('periods_through', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('dashboard_rollups').dropColumn('periods_through').execute();
  await db.schema.dropTable('period_stats').execute();
}
