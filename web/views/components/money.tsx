// Amounts and dates as a merchant reads them: money with the currency's real decimals (negative amounts
// styled), dates in the program's time zone (Settings → Time zone), never the server's.
import { formatMoney } from '../../../server/lib/money';

export function Money(props: { amount: number; currency: string }) {
  return <span class={props.amount < 0 ? 'money negative' : 'money'}>{formatMoney(props.amount, props.currency)}</span>;
}

/** Several currencies side by side ("$12.00 · €3.50"); a dash when there is nothing. */
export function MoneyList(props: { amounts: { amount: number; currency: string }[] }) {
  if (props.amounts.length === 0) return <span class="muted">—</span>;
  return (
    <>
      {props.amounts.map((m, i) => (
        <>
          {i > 0 ? ' · ' : ''}
          <Money amount={m.amount} currency={m.currency} />
        </>
      ))}
    </>
  );
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

/** "2026-11-25" (or "2026-11-25 13:05" with `withTime`) for an ISO instant, in `timeZone`. */
export function formatDate(iso: string | null | undefined, timeZone: string, withTime = false): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const parts = Object.fromEntries(formatter(timeZone, withTime).formatToParts(ms).map((p) => [p.type, p.value]));
  const day = `${parts.year}-${parts.month}-${parts.day}`;
  return withTime ? `${day} ${parts.hour}:${parts.minute}` : day;
}

/** A <time> element showing the local date, with the exact instant as its machine-readable value. */
export function LocalDate(props: { iso: string | null | undefined; timeZone: string; withTime?: boolean }) {
  if (!props.iso) return <span class="muted">—</span>;
  return (
    <time dateTime={props.iso} title={props.iso}>
      {formatDate(props.iso, props.timeZone, props.withTime)}
    </time>
  );
}
