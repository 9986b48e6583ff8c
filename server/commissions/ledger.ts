// Ledger writes: conversions, credits, reversals and status changes. Every function runs inside the
// caller's transaction and does no I/O besides it; every insert is keyed so a replay changes nothing.
import type { DB } from '../../db';
import type { ProgramSettings } from '../../db/schema';
import type { Partner } from '../../db/tables/partners';
import type { CommissionStatus, ConversionsTable } from '../../db/tables/ledger';
import type { Insertable } from 'kysely';
import type { Clock } from '../lib/clock';
import { addDays } from '../lib/clock';
import { newId } from '../lib/ids';
import { recordEvent } from '../outbound/record';
import { addMonthsUtc, applyBps, invoiceCommission, splitFee, type Amounts, type CommissionRule } from './math';
import { checkDuration, checkEarning, ruleFor } from './rules';
import { commissionByLines, parseSaleLines } from './product-rules';
import * as store from './store';
import { applyToTotal } from './totals';
import type { Commission, Conversion } from './store';

export type NewConversion = Omit<Insertable<ConversionsTable>, 'id' | 'createdAt'>;

/** Insert a conversion once per natural key; a replay returns the existing row. */
export async function recordConversion(trx: DB, clock: Clock, sale: NewConversion): Promise<{ conversion: Conversion; created: boolean }> {
  const inserted = await trx
    .insertInto('conversions')
    .values({ ...sale, id: newId('cnv'), createdAt: clock.now().toISOString() })
    .onConflict((oc) => oc.columns(['merchantId', 'livemode', 'sourceKey']).doNothing())
    .returningAll()
    .executeTakeFirst();
  // A replay: the stored conversion is returned as it is.
  const conversion = inserted ?? (await store.findConversionByKey(trx, sale.merchantId, sale.livemode, sale.sourceKey));
  if (!conversion) throw new Error(`conversion ${sale.sourceKey} vanished`);
  const created = inserted !== undefined;
  if (created && conversion.partnerId) {
    await recordEvent(trx, { merchantId: sale.merchantId, type: 'conversion.created', livemode: sale.livemode === 1, data: { conversion: conversionEventData(conversion) }, at: clock.now() });
  }
  return { conversion, created };
}

const conversionEventData = (c: Conversion) => ({
  id: c.id,
  affiliateId: c.partnerId,
  source: c.source,
  stripeObjectId: c.stripeObjectId,
  externalId: c.externalId,
  amount: c.amount,
  currency: c.currency,
  customerId: c.stripeCustomerId ?? c.customerKey,
  occurredAt: c.occurredAt,
});

/** Give an unattributed conversion its partner (binding arrived later, or a merchant assigned it), at `at`. */
export async function attributeConversion(trx: DB, conversion: Conversion, partnerId: string, bindingId: string | null, attribution: unknown, at: Date): Promise<Conversion> {
  const changes = { partnerId, bindingId, unattributedReason: null, attribution: JSON.stringify(attribution), attributedAt: at.toISOString() };
  await trx.updateTable('conversions').set(changes).where('id', '=', conversion.id).where('partnerId', 'is', null).execute();
  return { ...conversion, ...changes };
}

export interface CreditInput {
  program: ProgramSettings;
  partner: Partner;
  disconnectedAt: string | null;
  cause: { type: 'stripe_event' | 'api' | 'manual'; id: string };
  referral?: { value: string | null; foundIn: string | null; source?: string };
  productRateBps?: number | null;
  /** The conversion was recorded in this transaction: it cannot have a credit yet (skips that lookup). */
  fresh?: boolean;
}

/** The commission on a conversion's base under a rule (one rounding). */
function computeCommission(c: Conversion, rule: CommissionRule): number {
  if (c.kind === 'invoice' && c.total !== null && c.totalExcludingTax !== null) {
    return invoiceCommission({ total: c.total, totalExcludingTax: c.totalExcludingTax, amountPaid: c.amountPaid }, rule).commission;
  }
  if (c.amount <= 0) return 0;
  return rule.type === 'percent' ? applyBps(c.amount, rule.bps) : rule.amount;
}

/**
 * Credit a conversion to its partner once (ledger key `credit:<conversion>`). Zero bases create no row
 * and do not start the duration clock. Outside the duration, or not earning (partner not active,
 * self-referral, after a disconnect), the row is still written, with its reason and status `rejected`.
 */
