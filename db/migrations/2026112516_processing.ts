// Frozen in time: never import application code here.
// The notifications scan looked for outbox events no scan had handled with an anti-join against
// notification_scans, bounded only by its 3-day window, and ran after nearly every processed Stripe event:
// at 20,000 recent outbox events it cost milliseconds per event (docs/performance.md, section 2), the same
// problem 2026112513_fanout_pending fixed for the fan-out. A pending flag with a partial index lets the scan
// read only the events still waiting; the scan clears the flag of every event it has looked at.
import { sql, type Kysely } from 'kysely';

/** The outbox types the scan mailed about when this migration was written. */
const NOTIFIED_TYPES = ['partner_application.approved', 'partner_application.rejected', 'commission.created', 'payout.paid'];
/** The scan never mails about events older than this (its window when this migration was written). */
const SCAN_WINDOW_MS = 3 * 86_400_000;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox_events').addColumn('notify_pending', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  // Already scanned, never mailed about, or too old to be: nothing left for the scan to do.
  const oldest = new Date(Date.now() - SCAN_WINDOW_MS).toISOString();
  await sql`update outbox_events set notify_pending = 0
    where id in (select source_id from notification_scans)
      or type not in (${sql.join(NOTIFIED_TYPES)})
      or created_at < ${oldest}`.execute(db);
  await db.schema
    .createIndex('outbox_events_notify_pending_idx')
    .on('outbox_events')
    .columns(['created_at', 'id'])
    .where(sql.ref('notify_pending'), '=', sql.lit(1))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_events_notify_pending_idx').execute();
  await db.schema.alterTable('outbox_events').dropColumn('notify_pending').execute();
}
