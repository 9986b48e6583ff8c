// Balances recomputed from the rows with SQL of our own, compared with what the app reports. "Paid" is
// taken from the payouts that were marked paid (their live items), not from the rows' status, so a row
// flipped to paid by anything but a payout shows up as a difference.
import { sql } from 'kysely';
import type { DB } from '../../db';

export interface BalanceFigures {
  pending: number;
  onHold: number;
  approved: number;
  paid: number;
  earned: number;
}

/** What the app says one merchant's partners have, per partner and currency (called as a black box). */
export type ReportedBalances = (merchantId: string, livemode: number, now: Date) => Promise<(BalanceFigures & { partnerId: string; currency: string })[]>;

export interface BalanceDifference {
  merchantId: string;
  livemode: number;
  partnerId: string;
  currency: string;
  field: keyof BalanceFigures;
  recomputed: number;
  reported: number;
}

const FIELDS: (keyof BalanceFigures)[] = ['pending', 'onHold', 'approved', 'paid', 'earned'];
const keyOf = (partnerId: string, currency: string) => `${partnerId}|${currency}`;

interface Recomputed extends BalanceFigures {
  merchant_id: string;
  livemode: number;
  partner_id: string;
  currency: string;
}

/** Every partner's balances at `now`, per merchant, mode and currency, from the rows and the paid payouts. */
export async function recomputeBalances(db: DB, now: Date): Promise<Recomputed[]> {
  const raw = db.withoutPlugins();
  const nowIso = now.toISOString();
  const fromRows = await sql<Omit<Recomputed, 'paid'> & { paid_by_status: number }>`
    select merchant_id, livemode, partner_id, currency,
      coalesce(sum(case when status = 'pending' and hold_until > ${nowIso} then net else 0 end), 0) as "pending",
      coalesce(sum(case when status = 'on_hold' then net else 0 end), 0) as "onHold",
      coalesce(sum(case when status = 'approved' or (status = 'pending' and hold_until <= ${nowIso}) then net else 0 end), 0) as "approved",
      coalesce(sum(case when kind = 'credit' then net else 0 end), 0) + coalesce(sum(case when kind = 'reversal' then net else 0 end), 0) as "earned"
    from commissions where status <> 'rejected'
    group by merchant_id, livemode, partner_id, currency`.execute(raw);
  const paid = await sql<{ merchant_id: string; livemode: number; partner_id: string; currency: string; paid: number }>`
    select po.merchant_id, po.livemode, i.partner_id, i.original_currency as currency, coalesce(sum(i.original_amount), 0) as paid
    from payout_items i join payouts po on po.id = i.payout_id
    where i.active = 1 and po.status = 'paid'
    group by po.merchant_id, po.livemode, i.partner_id, i.original_currency`.execute(raw);
  const paidBy = new Map(paid.rows.map((r) => [`${r.merchant_id}|${r.livemode}|${keyOf(r.partner_id, r.currency)}`, Number(r.paid)]));
  const out: Recomputed[] = fromRows.rows.map((r) => {
    const k = `${r.merchant_id}|${r.livemode}|${keyOf(r.partner_id, r.currency)}`;
    const row = { ...r, livemode: Number(r.livemode), pending: Number(r.pending), onHold: Number(r.onHold), approved: Number(r.approved), earned: Number(r.earned), paid: paidBy.get(k) ?? 0 };
    paidBy.delete(k);
    return row;
  });
  // Paid payouts whose rows are all rejected (or gone) still count: they are money that left.
  for (const [k, value] of paidBy) {
    const [merchantId, livemode, partnerId, currency] = k.split('|') as [string, string, string, string];
    out.push({ merchant_id: merchantId, livemode: Number(livemode), partner_id: partnerId, currency, pending: 0, onHold: 0, approved: 0, paid: value, earned: 0 });
  }
  return out;
}

/** Compare the recomputed balances with the app's, merchant by merchant; a partner missing on one side counts as zero. */
export async function compareBalances(db: DB, now: Date, reported: ReportedBalances): Promise<BalanceDifference[]> {
  const recomputed = await recomputeBalances(db, now);
  const groups = new Map<string, Recomputed[]>();
  for (const r of recomputed) {
    const g = `${r.merchant_id}|${r.livemode}`;
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  const diffs: BalanceDifference[] = [];
  for (const [g, rows] of groups) {
    const [merchantId, mode] = g.split('|') as [string, string];
    const livemode = Number(mode);
    const theirs = new Map((await reported(merchantId, livemode, now)).map((b) => [keyOf(b.partnerId, b.currency), b]));
    const ours = new Map(rows.map((r) => [keyOf(r.partner_id, r.currency), r]));
    for (const key of new Set([...ours.keys(), ...theirs.keys()])) {
      const [partnerId, currency] = key.split('|') as [string, string];
      for (const field of FIELDS) {
        const a = ours.get(key)?.[field] ?? 0;
        const b = theirs.get(key)?.[field] ?? 0;
        if (a !== b) diffs.push({ merchantId, livemode, partnerId, currency, field, recomputed: a, reported: b });
      }
    }
  }
  return diffs;
}
