// The period and mode controls shared by the overview and the partner performance page (a GET form).
import type { Overview } from '../../../server/dashboard/service';

/** The query string that reproduces a page's period and mode (for links between pages and CSV downloads). */
export function periodParams(o: Pick<Overview, 'range' | 'mode'>): Record<string, string | undefined> {
  return o.range.period === 'custom' ? { period: 'custom', from: o.range.from, to: o.range.to, mode: o.mode } : { period: o.range.period, mode: o.mode };
}

export function PeriodForm(props: { action: string; overview: Pick<Overview, 'range' | 'mode' | 'timeZone'>; extra?: Record<string, string> }) {
  const { range, mode, timeZone } = props.overview;
  return (
    <form method="get" action={props.action} class="filters period" aria-label="Period">
      <label for="f-period">Period</label>
      <select id="f-period" name="period">
        {[
          ['7', 'Last 7 days'],
          ['30', 'Last 30 days'],
          ['90', 'Last 90 days'],
          ['custom', 'Custom'],
        ].map(([v, label]) => (
          <option value={v} selected={range.period === v}>
            {label}
          </option>
        ))}
      </select>
      <label for="f-from">From</label>
      <input id="f-from" type="date" name="from" value={range.from} />
      <label for="f-to">to</label>
      <input id="f-to" type="date" name="to" value={range.to} />
      <label for="f-mode">Mode</label>
      <select id="f-mode" name="mode">
        <option value="live" selected={mode === 'live'}>
          Live
        </option>
        <option value="test" selected={mode === 'test'}>
          Test
        </option>
      </select>
      {Object.entries(props.extra ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit">Show</button>
      <span class="muted">
        {range.from} to {range.to} ({timeZone}){mode === 'test' ? ' · test mode' : ''}
      </span>
      {range.error ? (
        <p class="error" role="alert">
          {range.error}
        </p>
      ) : null}
    </form>
  );
}