export async function creditConversion(trx: DB, clock: Clock, conversion: Conversion, input: CreditInput): Promise<Commission | undefined> {
  if (conversion.amount <= 0) return undefined;
  const existing = input.fresh ? undefined : await store.findCredit(trx, conversion.id);
  if (existing) return existing;

  const { program, partner } = input;
  const rule = ruleFor(program, partner, input.productRateBps);
  const paidAt = new Date(conversion.occurredAt);
  const periodStart = new Date(conversion.periodStart ?? conversion.occurredAt);

  let earlierCount = 0;
  let firstPeriodStart: Date | null = null;
  if (conversion.bindingId) {
    const prior = await store.positiveConversionsOfBinding(trx, conversion.bindingId);
    const key = (r: { occurredAt: string; id: string }) => `${r.occurredAt}|${r.id}`;
    earlierCount = prior.filter((r) => key(r) < key(conversion)).length;
    const starts = prior.map((r) => r.periodStart ?? r.occurredAt).sort();
    firstPeriodStart = starts[0] ? new Date(starts[0]) : null;
  }
  const duration = checkDuration(program, { earlierCount, firstPeriodStart }, periodStart, addMonthsUtc);
  const earning = checkEarning(partner, conversion.customerEmail, paidAt, input.disconnectedAt ? new Date(input.disconnectedAt) : null);

  // Product rules: the lines kept on the conversion decide, each at its own rate, rounded once.
  const saleLines = parseSaleLines(conversion.lines);
  const isInvoice = conversion.kind === 'invoice' && conversion.total !== null;
  const fromOverride = partner.commissionOverrideType !== null && partner.commissionOverrideValue !== null;
  const byLines = saleLines ? commissionByLines(saleLines, isInvoice ? conversion.amountPaid : 1, isInvoice ? conversion.total! : 1, { rule, fromOverride }) : null;
  const computed = byLines ? byLines.commission : computeCommission(conversion, rule);
  const amount = duration.inside ? computed : 0;
  const { fee, net } = splitFee(amount, program.platformFeeBps);
  const status: CommissionStatus = !duration.inside || !earning.earns ? 'rejected' : 'pending';
  const statusReason = !duration.inside ? duration.reason : !earning.earns ? earning.reason : null;
  const currency = rule.type === 'flat' ? rule.currency : conversion.currency;

  const explanation = {
    base: conversion.amount,
    baseCurrency: conversion.currency,
    paid: conversion.amountPaid,
    total: conversion.total,
    totalExcludingTax: conversion.totalExcludingTax,
    rule,
    formula: byLines
      ? byLines.formula
      : rule.type === 'flat'
        ? 'flat amount per sale'
        : conversion.kind === 'invoice'
          ? 'round(total_excluding_tax × paid × bps ÷ (total × 10000)), half away from zero'
          : 'round(base × bps ÷ 10000), half away from zero',
    computed,
    ...(byLines ? { lines: byLines.lines, lineSum: byLines.lineSum, lineTarget: byLines.target } : {}),
    duration: { type: program.durationType, value: program.durationValue, earlierPayments: earlierCount, firstPeriodStart: firstPeriodStart?.toISOString() ?? null, ...duration },
    earning,
    platformFeeBps: program.platformFeeBps,
    fee,
    net,
    referral: input.referral ?? null,
  };

  const row = {
    id: newId('com'),
    merchantId: conversion.merchantId,
    livemode: conversion.livemode,
    partnerId: partner.id,
    conversionId: conversion.id,
    kind: 'credit' as const,
    reversesId: null,
    ledgerKey: `credit:${conversion.id}`,
    amount,
    fee,
    net,
    currency,
    rule: JSON.stringify(rule),
    explanation: JSON.stringify(explanation),
    status,
    statusReason,
    holdUntil: addDays(paidAt, program.holdingDays).toISOString(),
    causeType: input.cause.type,
    causeId: input.cause.id,
    stripeObjectId: conversion.stripeObjectId,
    payoutId: null,
    occurredAt: conversion.occurredAt,
    createdAt: clock.now().toISOString(),
  };
  const res = await trx
    .insertInto('commissions')
    .values(row)
    .onConflict((oc) => oc.columns(['merchantId', 'livemode', 'ledgerKey']).doNothing())
    .executeTakeFirst();
  if (Number(res.numInsertedOrUpdatedRows ?? 0n) !== 1) return store.findCredit(trx, conversion.id);
  await applyToTotal(trx, row, [{ status: row.status, net: row.net }]);
  await recordEvent(trx, {
    merchantId: conversion.merchantId,
    type: 'commission.created',
    livemode: conversion.livemode === 1,
    data: { commission: commissionEventData(row), conversion: conversionEventData(conversion) },
    at: clock.now(),
  });
  return row;
}

