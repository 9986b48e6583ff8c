// Events that arrive before what they refer to (a refund before its sale) are parked under a wait key
// and re-run when it appears: right after the change commits, and by a sweeping job as a safety net.
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import type { Jobs } from '../jobs';
import { resetEvent } from '../stripe/store';

/** 'pi:pi_…' (a sale paid by this PaymentIntent), 'in:in_…' (an invoice's conversion), 'conv:cnv_…' (a conversion's credit). */
export type WaitKey = `pi:${string}` | `in:${string}` | `conv:${string}`;

export async function park(trx: DB, clock: Clock, p: { merchantId: string; livemode: number; eventId: string; waitKeys: WaitKey[] }): Promise<void> {
  for (const waitKey of p.waitKeys) {
    await trx
      .insertInto('parkedEvents')
      .values({ merchantId: p.merchantId, livemode: p.livemode, waitKey, eventId: p.eventId, createdAt: clock.now().toISOString() })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Re-run the events parked under these keys (after the transaction that made them satisfiable committed). */
export async function wake(db: DB, clock: Clock, jobs: Jobs, merchantId: string, livemode: number, keys: WaitKey[]): Promise<number> {
  if (keys.length === 0) return 0;
  const rows = await db
    .selectFrom('parkedEvents')
    .select(['eventId', 'waitKey'])
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where('waitKey', 'in', keys)
    .execute();
  return rerun(db, clock, jobs, merchantId, rows);
}

async function rerun(db: DB, clock: Clock, jobs: Jobs, merchantId: string, rows: { eventId: string; waitKey: string }[]): Promise<number> {
  const eventIds = [...new Set(rows.map((r) => r.eventId))];
  if (eventIds.length === 0) return 0;
  await db.deleteFrom('parkedEvents').where('merchantId', '=', merchantId).where('eventId', 'in', eventIds).execute();
  for (const id of eventIds) await resetEvent(db, merchantId, id, clock.now().toISOString());
  jobs.kick('stripe-events');
  return eventIds.length;
}

/** Safety net for a wake that raced a park on another process: re-run parked events whose key is now satisfied. */
export async function sweepParked(db: DB, clock: Clock, jobs: Jobs): Promise<number> {
  const parked = await db.selectFrom('parkedEvents').select(['merchantId', 'livemode', 'waitKey', 'eventId']).limit(500).execute();
  let woken = 0;
  for (const p of parked) {
    const [kind, id] = [p.waitKey.slice(0, p.waitKey.indexOf(':')), p.waitKey.slice(p.waitKey.indexOf(':') + 1)];
    const base = db.selectFrom('conversions').select('conversions.id').where('conversions.merchantId', '=', p.merchantId).where('conversions.livemode', '=', p.livemode);
    const satisfied =
      kind === 'pi'
        ? await base.where('paymentIntentId', '=', id).executeTakeFirst()
        : kind === 'in'
          ? await base.where('sourceKey', '=', p.waitKey).executeTakeFirst()
          : await db.selectFrom('commissions').select('id').where('conversionId', '=', id).where('kind', '=', 'credit').executeTakeFirst();
    if (satisfied) woken += await rerun(db, clock, jobs, p.merchantId, [p]);
  }
  return woken;
}
