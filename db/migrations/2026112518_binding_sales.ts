// Frozen in time: never import application code here.
// A customer's sales by their binding, in payment order. Every credit counts the earlier sales of its
// customer (the commission duration: "first N payments", "first N months"), and the partner portal's
// customers list counts each customer's sales and finds the last one; without this index each of those
// read the whole conversions table, so webhook processing slowed down as sales accumulated.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('conversions_binding_idx').on('conversions').columns(['binding_id', 'occurred_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('conversions_binding_idx').execute();
}
