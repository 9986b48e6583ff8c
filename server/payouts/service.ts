// Payout runs and their settlement. A run pays every partner whose payable balance in the payout
// currency reaches the minimum, one payout per partner with the exact ledger rows it settles.
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { newId } from '../lib/ids';
import { audit } from '../audit';
import { AppError } from '../http/errors';
import { recordEvent } from '../outbound/record';
import { getSettings } from '../accounts/store';
import { approveDue } from './approval';
import { priceRow, type Pricing } from './pricing';
import { payoutMethod } from './methods';
import { applyToTotals } from '../commissions/totals';
import * as store from './store';
import type { Payout, UnpaidRow } from './store';

export interface PlannedPartner {
  partnerId: string;
  name: string;
  email: string;
  recipient: string;
  /** Sum of the priced rows in the payout currency (may be negative after refunds). */
  amount: number;
  rows: { row: UnpaidRow; pricing: Extract<Pricing, { kind: 'priced' }> }[];
  eligible: boolean;
}

export interface NeedsRate {
  row: UnpaidRow;
  partnerName: string;
  from: string;
  to: string;
  date: string;
}

export interface RunPlan {
  currency: string;
  minPayout: number;
  partners: PlannedPartner[];
  needsRate: NeedsRate[];
}

/**
 * What a run would pay now: payable rows priced in the payout currency, grouped per partner, with
 * who reaches the minimum. Rows without a known rate are listed apart and never paid.
 */
export async function planRun(db: DB, merchantId: string, livemode: number, now: Date): Promise<RunPlan> {
  const program = await getSettings(db, merchantId);
  const currency = program.currency;
  const [rows, rates, partners] = await Promise.all([
    store.unpaidApprovedRows(db, merchantId, livemode, now.toISOString()),
    store.ratesInto(db, merchantId, currency),
    db.selectFrom('partners').select(['id', 'name', 'email', 'payoutEmail']).where('merchantId', '=', merchantId).execute(),
  ]);
  const partnerById = new Map(partners.map((p) => [p.id, p]));
  const byPartner = new Map<string, PlannedPartner>();
  const needsRate: NeedsRate[] = [];
  for (const row of rows) {
    const p = partnerById.get(row.partnerId)!;
    const pricing = priceRow(row, currency, rates);
    if (pricing.kind === 'needs_rate') {
      needsRate.push({ row, partnerName: p.name, from: pricing.from, to: pricing.to, date: pricing.date });
      continue;
    }
    let planned = byPartner.get(row.partnerId);
    if (!planned) byPartner.set(row.partnerId, (planned = { partnerId: p.id, name: p.name, email: p.email, recipient: p.payoutEmail ?? p.email, amount: 0, rows: [], eligible: false }));
    planned.rows.push({ row, pricing });
    planned.amount += pricing.amount;
  }
  const planned = [...byPartner.values()].sort((a, b) => a.name.localeCompare(b.name) || a.partnerId.localeCompare(b.partnerId));
  for (const p of planned) p.eligible = p.amount > 0 && p.amount >= program.minPayout;
  return { currency, minPayout: program.minPayout, partners: planned, needsRate };
}

export interface RunResult {
  runId: string | null;
  payouts: Payout[];
  /** Partners left out because their rows changed while the run was claiming them (paid by the next run). */
  skipped: string[];
  plan: RunPlan;
}

/**
 * Run payouts for one merchant and mode. Due pending credits are approved first (with their events);
 * then, in one transaction that holds the merchant's payout lock, every eligible partner's rows are
 * claimed with a conditional update (`payout_id is null`): a partner whose rows were not all still
 * free is skipped, so a payout always equals exactly the rows it holds. Two runs at once take turns on
 * the lock; the unique index on live payout items is the last line of defence.
 */
