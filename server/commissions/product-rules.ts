// Product rules: a merchant excludes a product or price from commissions, or gives it its own rate.
// They apply per line: each line's base (its amount net of discounts, tax excluded) earns at its own
// rate, and the sale's commission is rounded ONCE over all lines:
//
//   commission = round( Σ(base_i × bps_i) × target × paid ÷ (Σ base_i × total × 10000) )
//
// `target` is the sale's tax-excluded base (invoice total_excluding_tax; session amount_total − tax).
// When Stripe's line fields add up to it (Σ base_i = target) the factor target ÷ Σ base_i is 1 and this
// is the plain per-line sum; when they do not (an invoice-level discount not spread over the lines, a
// line Stripe left off the payload) every line is scaled by the same factor, so the lines always
// describe exactly the sale's base and the discrepancy is shared in proportion. paid ÷ total scales a
// partially paid invoice (both are 1 for Checkout Sessions). Pure: from-stripe/lines.ts gathers the lines.
import { roundDiv, type CommissionRule } from './math';

export interface ProductRule {
  id: string;
  matchType: 'product' | 'price';
  matchId: string;
  action: 'exclude' | 'rate';
  rateBps: number | null;
}

/** One line of a sale as Stripe priced it; `base` is net of the line's discounts and excludes tax. */
export interface SaleLine {
  /** The Stripe line id (il_…, li_…), or 'shipping'. */
  ref: string;
  description: string | null;
  product: string | null;
  price: string | null;
  base: number;
}

export type MatchedRule = Pick<ProductRule, 'id' | 'matchType' | 'matchId' | 'action' | 'rateBps'>;

export interface RuledLine extends SaleLine {
  /** The rule that matched at sale time (rules changed later are not retroactive). */
  rule: MatchedRule | null;
}

/** What a conversion keeps (JSON in `conversions.lines`): its lines and the base they describe. */
export interface SaleLines {
  target: number;
  lines: RuledLine[];
}

/** A price rule is more specific than a rule on its product, so it wins. */
export function matchRule(rules: readonly ProductRule[], line: Pick<SaleLine, 'product' | 'price'>): MatchedRule | null {
  const byPrice = line.price ? rules.find((r) => r.matchType === 'price' && r.matchId === line.price) : undefined;
  const byProduct = line.product ? rules.find((r) => r.matchType === 'product' && r.matchId === line.product) : undefined;
  const r = byPrice ?? byProduct;
  return r ? { id: r.id, matchType: r.matchType, matchId: r.matchId, action: r.action, rateBps: r.rateBps } : null;
}

/**
 * Attach the matching rule to each line. Lines that do not add up to something positive cannot be
 * scaled onto the sale's base; the whole sale then counts as one line at the default rate (and says so).
 */
export function ruleLines(rules: readonly ProductRule[], lines: readonly SaleLine[], target: number): SaleLines {
  const sum = lines.reduce((s, l) => s + l.base, 0);
  if (lines.length === 0 || (sum <= 0 && target > 0)) {
    return { target, lines: [{ ref: 'sale', description: 'Whole sale: its line amounts did not add up to a positive base', product: null, price: null, base: target, rule: null }] };
  }
  return { target, lines: lines.map((l) => ({ ...l, rule: matchRule(rules, l) })) };
}

export const parseSaleLines = (json: string | null): SaleLines | null => (json ? (JSON.parse(json) as SaleLines) : null);

