import { formatMoney } from '../../../server/lib/money';
import type { ExplainedLine } from '../../../server/commissions/product-rules';

/**
 * The per-line computation of a commission made under product rules (nothing for other commissions):
 * each line's base, the rate it earned at and why, and its exact share before the one rounding.
 */
export function CommissionLines(props: { explanation: string; currency: string }) {
  const ex = JSON.parse(props.explanation) as { lines?: ExplainedLine[]; lineSum?: number; lineTarget?: number };
  if (!ex.lines) return null;
  const money = (n: number) => formatMoney(n, props.currency);
  return (
    <section class="card">
      <h2>Per line (product rules)</h2>
      {ex.lineSum !== ex.lineTarget ? (
        <p class="muted">
          Stripe’s line amounts add up to {money(ex.lineSum ?? 0)} but the sale’s base without tax is {money(ex.lineTarget ?? 0)}: every line is scaled by the same factor.
        </p>
      ) : null}
      <table class="table">
        <thead>
          <tr>
            <th>Line</th>
            <th class="num">Base</th>
            <th class="num">Counted (minor units)</th>
            <th>Rate</th>
            <th class="num">Share (minor units)</th>
          </tr>
        </thead>
        <tbody>
          {ex.lines.map((l) => (
            <tr>
              <td>
                {l.description ?? l.ref} <small class="muted">{[l.product, l.price].filter(Boolean).join(' · ')}</small>
              </td>
              <td class="num">{money(l.base)}</td>
              <td class="num">{l.scaledBase}</td>
              <td>
                {l.bps === null ? '—' : `${l.bps / 100}%`} <small class="muted">{l.source}</small>
              </td>
              <td class="num">{l.contribution ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