export async function runPayouts(deps: { db: DB; clock: Clock }, merchantId: string, livemode: number, actor: string): Promise<RunResult> {
  const { db, clock } = deps;
  while ((await approveDue(db, clock, { merchantId, livemode })) > 0) {
    /* approve every due credit before pricing */
  }
  const result = await db.transaction().execute(async (trx): Promise<RunResult> => {
    const now = clock.now();
    const nowIso = now.toISOString();
    await store.takePayoutLock(trx, merchantId, livemode, nowIso);
    const plan = await planRun(trx, merchantId, livemode, now);
    const eligible = plan.partners.filter((p) => p.eligible);
    if (eligible.length === 0) return { runId: null, payouts: [], skipped: [], plan };

    const runId = newId('prun');
    await trx.insertInto('payoutRuns').values({ id: runId, merchantId, livemode, currency: plan.currency, minPayout: plan.minPayout, payoutCount: 0, total: 0, createdBy: actor, createdAt: nowIso }).execute();
    const payouts: Payout[] = [];
    const skipped: string[] = [];
    for (const p of eligible) {
      const payoutId = newId('po');
      const ids = p.rows.map((r) => r.row.id);
      const taken = await store.claimRows(trx, merchantId, payoutId, ids);
      if (taken.length !== ids.length) {
        await trx.updateTable('commissions').set({ payoutId: null }).where('payoutId', '=', payoutId).execute();
        skipped.push(p.partnerId);
        continue;
      }
      const payout: Payout = {
        id: payoutId,
        merchantId,
        livemode,
        runId,
        partnerId: p.partnerId,
        amount: p.amount,
        currency: plan.currency,
        status: 'processing',
        method: 'manual_csv',
        recipient: p.recipient,
        externalReference: null,
        paidOn: null,
        failureReason: null,
        createdBy: actor,
        createdAt: nowIso,
        updatedAt: nowIso,
      };
      await trx.insertInto('payouts').values(payout).execute();
      const items = p.rows.map(({ row, pricing }) => ({
        id: newId('poi'),
        payoutId,
        merchantId,
        commissionId: row.id,
        partnerId: p.partnerId,
        kind: row.kind,
        originalAmount: row.net,
        originalCurrency: row.currency,
        amount: pricing.amount,
        currency: plan.currency,
        rate: pricing.rate,
        rateSource: pricing.source,
        rateDate: pricing.rateDate,
        active: 1,
        createdAt: nowIso,
      }));
      for (let i = 0; i < items.length; i += 200) await trx.insertInto('payoutItems').values(items.slice(i, i + 200)).execute();
      payouts.push(payout);
    }
    const total = payouts.reduce((s, p) => s + p.amount, 0);
    await trx.updateTable('payoutRuns').set({ payoutCount: payouts.length, total }).where('id', '=', runId).execute();
    await audit(trx, {
      merchantId,
      actor,
      action: 'payout_run.created',
      subjectType: 'payout_run',
      subjectId: runId,
      after: { livemode: livemode === 1, currency: plan.currency, minPayout: plan.minPayout, total, payouts: payouts.map((x) => ({ id: x.id, partnerId: x.partnerId, amount: x.amount })), skipped },
      at: now,
    });
    return { runId, payouts, skipped, plan };
  });
  if (result.payouts.length > 0) await payoutMethod('manual_csv').dispatch(result.payouts);
  return result;
}

const payoutEventData = (p: Payout, itemCount: number) => ({
  id: p.id,
  affiliateId: p.partnerId,
  runId: p.runId,
  amount: p.amount,
  currency: p.currency,
  status: p.status,
  method: p.method,
  recipient: p.recipient,
  paidOn: p.paidOn,
  externalReference: p.externalReference,
  commissionCount: itemCount,
  createdAt: p.createdAt,
});

async function processingPayout(trx: DB, merchantId: string, payoutId: string): Promise<Payout> {
  const payout = await store.findPayout(trx, merchantId, payoutId);
  if (!payout) throw new AppError(404, 'payout_not_found', 'No such payout.');
  if (payout.status !== 'processing') throw new AppError(409, 'payout_not_processing', `This payout is already ${payout.status}.`);
  return payout;
}