export const commissionEventData = (c: Commission) => ({
  id: c.id,
  affiliateId: c.partnerId,
  conversionId: c.conversionId,
  kind: c.kind,
  reversesId: c.reversesId,
  amount: c.amount,
  platformFee: c.fee,
  netCommission: c.net,
  currency: c.currency,
  status: c.status,
  statusReason: c.statusReason,
  createdAt: c.createdAt,
});

/**
 * Append a reversal of `credit` (positive `amounts` are stored negated) once per key. It sits in the
 * credit's bucket while the credit is unpaid; after payout it is a negative `approved` row that the
 * next payout nets. A negative `amounts` (undoing a clawback) is stored positive the same way.
 */
export async function reverse(
  trx: DB,
  clock: Clock,
  credit: Commission,
  amounts: Amounts,
  key: string,
  cause: { type: 'stripe_event' | 'api' | 'manual'; id: string },
  stripeObjectId: string | null,
  reason: string,
): Promise<Commission | undefined> {
  if (amounts.commission === 0 && amounts.fee === 0) return undefined;
  const status: CommissionStatus = credit.status === 'paid' ? 'approved' : credit.status;
  const row = {
    id: newId('com'),
    merchantId: credit.merchantId,
    livemode: credit.livemode,
    partnerId: credit.partnerId,
    conversionId: credit.conversionId,
    kind: 'reversal' as const,
    reversesId: credit.id,
    ledgerKey: key,
    amount: -amounts.commission,
    fee: -amounts.fee,
    net: -amounts.net,
    currency: credit.currency,
    rule: credit.rule,
    explanation: JSON.stringify({ reason, reverses: credit.id }),
    status,
    statusReason: reason,
    holdUntil: credit.holdUntil,
    causeType: cause.type,
    causeId: cause.id,
    stripeObjectId,
    payoutId: null,
    occurredAt: clock.now().toISOString(),
    createdAt: clock.now().toISOString(),
  };
  const res = await trx
    .insertInto('commissions')
    .values(row)
    .onConflict((oc) => oc.columns(['merchantId', 'livemode', 'ledgerKey']).doNothing())
    .executeTakeFirst();
  if (Number(res.numInsertedOrUpdatedRows ?? 0n) !== 1) return undefined;
  await applyToTotal(trx, row, [{ status: row.status, net: row.net }]);
  await recordEvent(trx, { merchantId: credit.merchantId, type: 'commission.reversed', livemode: credit.livemode === 1, data: { commission: commissionEventData(row) }, at: clock.now() });
  return row;
}

/**
 * Move a credit (and its unpaid reversals, which share its bucket) from one status to another,
 * conditionally, with a history row. Returns false when the credit was not in `from`.
 */
export async function changeStatus(
  trx: DB,
  clock: Clock,
  credit: Commission,
  from: CommissionStatus[],
  to: CommissionStatus,
  reason: string | null,
  actor: string,
): Promise<boolean> {
  const current = await trx.selectFrom('commissions').select('status').where('id', '=', credit.id).executeTakeFirst();
  if (!current || !from.includes(current.status) || current.status === to) return false;
  const now = clock.now().toISOString();
  const updated = await trx
    .updateTable('commissions')
    .set({ status: to, statusReason: reason })
    .where((eb) => eb.or([eb('id', '=', credit.id), eb.and([eb('reversesId', '=', credit.id), eb('status', '=', current.status), eb('payoutId', 'is', null)])]))
    .where('status', '=', current.status)
    .returning(['id', 'net'])
    .execute();
  // The credit's reversals share its partner and currency (an invariant the ledger checker enforces).
  if (updated.length > 0) await applyToTotal(trx, credit, updated.flatMap((r) => [{ status: current.status, net: -Number(r.net) }, { status: to, net: Number(r.net) }]));
  for (const r of updated) {
    await trx.insertInto('commissionStatusChanges').values({ id: newId('csc'), commissionId: r.id, merchantId: credit.merchantId, fromStatus: current.status, toStatus: to, reason, actor, createdAt: now }).execute();
  }
  return updated.some((r) => r.id === credit.id);
}
