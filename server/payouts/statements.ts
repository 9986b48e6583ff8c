// Partner statements: every commission and reversal behind a payout, or earned in a month. The same
// data feeds the merchant's pages, the CSV downloads and the partner portal.
import type { DB } from '../../db';
import type { CommissionStatus } from '../../db/tables/ledger';
import type { Payout } from './store';
import * as store from './store';

export interface StatementLine {
  date: string;
  commissionId: string;
  kind: 'credit' | 'reversal';
  /** The sale (Stripe object or external id) the row comes from. */
  sale: string;
  /** Why a reversal exists (refund, dispute), empty for credits. */
  note: string;
  status: CommissionStatus;
  originalAmount: number;
  originalCurrency: string;
  /** Conversion into `currency` (payout statements); "1" and same_currency otherwise. */
  rate: string;
  rateSource: string;
  rateDate: string;
  amount: number;
  currency: string;
}

export interface Statement {
  partner: { id: string; name: string; email: string };
  lines: StatementLine[];
  /** Per currency, the sum of the lines. */
  totals: { currency: string; amount: number }[];
}

export interface PayoutStatement extends Statement {
  payout: Payout;
}

export interface MonthStatement extends Statement {
  month: string;
  /** Payouts marked paid with a payment date in the month. */
  payouts: Payout[];
}

const totalsOf = (lines: StatementLine[]) => {
  const sums = new Map<string, number>();
  for (const l of lines) sums.set(l.currency, (sums.get(l.currency) ?? 0) + l.amount);
  return [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ currency, amount }));
};

const partnerOf = (db: DB, merchantId: string, partnerId: string) =>
  db.selectFrom('partners').select(['id', 'name', 'email']).where('merchantId', '=', merchantId).where('id', '=', partnerId).executeTakeFirst();

/** The statement of one payout: its rows as converted when the payout was made. */
export async function payoutStatement(db: DB, merchantId: string, payoutId: string): Promise<PayoutStatement | undefined> {
  const payout = await store.findPayout(db, merchantId, payoutId);
  if (!payout) return undefined;
  const [partner, items] = await Promise.all([partnerOf(db, merchantId, payout.partnerId), store.itemsOf(db, payout.id)]);
  const statusOf: CommissionStatus = payout.status === 'paid' ? 'paid' : 'approved';
  const lines = items.map((i) => ({
    date: i.occurredAt.slice(0, 10),
    commissionId: i.commissionId,
    kind: i.kind,
    sale: i.stripeObjectId ?? i.externalId ?? '',
    note: i.kind === 'reversal' ? (i.statusReason ?? '') : '',
    status: statusOf,
    originalAmount: i.originalAmount,
    originalCurrency: i.originalCurrency,
    rate: i.rate,
    rateSource: i.rateSource,
    rateDate: i.rateDate,
    amount: i.amount,
    currency: i.currency,
  }));
  return { partner: partner!, payout, lines, totals: totalsOf(lines) };
}

/** First instant of a YYYY-MM month and of the next one (UTC). */
export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1)).toISOString(), to: new Date(Date.UTC(y, m, 1)).toISOString() };
}

/**
 * A partner's month (UTC): every credit and reversal dated in it (rejected ones excluded), in its own
 * currency, with its status now (a pending row past its holding period shows as approved), and the
 * payouts paid in that month.
 */
export async function monthStatement(db: DB, merchantId: string, livemode: number, partnerId: string, month: string, now: Date): Promise<MonthStatement | undefined> {
  const partner = await partnerOf(db, merchantId, partnerId);
  if (!partner) return undefined;
  const { from, to } = monthRange(month);
  const nowIso = now.toISOString();
  const [rows, payouts] = await Promise.all([
    db
      .selectFrom('commissions')
      .innerJoin('conversions', 'conversions.id', 'commissions.conversionId')
      .select(['commissions.id', 'commissions.kind', 'commissions.occurredAt', 'commissions.net', 'commissions.currency', 'commissions.status', 'commissions.statusReason', 'commissions.holdUntil', 'conversions.stripeObjectId', 'conversions.externalId'])
      .where('commissions.merchantId', '=', merchantId)
      .where('commissions.livemode', '=', livemode)
      .where('commissions.partnerId', '=', partnerId)
      .where('commissions.status', '<>', 'rejected')
      .where('commissions.occurredAt', '>=', from)
      .where('commissions.occurredAt', '<', to)
      .orderBy('commissions.occurredAt')
      .orderBy('commissions.id')
      .execute(),
    db
      .selectFrom('payouts')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .where('livemode', '=', livemode)
      .where('partnerId', '=', partnerId)
      .where('status', '=', 'paid')
      .where('paidOn', '>=', from.slice(0, 10))
      .where('paidOn', '<', to.slice(0, 10))
      .orderBy('paidOn')
      .orderBy('id')
      .execute(),
  ]);
  const lines: StatementLine[] = rows.map((r) => ({
    date: r.occurredAt.slice(0, 10),
    commissionId: r.id,
    kind: r.kind,
    sale: r.stripeObjectId ?? r.externalId ?? '',
    note: r.kind === 'reversal' ? (r.statusReason ?? '') : '',
    status: r.status === 'pending' && r.holdUntil <= nowIso ? 'approved' : r.status,
    originalAmount: r.net,
    originalCurrency: r.currency,
    rate: '1',
    rateSource: 'same_currency',
    rateDate: r.occurredAt.slice(0, 10),
    amount: r.net,
    currency: r.currency,
  }));
  return { partner, month, lines, totals: totalsOf(lines), payouts };
}
