// Exchange rates as exact decimals: parsed into a scaled BigInt, applied to minor units with the
// product's one rounding (roundDiv, half away from zero). Pure: no I/O, no floats.
import { exponentOf } from '../lib/money';
import { roundDiv } from '../commissions/math';

/** A positive decimal `digits × 10^-scale`. */
export interface Decimal {
  digits: bigint;
  scale: number;
}

const MAX_SCALE = 18;

/**
 * Parse a rate such as "1.0834", "0.0067" or "155". Stripe sends rates as JSON numbers, which
 * JavaScript may print in exponent form ("1.2e-7"); that form is accepted too. Returns undefined for
 * anything that is not a positive number with at most 18 decimals and 12 integer digits.
 */
export function parseRate(text: string): Decimal | undefined {
  const m = /^(\d{1,12})(?:\.(\d{1,18}))?(?:e([+-]?\d{1,2}))?$/i.exec(text.trim());
  if (!m) return undefined;
  const frac = m[2] ?? '';
  let digits = BigInt(m[1]! + frac);
  let scale = frac.length - Number(m[3] ?? 0);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  while (scale > 0 && digits % 10n === 0n) {
    digits /= 10n;
    scale -= 1;
  }
  if (digits <= 0n || scale > MAX_SCALE) return undefined;
  return { digits, scale };
}

/** The canonical text of a rate ("1.0834", "155"): what is stored and shown. */
export function formatRate(d: Decimal): string {
  if (d.scale === 0) return d.digits.toString();
  const s = d.digits.toString().padStart(d.scale + 1, '0');
  return `${s.slice(0, -d.scale)}.${s.slice(-d.scale)}`;
}

/** Normalise a rate text, or undefined when it is not a valid rate. */
export function normaliseRate(text: string): string | undefined {
  const d = parseRate(text);
  return d ? formatRate(d) : undefined;
}

/** A JSON number from Stripe (e.g. `exchange_rate: 1.08341`) as a decimal string, without float arithmetic. */
export function rateFromNumber(n: number): string | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return normaliseRate(String(n));
}

/**
 * Convert an amount in minor units of `from` into minor units of `to` at `rate` (units of `to` per one
 * unit of `from`), exactly, with one rounding: amount × rate × 10^exp(to) ÷ 10^exp(from).
 */
export function convertMinor(amount: number, from: string, to: string, rate: string): number {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`${amount} is not an integer amount`);
  const d = parseRate(rate);
  if (!d) throw new RangeError(`invalid rate ${rate}`);
  const numerator = BigInt(amount) * d.digits * 10n ** BigInt(exponentOf(to));
  const denominator = 10n ** BigInt(d.scale) * 10n ** BigInt(exponentOf(from));
  const out = Number(roundDiv(numerator, denominator));
  if (!Number.isSafeInteger(out)) throw new RangeError('converted amount is outside the safe integer range');
  return out;
}
