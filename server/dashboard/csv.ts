// CSV files of the merchant's lists (pure): one row per row of the page, amounts with the currency's real
// decimals (toMajorString), instants as ISO 8601 UTC, text cells guarded against spreadsheet formulas.
import { stringify } from 'csv-stringify/sync';
import { toMajorString } from '../lib/money';
import { cell } from '../payouts/exports';
import type { Partner, Application } from '../../db/tables/partners';
import type { CommissionListRow, UnattributedRow } from '../commissions/queries';
import type { PayoutListRow } from '../payouts/store';
import type { EventListRow } from '../stripe/store';
import type { NamedPartner, Overview } from './service';

const text = (v: string | null | undefined) => cell(v ?? '');
const csv = (rows: Record<string, string | number>[], columns: string[]) => stringify(rows, { header: true, columns });

/** Partner performance: one row per partner, money columns per currency present. */
export function performanceCsv(rows: NamedPartner[]): string {
  const currencies = [...new Set(rows.flatMap((p) => p.money.map((m) => m.currency)))].sort();
  const columns = ['partner_id', 'name', 'code', 'status', 'clicks', 'leads', 'customers', 'sales', ...currencies.flatMap((c) => [`revenue_${c}`, `earnings_${c}`, `owed_${c}`, `paid_${c}`])];
  return csv(
    rows.map((p) => {
      const out: Record<string, string | number> = { partner_id: p.partnerId, name: text(p.name), code: p.code, status: p.status, clicks: p.clicks, leads: p.leads, customers: p.customers, sales: p.sales };
      for (const c of currencies) {
        const m = p.money.find((x) => x.currency === c) ?? { revenue: 0, owed: 0, paid: 0 };
        out[`revenue_${c}`] = toMajorString(m.revenue, c);
        out[`earnings_${c}`] = toMajorString(m.owed + m.paid, c);
        out[`owed_${c}`] = toMajorString(m.owed, c);
        out[`paid_${c}`] = toMajorString(m.paid, c);
      }
      return out;
    }),
    columns,
  );
}

/** The chart's numbers: one row per local day. */
export function dailyCsv(o: Overview): string {
  const currencies = o.currencies.map((c) => c.currency);
  const columns = ['day', 'clicks', 'sales', ...currencies.flatMap((c) => [`revenue_${c}`, `commissions_${c}`])];
  return csv(
    o.series.map((p) => {
      const out: Record<string, string | number> = { day: p.day, clicks: p.clicks, sales: p.sales };
      for (const c of currencies) {
        out[`revenue_${c}`] = toMajorString(p.revenue[c] ?? 0, c);
        out[`commissions_${c}`] = toMajorString(p.commissions[c] ?? 0, c);
      }
      return out;
    }),
    columns,
  );
}

export const partnersCsv = (rows: Partner[]) =>
  csv(
    rows.map((p) => ({ id: p.id, name: text(p.name), email: text(p.email), code: p.code, status: p.status, payout_email: text(p.payoutEmail), created_at: p.createdAt })),
    ['id', 'name', 'email', 'code', 'status', 'payout_email', 'created_at'],
  );

export const applicationsCsv = (rows: Application[]) =>
  csv(
    rows.map((a) => ({ id: a.id, name: text(a.name), email: text(a.email), company: text(a.company), website: text(a.website), status: a.status, rejection_reason: text(a.rejectionReason), partner_id: a.partnerId ?? '', created_at: a.createdAt, decided_at: a.decidedAt ?? '' })),
    ['id', 'name', 'email', 'company', 'website', 'status', 'rejection_reason', 'partner_id', 'created_at', 'decided_at'],
  );

export const commissionsCsv = (rows: CommissionListRow[]) =>
  csv(
    rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      partner_id: r.partnerId,
      partner: text(r.partnerName),
      sale: r.stripeObjectId ?? text(r.externalId),
      sale_amount: toMajorString(r.saleAmount, r.saleCurrency),
      sale_currency: r.saleCurrency,
      amount: toMajorString(r.amount, r.currency),
      fee: toMajorString(r.fee, r.currency),
      net: toMajorString(r.net, r.currency),
      currency: r.currency,
      status: r.status,
      status_reason: text(r.statusReason),
      occurred_at: r.occurredAt,
      created_at: r.createdAt,
    })),
    ['id', 'kind', 'partner_id', 'partner', 'sale', 'sale_amount', 'sale_currency', 'amount', 'fee', 'net', 'currency', 'status', 'status_reason', 'occurred_at', 'created_at'],
  );

export const unattributedCsv = (rows: UnattributedRow[]) =>
  csv(
    rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      stripe_object: r.stripeObjectId ?? '',
      external_id: text(r.externalId),
      customer: r.stripeCustomerId ?? '',
      email: text(r.customerEmail),
      amount: toMajorString(r.amount, r.currency),
      currency: r.currency,
      reason: r.unattributedReason ?? '',
      occurred_at: r.occurredAt,
    })),
    ['id', 'kind', 'stripe_object', 'external_id', 'customer', 'email', 'amount', 'currency', 'reason', 'occurred_at'],
  );

export const payoutsCsv = (rows: PayoutListRow[]) =>
  csv(
    rows.map((p) => ({
      id: p.id,
      run_id: p.runId,
      partner_id: p.partnerId,
      partner: text(p.partnerName),
      recipient: text(p.recipient),
      amount: toMajorString(p.amount, p.currency),
      currency: p.currency,
      status: p.status,
      paid_on: p.paidOn ?? '',
      reference: text(p.externalReference),
      created_at: p.createdAt,
    })),
    ['id', 'run_id', 'partner_id', 'partner', 'recipient', 'amount', 'currency', 'status', 'paid_on', 'reference', 'created_at'],
  );

export const eventsCsv = (rows: EventListRow[]) =>
  csv(
    rows.map((e) => ({
      id: e.id,
      type: e.type,
      object: e.objectId ?? '',
      livemode: e.livemode,
      created: e.created,
      received_at: e.receivedAt,
      source: e.source,
      status: e.status,
      attempts: e.attempts,
      ignored_reason: e.ignoredReason ?? '',
      last_error: text(e.lastError),
    })),
    ['id', 'type', 'object', 'livemode', 'created', 'received_at', 'source', 'status', 'attempts', 'ignored_reason', 'last_error'],
  );
