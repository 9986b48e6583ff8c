import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Pager } from '../components/pager';
import type { AuditRow } from '../../../server/audit-routes';

type Filters = { action?: string; actor?: string; subject?: string; from?: string; to?: string };

/** A JSON before/after value, compact and readable; never rendered as HTML. */
function Json(props: { value: string | null }) {
  if (props.value === null) return <span class="muted">—</span>;
  let text = props.value;
  try {
    text = JSON.stringify(JSON.parse(props.value), null, 1).replace(/\n\s*/g, ' ');
  } catch {
    /* stored text that is not JSON: show as is */
  }
  return <code>{text}</code>;
}

export function AuditPage(props: { ctx: PageContext; rows: AuditRow[]; filters: Filters; actions: string[]; page: number; pages: number; total: number }) {
  const f = props.filters;
  const query = new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => !!e[1])).toString();
  return (
    <Layout ctx={props.ctx} title="Audit trail">
      <h1>Audit trail</h1>
      <p class="muted">Every change that moves money or decides who earns it: settings and rates, attribution changes, approvals, rejections and holds, payout runs and their settlement. Entries are never edited.</p>
      <form method="get" action="/audit" class="filters" role="search">
        <label for="f-action">Action</label>
        <select id="f-action" name="action">
          <option value="">All</option>
          {props.actions.map((a) => (
            <option value={a} selected={f.action === a}>
              {a}
            </option>
          ))}
        </select>
        <label for="f-actor">Who</label>
        <input id="f-actor" name="actor" value={f.actor ?? ''} placeholder="usr_…, key_…, system" maxLength={80} />
        <label for="f-subject">Subject id</label>
        <input id="f-subject" name="subject" value={f.subject ?? ''} placeholder="com_…, po_…, aff_…" maxLength={80} />
        <label for="f-from">From</label>
        <input id="f-from" name="from" type="date" value={f.from ?? ''} />
        <label for="f-to">To</label>
        <input id="f-to" name="to" type="date" value={f.to ?? ''} />
        <button type="submit">Filter</button> <a href={`/audit.csv${query ? `?${query}` : ''}`}>Export CSV</a>
      </form>
      {props.rows.length === 0 ? (
        <p class="muted">No entries.</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>When (UTC)</th>
              <th>Who</th>
              <th>Action</th>
              <th>Subject</th>
              <th>Before</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td>{r.createdAt.slice(0, 19).replace('T', ' ')}</td>
                <td>{r.actorLabel}</td>
                <td>{r.action}</td>
                <td>
                  {r.subjectType} <code>{r.subjectId}</code>
                </td>
                <td>
                  <Json value={r.before} />
                </td>
                <td>
                  <Json value={r.after} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager base="/audit" params={f} page={props.page} pages={props.pages} total={props.total} />
    </Layout>
  );
}
