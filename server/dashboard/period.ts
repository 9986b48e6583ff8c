// Which local days a period covers (pure).
import { addDays, daysBetween } from './days';
import { MAX_PERIOD_DAYS, type OverviewQuery } from './schema';

export interface Period {
  period: OverviewQuery['period'];
  from: string;
  to: string;
  days: string[];
  /** Why a custom period was not used, shown next to the form. */
  error?: string;
}

/** The period asked for, ending `today` for the preset ones; an unusable custom period falls back to 30 days. */
export function resolvePeriod(q: Pick<OverviewQuery, 'period' | 'from' | 'to'>, today: string): Period {
  const preset = (n: number, period: OverviewQuery['period'], error?: string): Period => {
    const from = addDays(today, -(n - 1));
    return { period, from, to: today, days: daysBetween(from, today), ...(error ? { error } : {}) };
  };
  if (q.period !== 'custom') return preset(Number(q.period), q.period);
  if (!q.from || !q.to) return preset(30, '30', 'Choose both a first and a last day (YYYY-MM-DD) for a custom period.');
  if (q.from > q.to) return preset(30, '30', 'The first day must not be after the last day.');
  const span = Math.round((Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`)) / 86_400_000) + 1;
  if (span > MAX_PERIOD_DAYS) return preset(30, '30', `A custom period can cover at most ${MAX_PERIOD_DAYS} days.`);
  return { period: 'custom', from: q.from, to: q.to, days: daysBetween(q.from, q.to) };
}