/** Guard the BigInt maths: every input is an integer amount of minor units. */
const big = (n: number): bigint => {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${n} is not an integer amount`);
  return BigInt(n);
};

/** An exact fraction as a decimal string (half away from zero at the last digit), for explanations only. */
export function decimal(num: bigint, den: bigint, digits = 4): string {
  const scaled = roundDiv(num * 10n ** BigInt(digits), den);
  const negative = scaled < 0n;
  const text = (negative ? -scaled : scaled).toString().padStart(digits + 1, '0');
  return `${negative ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

const sumBases = (s: SaleLines) => s.lines.reduce((acc, l) => acc + big(l.base), 0n);
const excluded = (l: RuledLine) => l.rule?.action === 'exclude';

/**
 * The commissionable base of a sale under its lines: the non-excluded lines' share of the tax-excluded
 * base, scaled by paid ÷ total. What `conversions.amount` holds when product rules applied.
 */
export function commissionableBase(sale: SaleLines, paid: number, total: number): number {
  const sum = sumBases(sale);
  if (sum <= 0n || total <= 0 || paid <= 0) return 0;
  const kept = sale.lines.filter((l) => !excluded(l)).reduce((acc, l) => acc + big(l.base), 0n);
  const base = roundDiv(kept * big(sale.target) * big(paid), sum * big(total));
  return Math.max(0, Number(base));
}

export interface LineTerms {
  /** The sale's rule: the partner's override, else the program's. */
  rule: CommissionRule;
  /** True when `rule` is the partner's override: it replaces product rates (exclusions still apply). */
  fromOverride: boolean;
}

export interface ExplainedLine {
  ref: string;
  description: string | null;
  product: string | null;
  price: string | null;
  /** The line's base as Stripe's fields give it, and after scaling onto the sale's base (and paid share). */
  base: number;
  scaledBase: string;
  /** The rate this line earned at (null under a flat rule), and why. */
  bps: number | null;
  source: string;
  /** This line's exact share of the commission before the one rounding. */
  contribution: string | null;
}

export interface LinesOutcome {
  commission: number;
  formula: string;
  lineSum: number;
  target: number;
  lines: ExplainedLine[];
}

function lineRate(line: RuledLine, terms: LineTerms): { bps: number | null; source: string } {
  const rule = line.rule;
  if (rule?.action === 'exclude') return { bps: 0, source: `excluded by the ${rule.matchType} rule for ${rule.matchId}` };
  if (terms.rule.type === 'flat') return { bps: null, source: 'flat commission per sale' };
  if (terms.fromOverride) return { bps: terms.rule.bps, source: 'the partner’s override (replaces product rates)' };
  if (rule?.action === 'rate' && rule.rateBps !== null) return { bps: rule.rateBps, source: `the ${rule.matchType} rule for ${rule.matchId}` };
  return { bps: terms.rule.bps, source: 'the program rate' };
}

/**
 * The commission of a sale with product rules, rounded once. `paid`/`total` are the invoice's (pass the
 * same number twice for a Checkout Session). Under a flat rule the sale earns the flat amount once when
 * any line that is not excluded has a base above zero. Never negative (a sale of credits earns nothing).
 */
export function commissionByLines(sale: SaleLines, paid: number, total: number, terms: LineTerms): LinesOutcome {
  const sum = sumBases(sale);
  const target = big(sale.target);
  const usable = sum > 0n && total > 0 && paid > 0;
  const scaleNum = target * big(Math.max(paid, 0));
  const scaleDen = (sum > 0n ? sum : 1n) * big(total > 0 ? total : 1);
  let weighted = 0n;
  const lines: ExplainedLine[] = sale.lines.map((l) => {
    const { bps, source } = lineRate(l, terms);
    if (bps !== null) weighted += big(l.base) * big(bps);
    return {
      ref: l.ref,
      description: l.description,
      product: l.product,
      price: l.price,
      base: l.base,
      scaledBase: decimal(big(l.base) * scaleNum, scaleDen, 2),
      bps,
      source,
      contribution: bps === null ? null : decimal(big(l.base) * big(bps) * scaleNum, scaleDen * 10_000n),
    };
  });
  let commission = 0;
  if (usable && terms.rule.type === 'flat') {
    commission = sale.lines.some((l) => !excluded(l) && l.base > 0) ? terms.rule.amount : 0;
  } else if (usable && terms.rule.type === 'percent') {
    commission = Math.max(0, Number(roundDiv(weighted * scaleNum, scaleDen * 10_000n)));
  }
  return {
    commission,
    formula:
      terms.rule.type === 'flat'
        ? 'flat amount per sale when at least one line is not excluded'
        : 'round(Σ(line base × line bps) × (tax-excluded base ÷ Σ line bases) × paid ÷ (total × 10000)), half away from zero, once over all lines',
    lineSum: Number(sum),
    target: sale.target,
    lines,
  };
}