/** The money arrived: the payout and every row it holds become paid (with history), and `payout.paid` is recorded. */
export async function markPaid(deps: { db: DB; clock: Clock }, merchantId: string, payoutId: string, input: { paidOn: string; externalReference: string }, actor: string): Promise<Payout> {
  const { db, clock } = deps;
  return db.transaction().execute(async (trx) => {
    const before = await processingPayout(trx, merchantId, payoutId);
    const now = clock.now();
    const nowIso = now.toISOString();
    if (!(await store.settlePayout(trx, merchantId, payoutId, { status: 'paid', paidOn: input.paidOn, externalReference: input.externalReference, updatedAt: nowIso }))) {
      throw new AppError(409, 'payout_not_processing', 'This payout changed meanwhile: reload the page.');
    }
    const rows = await trx.selectFrom('commissions').select(['id', 'status', 'net', 'merchantId', 'livemode', 'partnerId', 'currency']).where('payoutId', '=', payoutId).where('status', '<>', 'paid').execute();
    await trx.updateTable('commissions').set({ status: 'paid', statusReason: `Paid in ${payoutId}` }).where('payoutId', '=', payoutId).where('status', '<>', 'paid').execute();
    await applyToTotals(trx, rows.flatMap((r) => [{ ...r, net: -Number(r.net) }, { ...r, status: 'paid', net: Number(r.net) }]));
    for (const r of rows) {
      await trx.insertInto('commissionStatusChanges').values({ id: newId('csc'), commissionId: r.id, merchantId, fromStatus: r.status, toStatus: 'paid', reason: `Paid in ${payoutId}`, actor, createdAt: nowIso }).execute();
    }
    const after: Payout = { ...before, status: 'paid', paidOn: input.paidOn, externalReference: input.externalReference, updatedAt: nowIso };
    const itemCount = await trx.selectFrom('payoutItems').select((eb) => eb.fn.countAll<number>().as('n')).where('payoutId', '=', payoutId).executeTakeFirstOrThrow();
    await recordEvent(trx, { merchantId, type: 'payout.paid', livemode: before.livemode === 1, data: { payout: payoutEventData(after, Number(itemCount.n)) }, at: now });
    await audit(trx, {
      merchantId,
      actor,
      action: 'payout.paid',
      subjectType: 'payout',
      subjectId: payoutId,
      before: { status: before.status, amount: before.amount, currency: before.currency },
      after: { status: 'paid', amount: before.amount, currency: before.currency, paidOn: input.paidOn, externalReference: input.externalReference, commissions: rows.length },
      at: now,
    });
    return after;
  });
}

/** The money did not arrive: the payout fails and its rows are released, approved again, for the next run. */
export async function markFailed(deps: { db: DB; clock: Clock }, merchantId: string, payoutId: string, reason: string, actor: string): Promise<Payout> {
  const { db, clock } = deps;
  return db.transaction().execute(async (trx) => {
    const before = await processingPayout(trx, merchantId, payoutId);
    const now = clock.now();
    const nowIso = now.toISOString();
    if (!(await store.settlePayout(trx, merchantId, payoutId, { status: 'failed', failureReason: reason, updatedAt: nowIso }))) {
      throw new AppError(409, 'payout_not_processing', 'This payout changed meanwhile: reload the page.');
    }
    const released = await trx.updateTable('commissions').set({ payoutId: null }).where('payoutId', '=', payoutId).returning('id').execute();
    await trx.updateTable('payoutItems').set({ active: 0 }).where('payoutId', '=', payoutId).execute();
    await audit(trx, {
      merchantId,
      actor,
      action: 'payout.failed',
      subjectType: 'payout',
      subjectId: payoutId,
      before: { status: before.status, amount: before.amount, currency: before.currency },
      after: { status: 'failed', reason, releasedCommissions: released.length },
      at: now,
    });
    return { ...before, status: 'failed', failureReason: reason, updatedAt: nowIso };
  });
}
