// Frozen in time: never import application code here.
// When an unattributed sale gets its partner later. Its credit row tells the dashboard's rollups which day
// to recompute, but a sale with a zero base gets no credit, and the sale still counts for the partner that
// day: without a time of its own the change went unnoticed and the day's rolled numbers stayed stale.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversions').addColumn('attributed_at', 'text').execute();
  await db.schema
    .createIndex('conversions_attributed_idx')
    .on('conversions')
    .columns(['merchant_id', 'attributed_at'])
    .where(sql.ref('attributed_at'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('conversions_attributed_idx').execute();
  await db.schema.alterTable('conversions').dropColumn('attributed_at').execute();
}
