// CSV files merchants upload or keep: PayPal Payouts, a generic payout list, partner statements.
// Amounts use the currency's real number of decimals (toMajorString), never floats.
import { stringify } from 'csv-stringify/sync';
import { toMajorString } from '../lib/money';
import type { PayoutListRow } from './store';
import type { Statement } from './statements';

/** Spreadsheets run cells that start like a formula: prefix such text with a quote (OWASP CSV injection). */
export function cell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * PayPal Payouts Web file (developer.paypal.com, "Use Web UI"): no header row, one payout per line,
 * columns recipient email, amount, currency (one per file), customer ID (our payout id, to reconcile),
 * note to the recipient, wallet (PAYPAL).
 */
export function paypalCsv(payouts: PayoutListRow[], merchantName: string): string {
  const currencies = new Set(payouts.map((p) => p.currency));
  if (currencies.size > 1) throw new RangeError('a PayPal Payouts file holds one currency');
  return stringify(
    payouts.map((p) => [cell(p.recipient), toMajorString(p.amount, p.currency), p.currency.toUpperCase(), p.id, cell(`Partner commissions from ${merchantName} (${p.id})`), 'PAYPAL']),
  );
}

/** A generic payout list with a header: one row per payout and the commission rows it settles. */
export function genericCsv(payouts: PayoutListRow[], commissionIds: Map<string, string[]>): string {
  return stringify(
    payouts.map((p) => ({
      payout_id: p.id,
      partner: cell(p.partnerName),
      email: cell(p.recipient),
      amount: toMajorString(p.amount, p.currency),
      currency: p.currency,
      status: p.status,
      commission_ids: (commissionIds.get(p.id) ?? []).join(' '),
    })),
    { header: true, columns: ['payout_id', 'partner', 'email', 'amount', 'currency', 'status', 'commission_ids'] },
  );
}

/** A statement's lines, one per commission or reversal, with the original amount and its conversion. */
export function statementCsv(s: Statement): string {
  return stringify(
    s.lines.map((l) => ({
      date: l.date,
      commission_id: l.commissionId,
      kind: l.kind,
      sale: cell(l.sale),
      note: cell(l.note),
      status: l.status,
      original_amount: toMajorString(l.originalAmount, l.originalCurrency),
      original_currency: l.originalCurrency,
      rate: l.rate,
      rate_source: l.rateSource,
      rate_date: l.rateDate,
      amount: toMajorString(l.amount, l.currency),
      currency: l.currency,
    })),
    { header: true, columns: ['date', 'commission_id', 'kind', 'sale', 'note', 'status', 'original_amount', 'original_currency', 'rate', 'rate_source', 'rate_date', 'amount', 'currency'] },
  );
}
