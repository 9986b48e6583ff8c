// Frozen in time: never import application code here.
// The balances page listed every partner with ledger rows and summed 100,000 rows per request (3.3 s in
// docs/performance.md). partner_totals holds each partner's sums per mode and currency, split by the
// stored status, recomputed from that partner's rows by every ledger write (server/commissions/totals.ts),
// so the page reads 50 partners' rows from an index. The holding period (pending rows past hold_until
// count as approved) is applied at read time: a stored total never depends on "now".
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('partner_totals')
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('pending', 'bigint', (c) => c.notNull())
    .addColumn('on_hold', 'bigint', (c) => c.notNull())
    .addColumn('approved', 'bigint', (c) => c.notNull())
    .addColumn('paid', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('partner_totals_pk', ['merchant_id', 'livemode', 'partner_id', 'currency'])
    .execute();
  // The balances page walks a merchant's partners by name and keeps those with totals.
  await db.schema.createIndex('partners_merchant_name_idx').on('partners').columns(['merchant_id', 'name', 'id']).execute();
  // Readers move a page's due pending rows to approved: this finds exactly those rows of each partner
  // (the partner index would read every row of a partner with thousands).
  await db.schema.createIndex('commissions_partner_due_idx').on('commissions').columns(['partner_id', 'status', 'hold_until']).execute();
  await sql`
    insert into partner_totals (merchant_id, livemode, partner_id, currency, pending, on_hold, approved, paid)
    select merchant_id, livemode, partner_id, currency,
      coalesce(sum(case when status = 'pending' then net else 0 end), 0),
      coalesce(sum(case when status = 'on_hold' then net else 0 end), 0),
      coalesce(sum(case when status = 'approved' then net else 0 end), 0),
      coalesce(sum(case when status = 'paid' then net else 0 end), 0)
    from commissions where status <> 'rejected'
    group by merchant_id, livemode, partner_id, currency`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('commissions_partner_due_idx').execute();
  await db.schema.dropIndex('partners_merchant_name_idx').execute();
  await db.schema.dropTable('partner_totals').execute();
}
