import { renderToString } from 'preact-render-to-string';
import { axis, LineChart, niceStep } from '../../web/views/components/chart';

describe('the SVG line chart', () => {
  it('picks round ticks, and goes below zero only when a value does (a day of refunds)', () => {
    expect([niceStep(0), niceStep(7), niceStep(45), niceStep(130_000)]).toEqual([1, 2, 20, 50_000]);
    expect(axis([0, 3, 7])).toEqual({ bottom: 0, top: 8, step: 2 });
    expect(axis([0, 0])).toEqual({ bottom: 0, top: 1, step: 1 });
    expect(axis([12_000, -2_500, 400])).toEqual({ bottom: -5_000, top: 15_000, step: 5_000 });
  });

  it('draws one point per day for each series, inside the plot, with a title and a description', () => {
    const html = renderToString(
      LineChart({
        id: 'c',
        title: 'Revenue & commissions',
        desc: 'Two lines <escaped>',
        labels: ['2026-11-01', '2026-11-02', '2026-11-03'],
        series: [
          { name: 'Revenue', values: [100, 0, 250], tone: 'c' },
          { name: 'Commissions', values: [20, -40, 50], tone: 'd' },
        ],
        format: String,
      }),
    );
    expect(html).toContain('<title id="c-title">Revenue &amp; commissions</title><desc id="c-desc">Two lines &lt;escaped></desc>');
    const lines = [...html.matchAll(/points="([^"]+)"/g)].map((m) => m[1]!.split(' ').map((p) => p.split(',').map(Number)));
    expect(lines.map((l) => l.length)).toEqual([3, 3]);
    for (const [, y] of lines.flat()) expect(y! >= 14 && y! <= 190).toBe(true);
    expect(html.match(/<circle /g)).toHaveLength(6);
    expect(html).toContain('<title>2026-11-02: Commissions -40</title>');
  });
});
