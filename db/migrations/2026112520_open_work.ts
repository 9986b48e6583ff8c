// Frozen in time: never import application code here.
// The worker's claims take the oldest open Stripe events (and the sender's the oldest open emails), 25 at a
// time. Through the (status, next_attempt_at) indexes SQLite read every pending row and sorted them all by
// time to keep 25: 23 ms a claim with a backlog of thousands. These partial indexes hold only the open rows,
// in claim order, so a claim reads the first few. Their WHERE is repeated word for word in the claims
// (server/stripe/store.ts, server/notifications/store.ts): SQLite uses a partial index only then. They replace
// the claims' old indexes, which nothing else reads: with those in place SQLite's planner kept its sorted
// multi-index plan. They also carry the columns of "due now", so open rows that are not due yet (claimed by
// another worker, or failed and waiting for their retry: thousands after a bad deploy) are skipped inside the
// index instead of reading each row's 3 KB payload page.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('stripe_events_claim_idx').execute();
  await db.schema.dropIndex('notifications_due_idx').execute();
  await sql`create index stripe_events_open_idx on stripe_events (created, id, status, next_attempt_at, locked_until)
    where (status = 'pending' or status = 'processing' or (status = 'failed' and next_attempt_at is not null))`.execute(db);
  await sql`create index notifications_open_idx on notifications (created_at, id, status, next_attempt_at, locked_until)
    where (status = 'pending' or status = 'sending')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('notifications_open_idx').execute();
  await db.schema.dropIndex('stripe_events_open_idx').execute();
  await db.schema.createIndex('notifications_due_idx').on('notifications').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('stripe_events_claim_idx').on('stripe_events').columns(['status', 'next_attempt_at']).execute();
}
