// Daily numbers per partner and currency, and what the overview shows from them (pure).

export interface StatRow {
  day: string;
  partnerId: string;
  /** '' for the counts without a currency (clicks, leads, customers). */
  currency: string;
  clicks: number;
  leads: number;
  customers: number;
  sales: number;
  revenue: number;
  owed: number;
  paid: number;
}

export type Metric = Exclude<keyof StatRow, 'day' | 'partnerId' | 'currency'>;
export const CLICK_METRICS: Metric[] = ['clicks'];
export const LEDGER_METRICS: Metric[] = ['leads', 'customers', 'sales', 'revenue', 'owed', 'paid'];
const ALL_METRICS: Metric[] = [...CLICK_METRICS, ...LEDGER_METRICS];

/** Rows keyed by (day, partner, currency), summed as they are added. */
export class StatTable {
  private readonly rows = new Map<string, StatRow>();

  add(r: Partial<StatRow> & Pick<StatRow, 'day' | 'partnerId' | 'currency'>): void {
    const key = `${r.day}|${r.partnerId}|${r.currency}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { day: r.day, partnerId: r.partnerId, currency: r.currency, clicks: 0, leads: 0, customers: 0, sales: 0, revenue: 0, owed: 0, paid: 0 };
      this.rows.set(key, row);
    }
    for (const m of ALL_METRICS) row[m] += r[m] ?? 0;
  }

  /** Rows with at least one non-zero number, in (day, partner, currency) order. */
  list(): StatRow[] {
    return [...this.rows.values()]
      .filter((r) => ALL_METRICS.some((m) => r[m] !== 0))
      .sort((a, b) => a.day.localeCompare(b.day) || a.partnerId.localeCompare(b.partnerId) || a.currency.localeCompare(b.currency));
  }
}

export interface CurrencyTotals {
  currency: string;
  sales: number;
  revenue: number;
  owed: number;
  paid: number;
}

export interface DayPoint {
  day: string;
  clicks: number;
  sales: number;
  /** Per currency. */
  revenue: Record<string, number>;
  /** Net commission earned that day (owed + paid), per currency. */
  commissions: Record<string, number>;
}

export interface PartnerTotals {
  partnerId: string;
  clicks: number;
  leads: number;
  customers: number;
  sales: number;
  money: CurrencyTotals[];
}

export interface Summary {
  clicks: number;
  leads: number;
  customers: number;
  currencies: CurrencyTotals[];
  series: DayPoint[];
  partners: PartnerTotals[];
}

const byRevenue = (a: CurrencyTotals, b: CurrencyTotals) => b.revenue - a.revenue || a.currency.localeCompare(b.currency);

function moneyOf(rows: StatRow[]): CurrencyTotals[] {
  const m = new Map<string, CurrencyTotals>();
  for (const r of rows) {
    if (r.currency === '') continue;
    const t = m.get(r.currency) ?? { currency: r.currency, sales: 0, revenue: 0, owed: 0, paid: 0 };
    t.sales += r.sales;
    t.revenue += r.revenue;
    t.owed += r.owed;
    t.paid += r.paid;
    m.set(r.currency, t);
  }
  return [...m.values()].sort(byRevenue);
}

export type PeriodTotals = Omit<Summary, 'partners'>;

/** Totals and the day-by-day series over `days` (every day present, zeros included). */
export function summarizeTotals(rows: StatRow[], days: string[]): PeriodTotals {
  const sum = (m: Metric) => rows.reduce((s, r) => s + r[m], 0);
  const points = new Map<string, DayPoint>(days.map((day) => [day, { day, clicks: 0, sales: 0, revenue: {}, commissions: {} }]));
  for (const r of rows) {
    const p = points.get(r.day);
    if (!p) continue;
    p.clicks += r.clicks;
    p.sales += r.sales;
    if (r.currency !== '') {
      p.revenue[r.currency] = (p.revenue[r.currency] ?? 0) + r.revenue;
      p.commissions[r.currency] = (p.commissions[r.currency] ?? 0) + r.owed + r.paid;
    }
  }
  return { clicks: sum('clicks'), leads: sum('leads'), customers: sum('customers'), currencies: moneyOf(rows), series: [...points.values()] };
}

/** Per-partner totals of the partners that have rows. */
export function partnerTotals(rows: StatRow[]): PartnerTotals[] {
  const byPartner = new Map<string, StatRow[]>();
  for (const r of rows) {
    const list = byPartner.get(r.partnerId);
    if (list) list.push(r);
    else byPartner.set(r.partnerId, [r]);
  }
  return [...byPartner.entries()].map(([partnerId, rs]) => ({
    partnerId,
    clicks: rs.reduce((s, r) => s + r.clicks, 0),
    leads: rs.reduce((s, r) => s + r.leads, 0),
    customers: rs.reduce((s, r) => s + r.customers, 0),
    sales: rs.reduce((s, r) => s + r.sales, 0),
    money: moneyOf(rs),
  }));
}

/** Totals, the day-by-day series over `days` (every day present, zeros included) and per-partner totals. */
export function summarize(rows: StatRow[], days: string[]): Summary {
  return { ...summarizeTotals(rows, days), partners: partnerTotals(rows) };
}

export type PartnerSort = 'earnings' | 'revenue' | 'sales' | 'customers' | 'clicks';
export const PARTNER_SORTS: PartnerSort[] = ['earnings', 'revenue', 'sales', 'customers', 'clicks'];

/**
 * Partners ordered by one number, biggest first. Money sorts use one currency (the program's), since
 * amounts in different currencies cannot be compared; ties fall back to sales, clicks, then id in code
 * point order (as the SQL ranking in ranking.ts orders them).
 */
export function sortPartners<T extends PartnerTotals>(partners: T[], sort: PartnerSort, currency: string): T[] {
  const money = (p: PartnerTotals) => p.money.find((m) => m.currency === currency);
  const key = (p: PartnerTotals): number => {
    switch (sort) {
      case 'earnings': {
        const m = money(p);
        return m ? m.owed + m.paid : 0;
      }
      case 'revenue':
        return money(p)?.revenue ?? 0;
      default:
        return p[sort];
    }
  };
  return [...partners].sort((a, b) => key(b) - key(a) || b.sales - a.sales || b.clicks - a.clicks || (a.partnerId < b.partnerId ? -1 : a.partnerId > b.partnerId ? 1 : 0));
}
