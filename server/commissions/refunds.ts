// Refund clawbacks, exact and independent of delivery order: every time, the charge's refunds are
// listed from Stripe and the ledger is brought in line with the succeeded ones.
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { refundClawback, type Amounts } from './math';
import { reverse } from './ledger';
import * as store from './store';
import type { Commission } from './store';

export interface RefundState {
  id: string;
  amount: number;
  status: string; // pending | requires_action | succeeded | failed | canceled
  created: number;
}

const sum = (rows: Commission[]): Amounts => rows.reduce((s, r) => ({ commission: s.commission - r.amount, fee: s.fee - r.fee, net: s.net - r.net }), { commission: 0, fee: 0, net: 0 });

/**
 * Claw back per succeeded refund, in (created, id) order: refund k takes round(C×R_k÷P) − round(C×R_{k−1}÷P).
 * A refund already clawed back keeps its row; if an earlier refund succeeded late, the newest row written
 * now absorbs the rounding so the active clawbacks always total round(C×R÷P) exactly. A clawed-back
 * refund that later failed or was canceled gets its clawback reversed (`refund-undo:`).
 */
export async function applyRefunds(
  trx: DB,
  clock: Clock,
  credit: Commission,
  paidOnCharge: number,
  refunds: RefundState[],
  cause: { type: 'stripe_event' | 'api'; id: string },
): Promise<number> {
  if (credit.amount === 0 || paidOnCharge <= 0) return 0;
  const original: Amounts = { commission: credit.amount, fee: credit.fee, net: credit.net };
  const existing = await store.reversalsOf(trx, credit.id);
  const byKey = new Map(existing.map((r) => [r.ledgerKey, r]));
  let written = 0;

  // Undo clawbacks of refunds that did not go through.
  for (const r of refunds) {
    if (r.status !== 'failed' && r.status !== 'canceled') continue;
    const clawed = byKey.get(`refund:${r.id}`);
    if (!clawed || byKey.has(`refund-undo:${r.id}`)) continue;
    const undo = { commission: clawed.amount, fee: clawed.fee, net: clawed.net }; // negative amounts → stored positive
    if (await reverse(trx, clock, credit, undo, `refund-undo:${r.id}`, cause, r.id, `Refund ${r.id} ${r.status}: clawback reversed`)) written++;
  }

  const succeeded = refunds.filter((r) => r.status === 'succeeded').sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const missing: { refund: RefundState; amounts: Amounts }[] = [];
  let running = 0;
  for (const r of succeeded) {
    const before = running;
    running += r.amount;
    if (!byKey.has(`refund:${r.id}`)) missing.push({ refund: r, amounts: refundClawback(original, paidOnCharge, before, running) });
  }
  if (missing.length === 0) return written;

  // Keep the total exact: active clawbacks (succeeded refunds, not undone) must sum to round(C × R ÷ P).
  const target = refundClawback(original, paidOnCharge, 0, running);
  const activeRows = succeeded.map((r) => byKey.get(`refund:${r.id}`)).filter((x): x is Commission => !!x);
  const already = sum(activeRows);
  const planned = missing.reduce((s, m) => ({ commission: s.commission + m.amounts.commission, fee: s.fee + m.amounts.fee, net: s.net + m.amounts.net }), { commission: 0, fee: 0, net: 0 });
  const last = missing[missing.length - 1]!;
  last.amounts = {
    commission: last.amounts.commission + (target.commission - already.commission - planned.commission),
    fee: last.amounts.fee + (target.fee - already.fee - planned.fee),
    net: 0,
  };
  last.amounts.net = last.amounts.commission - last.amounts.fee;

  for (const m of missing) {
    if (await reverse(trx, clock, credit, m.amounts, `refund:${m.refund.id}`, cause, m.refund.id, `Refund ${m.refund.id} of ${m.refund.amount} (${paidOnCharge} paid)`)) written++;
  }
  return written;
}
