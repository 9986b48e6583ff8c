import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf } from '../components/form';
import { StatusBadge } from './commissions';
import { Money } from '../components/money';
import { Pager } from '../components/pager';
import { PayoutsNav, type Mode } from './payouts';
import type { ReviewRow } from '../../../server/payouts/review';
import { ActionControls } from './payouts-commission-actions';

export function ReviewPage(props: { ctx: PageContext; mode: Mode; rows: ReviewRow[]; status?: string; page: number; pages: number; total: number; canEdit: boolean }) {
  const back = `/payouts/commissions?mode=${props.mode}${props.status ? `&status=${props.status}` : ''}`;
  return (
    <Layout ctx={props.ctx} title="Review commissions">
      <h1>Review commissions</h1>
      <PayoutsNav ctx={props.ctx} mode={props.mode} base="/payouts/commissions" />
      <form method="get" action="/payouts/commissions" class="filters">
        <input type="hidden" name="mode" value={props.mode} />
        <label for="status">Status</label>
        <select id="status" name="status">
          <option value="">Not yet paid</option>
          {['pending', 'approved', 'on_hold'].map((s) => (
            <option value={s} selected={props.status === s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
        <button type="submit">Filter</button>
      </form>
      {props.rows.length === 0 ? (
        <p class="muted">No commissions to review.</p>
      ) : (
        <form method="post" action="/commissions/actions">
          <Csrf token={props.ctx.csrfToken} />
          <input type="hidden" name="back" value={back} />
          <table class="table">
            <thead>
              <tr>
                {props.canEdit ? <th /> : null}
                <th>Sale date</th>
                <th>Partner</th>
                <th>Commission</th>
                <th class="num">Partner gets</th>
                <th>Status</th>
                <th>Payable from</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr>
                  {props.canEdit ? (
                    <td>{r.payoutId ? null : <input type="checkbox" name="ids" value={r.id} aria-label={`Select ${r.id}`} />}</td>
                  ) : null}
                  <td>{r.occurredAt.slice(0, 10)}</td>
                  <td>{r.partnerName}</td>
                  <td>
                    <a href={`/commissions/${r.id}`}>
                      <code>{r.id}</code>
                    </a>
                  </td>
                  <td class="num">
                    <Money amount={r.netAfterReversals} currency={r.currency} />
                  </td>
                  <td>
                    <StatusBadge status={r.effectiveStatus} /> {r.payoutId ? <small class="muted">in payout {r.payoutId}</small> : r.statusReason ? <small class="muted">{r.statusReason}</small> : null}
                  </td>
                  <td>{r.holdUntil.slice(0, 10)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {props.canEdit ? <ActionControls idPrefix="bulk" /> : null}
        </form>
      )}
      <Pager base="/payouts/commissions" params={{ mode: props.mode, status: props.status }} page={props.page} pages={props.pages} total={props.total} />
    </Layout>
  );
}
