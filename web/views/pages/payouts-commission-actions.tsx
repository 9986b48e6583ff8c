// The merchant's decision controls for commissions: used by the review list (bulk) and by the commission page.
import type { PageContext } from '../context';
import { Csrf } from '../components/form';

const ACTIONS = [
  ['approve', 'Approve early'],
  ['hold', 'Hold'],
  ['release', 'Release hold'],
  ['reject', 'Reject'],
] as const;

/** An action select, a reason and a button, for a form that posts `ids` to /commissions/actions. */
export function ActionControls(props: { idPrefix: string }) {
  return (
    <div class="filters">
      <label for={`${props.idPrefix}-action`}>Action</label>
      <select id={`${props.idPrefix}-action`} name="action">
        {ACTIONS.map(([value, label]) => (
          <option value={value}>{label}</option>
        ))}
      </select>
      <label for={`${props.idPrefix}-reason`}>Reason</label>
      <input id={`${props.idPrefix}-reason`} name="reason" maxLength={500} placeholder="required to reject" />
      <button type="submit">Apply</button>
    </div>
  );
}

/** Approve early, hold, release or reject one credit (shown to editors while it is unpaid and in no payout). */
export function CommissionActions(props: { ctx: PageContext; commission: { id: string; kind: string; status: string; payoutId: string | null } }) {
  const c = props.commission;
  if (c.kind !== 'credit' || c.payoutId || c.status === 'paid' || c.status === 'rejected') return null;
  return (
    <section class="card">
      <h2>Decide</h2>
      <form method="post" action="/commissions/actions">
        <Csrf token={props.ctx.csrfToken} />
        <input type="hidden" name="ids" value={c.id} />
        <input type="hidden" name="back" value={`/commissions/${c.id}`} />
        <ActionControls idPrefix="one" />
      </form>
    </section>
  );
}
