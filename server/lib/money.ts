// Money is { amount: integer minor units, currency: lower-case ISO 4217 } everywhere.
// Exponents follow Stripe's conventions (https://docs.stripe.com/currencies), not ISO's: ISK and UGX
// are two-decimal in Stripe's API even though they have no minor unit in practice.

export interface Money {
  amount: number;
  currency: string;
}

const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** Number of decimal places of a currency's minor unit, as Stripe counts them. */
export function exponentOf(currency: string): number {
  const c = currency.toLowerCase();
  if (ZERO_DECIMAL.has(c)) return 0;
  if (THREE_DECIMAL.has(c)) return 3;
  return 2;
}

const KNOWN = new Set(Intl.supportedValuesOf('currency').map((c) => c.toLowerCase()));
export function isKnownCurrency(currency: string): boolean {
  return KNOWN.has(currency.toLowerCase());
}

/**
 * Parse a decimal string in major units ("12.50", "1,000", "0.125") into integer minor units,
 * exactly, without floating point. Returns undefined when the text is not a plain amount or has
 * more decimals than the currency allows.
 */
export function parseMajor(text: string, currency: string): number | undefined {
  const cleaned = text.trim().replace(/[,_\s]/g, '');
  const m = /^(-)?(\d{1,15})(?:\.(\d+))?$/.exec(cleaned);
  if (!m) return undefined;
  const exp = exponentOf(currency);
  const frac = m[3] ?? '';
  if (frac.replace(/0+$/, '').length > exp) return undefined;
  const minor = BigInt(m[2]!) * 10n ** BigInt(exp) + BigInt((frac + '0'.repeat(exp)).slice(0, exp) || '0');
  const value = Number(m[1] ? -minor : minor);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** "12.50" style decimal string for a minor-unit amount (no symbol, no grouping): CSV exports, inputs. */
export function toMajorString(amount: number, currency: string): string {
  const exp = exponentOf(currency);
  const negative = amount < 0;
  const digits = Math.abs(amount).toString().padStart(exp + 1, '0');
  const major = exp === 0 ? digits : `${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
  return negative ? `-${major}` : major;
}

// Building the two Intl formatters cost about 45 µs per amount, which a month statement of a thousand
// lines paid a thousand times: what depends only on the locale and currency is built once.
const layouts = new Map<string, { parts: Intl.NumberFormatPart[]; integer: Intl.NumberFormat }>();
function layoutOf(locale: string, currency: string, exp: number) {
  const key = `${locale}|${currency}`;
  let layout = layouts.get(key);
  if (!layout) {
    const fmt = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: exp, maximumFractionDigits: exp });
    layout = { parts: fmt.formatToParts(0), integer: new Intl.NumberFormat(locale, { useGrouping: true }) };
    layouts.set(key, layout);
  }
  return layout;
}

/** Human format with symbol and grouping, using our exponent (not Intl's, which differs for ISK/UGX/HUF/TWD). */
export function formatMoney(amount: number, currency: string, locale = 'en-US'): string {
  const exp = exponentOf(currency);
  const { parts, integer } = layoutOf(locale, currency, exp);
  // Format the integer part and the fraction separately so no float ever touches the amount.
  const negative = amount < 0;
  const abs = BigInt(Math.abs(amount));
  const unit = 10n ** BigInt(exp);
  const intText = integer.format(abs / unit);
  const fracText = exp === 0 ? '' : (abs % unit).toString().padStart(exp, '0');
  let out = '';
  for (const p of parts) {
    if (p.type === 'integer') out += intText;
    else if (p.type === 'group') continue;
    else if (p.type === 'fraction') out += fracText;
    else if (p.type === 'decimal') out += exp === 0 ? '' : p.value;
    else if (p.type === 'minusSign') continue;
    else out += p.value;
  }
  return negative ? `-${out}` : out;
}
