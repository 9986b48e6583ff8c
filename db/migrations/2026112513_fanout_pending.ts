// Frozen in time: never import application code here.
// The outbound fan-out looked for events not yet fanned out with an anti-join that walked every outbox
// event in time order, after every processed Stripe event: the webhook benchmark's processing rate fell
// from about 100 to under 30 events/s as 20,000 events accumulated (docs/performance.md). A pending flag
// with a partial index lets the lookup read only the events still waiting.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox_events').addColumn('fanout_pending', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await sql`update outbox_events set fanout_pending = 0 where id in (select event_id from outbox_fanouts)`.execute(db);
  await db.schema
    .createIndex('outbox_events_fanout_pending_idx')
    .on('outbox_events')
    .columns(['created_at', 'id'])
    .where(sql.ref('fanout_pending'), '=', sql.lit(1))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_events_fanout_pending_idx').execute();
  await db.schema.alterTable('outbox_events').dropColumn('fanout_pending').execute();
}
