// Commission arithmetic: pure, integer-only (BigInt inside), one rounding rule for the whole product.
// Every amount is in minor units of one currency; nothing here converts currencies.

/**
 * numerator ÷ denominator rounded half away from zero: the ONE rounding function of the product.
 * 2.5 → 3, -2.5 → -3, 2.4999 → 2. Works on exact integers, so no float ever rounds money.
 */
export function roundDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  if (denominator < 0n) return roundDiv(-numerator, -denominator);
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = n / denominator;
  const r = n % denominator;
  const rounded = r * 2n >= denominator ? q + 1n : q;
  return negative ? -rounded : rounded;
}

const toNumber = (v: bigint): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount ${v} is outside the safe integer range`);
  return n;
};
const big = (n: number): bigint => {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${n} is not an integer amount`);
  return BigInt(n);
};

/** The rule a commission was computed with; stored on the row so settings changes are not retroactive. */
export type CommissionRule = { type: 'percent'; bps: number } | { type: 'flat'; amount: number; currency: string };

/** A share of an amount in basis points, rounded once. */
export function applyBps(amount: number, bps: number): number {
  return toNumber(roundDiv(big(amount) * big(bps), 10_000n));
}

/**
 * Commission on a one-off Checkout purchase: base = amount_total − amount_tax (shipping included).
 * Returns the base too, for "explain this commission".
 */
export function sessionCommission(s: { amountTotal: number; amountTax: number }, rule: CommissionRule): { base: number; commission: number } {
  const base = s.amountTotal - s.amountTax;
  if (base <= 0) return { base, commission: 0 };
  return { base, commission: rule.type === 'percent' ? applyBps(base, rule.bps) : rule.amount };
}

/**
 * Commission on an invoice. paid = min(amount_paid, total); nothing when total ≤ 0 or paid ≤ 0.
 * Percent: round(total_excluding_tax × paid × bps ÷ (total × 10000)), so a partial payment scales the
 * tax-excluded base, computed exactly and rounded once. The base reported is total_excluding_tax × paid ÷ total.
 */
export function invoiceCommission(
  inv: { total: number; totalExcludingTax: number; amountPaid: number },
  rule: CommissionRule,
): { base: number; commission: number } {
  const paid = Math.min(inv.amountPaid, inv.total);
  if (inv.total <= 0 || paid <= 0 || inv.totalExcludingTax <= 0) return { base: 0, commission: 0 };
  const base = toNumber(roundDiv(big(inv.totalExcludingTax) * big(paid), big(inv.total)));
  if (rule.type === 'flat') return { base, commission: rule.amount };
  const commission = roundDiv(big(inv.totalExcludingTax) * big(paid) * big(rule.bps), big(inv.total) * 10_000n);
  return { base, commission: toNumber(commission) };
}

/** Platform fee on a commission and what the partner is owed (net = commission − fee). */
export function splitFee(commission: number, feeBps: number): { fee: number; net: number } {
  const fee = applyBps(commission, feeBps);
  return { fee, net: commission - fee };
}

export interface Amounts {
  commission: number;
  fee: number;
  net: number;
}

/**
 * Clawback for refund k on a charge: round(C × R_k ÷ P) − round(C × R_{k−1} ÷ P), where R are running
 * totals of succeeded refunds (ordered by created, id) and P is what the customer paid on the charge.
 * Because each step is a difference of cumulative roundings, the parts always sum to round(C × R ÷ P),
 * and a full refund (R = P) reverses exactly C. Fee and net are reversed in the same proportion
 * (net = commission − fee at every step). Returns positive amounts to subtract.
 */
export function refundClawback(original: Amounts, paid: number, runningBefore: number, runningAfter: number): Amounts {
  if (paid <= 0) throw new RangeError('paid must be positive');
  const before = Math.min(runningBefore, paid);
  const after = Math.min(runningAfter, paid);
  const cum = (x: number, r: number) => roundDiv(big(x) * big(r), big(paid));
  const commission = toNumber(cum(original.commission, after) - cum(original.commission, before));
  const fee = toNumber(cum(original.fee, after) - cum(original.fee, before));
  return { commission, fee, net: commission - fee };
}

/** What a lost dispute reverses: whatever of the commission is not already reversed (never dispute.amount). */
export function remainingAfterReversals(original: Amounts, reversed: Amounts): Amounts {
  const commission = Math.max(0, original.commission - reversed.commission);
  const fee = Math.max(0, original.fee - reversed.fee);
  return { commission, fee, net: commission - fee };
}

/**
 * `date` plus `months` calendar months in UTC, clamped to the end of the target month
 * (Jan 31 + 1 month = Feb 28/29), keeping the time of day.
 */
export function addMonthsUtc(date: Date, months: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(targetYear, targetMonth, Math.min(date.getUTCDate(), lastDay), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()),
  );
}

/** Within an "N months" duration: the payment's period start is before the first commissioned period start + N months. */
export function withinMonths(firstPeriodStart: Date, periodStart: Date, months: number): boolean {
  return periodStart.getTime() < addMonthsUtc(firstPeriodStart, months).getTime();
}
