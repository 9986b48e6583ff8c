// Frozen in time: never import application code here.
// Indexes found missing by the read benchmarks (scripts/bench, docs/performance.md): each one turns a
// per-row or per-request scan of a big table into an index search.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The reversals of a credit: summed per listed conversion by GET /api/v1/conversions and the payout
  // review, read when a refund is applied. Without it each of those scanned the whole ledger.
  await db.schema.createIndex('commissions_reverses_idx').on('commissions').column('reverses_id').execute();
  // The commissions page filtered by status, newest first: the rows of one page straight from the index
  // instead of every commission of the merchant sorted (100 ms on 100,000 rows; now under 1 ms).
  await db.schema.createIndex('commissions_merchant_status_created_idx').on('commissions').columns(['merchant_id', 'livemode', 'status', 'created_at']).execute();
  // "Has the snippet ever recorded a click?" (the getting-started checklist) found nothing to stop at on
  // a program whose clicks all come from links, and read every click. Only snippet clicks are indexed,
  // so the redirect's insert does not pay for it.
  await db.schema.createIndex('clicks_snippet_idx').on('clicks').column('merchant_id').where(sql.ref('source'), '=', sql.lit('snippet')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('clicks_snippet_idx').execute();
  await db.schema.dropIndex('commissions_merchant_status_created_idx').execute();
  await db.schema.dropIndex('commissions_reverses_idx').execute();
}
