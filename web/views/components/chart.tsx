// A small server-rendered SVG line chart: one line per series over a run of days, a y axis with round
// ticks, a few day labels, and a <title>/<desc> for screen readers. No script: hovering a point shows its
// value through the SVG <title> tooltip, and pages put the same numbers in a table next to the chart.

export interface ChartSeries {
  name: string;
  values: number[];
  /** CSS class giving the line its colour (see .chart-line-* in app.css). */
  tone: 'a' | 'b' | 'c' | 'd';
}

const W = 640;
const H = 220;
const PAD = { left: 72, right: 16, top: 14, bottom: 30 };

/** The smallest step of the form 1, 2 or 5 × 10^k (at least 1: the data are integers) giving about `ticks` steps. */
export function niceStep(max: number, ticks = 4): number {
  const raw = Math.max(1, max / ticks);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * magnitude >= raw) return Math.max(1, m * magnitude);
  return 10 * magnitude;
}

/** The y axis: round ticks from `bottom` (0, or below it when a value is negative, e.g. a day of refunds) to `top`. */
export function axis(values: number[]): { bottom: number; top: number; step: number } {
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const step = niceStep(hi - lo);
  const bottom = Math.floor(lo / step) * step;
  return { bottom, top: Math.max(bottom + step, Math.ceil(hi / step) * step), step };
}

/** Screen coordinates of each value, in order: what the polyline draws. */
export function chartPoints(values: number[], bottom: number, top: number): [number, number][] {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const n = values.length;
  return values.map((v, i) => {
    const x = n === 1 ? PAD.left + plotW / 2 : PAD.left + (i * plotW) / (n - 1);
    const y = PAD.top + plotH - ((v - bottom) / (top - bottom)) * plotH;
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  });
}

export function LineChart(props: { id: string; title: string; desc: string; labels: string[]; series: ChartSeries[]; format: (n: number) => string }) {
  const { labels, series } = props;
  const { bottom, top, step } = axis(series.flatMap((s) => s.values));
  const ticks: number[] = [];
  for (let v = bottom; v <= top; v += step) ticks.push(v);
  const plotH = H - PAD.top - PAD.bottom;
  const yOf = (v: number) => PAD.top + plotH - ((v - bottom) / (top - bottom)) * plotH;
  const every = Math.max(1, Math.ceil(labels.length / 6));
  const xPoints = chartPoints(labels.map(() => 0), bottom, top);
  return (
    <figure class="chart">
      <figcaption class="chart-title">{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`} xmlns="http://www.w3.org/2000/svg">
        <title id={`${props.id}-title`}>{props.title}</title>
        <desc id={`${props.id}-desc`}>{props.desc}</desc>
        <g class="chart-grid">
          {ticks.map((v) => (
            <g>
              <line x1={PAD.left} x2={W - PAD.right} y1={yOf(v)} y2={yOf(v)} />
              <text x={PAD.left - 6} y={yOf(v) + 4} text-anchor="end">
                {props.format(v)}
              </text>
            </g>
          ))}
        </g>
        <g class="chart-axis">
          <line x1={PAD.left} x2={W - PAD.right} y1={yOf(0)} y2={yOf(0)} />
          {labels.map((l, i) =>
            i % every === 0 || i === labels.length - 1 ? (
              <text x={xPoints[i]![0]} y={H - PAD.bottom + 18} text-anchor="middle">
                {l.slice(5)}
              </text>
            ) : null,
          )}
        </g>
        {series.map((s) => {
          const pts = chartPoints(s.values, bottom, top);
          return (
            <g class={`chart-line chart-line-${s.tone}`} data-series={s.name}>
              <polyline fill="none" points={pts.map(([x, y]) => `${x},${y}`).join(' ')} />
              {pts.map(([x, y], i) => (
                <circle cx={x} cy={y} r="2.5">
                  <title>{`${labels[i]}: ${s.name} ${props.format(s.values[i]!)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <p class="chart-legend" aria-hidden="true">
        {series.map((s) => (
          <span class={`legend legend-${s.tone}`}>{s.name}</span>
        ))}
      </p>
    </figure>
  );
}
