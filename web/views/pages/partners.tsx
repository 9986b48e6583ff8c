import { Layout } from '../layout';
import type { PageContext } from '../context';
import type { Partner } from '../../../db/tables/partners';
import { CsvLink, Pager, type Paged } from '../components/pager';

export const STATUS_BADGE: Record<string, string> = { active: 'badge ok', paused: 'badge warn', banned: 'badge bad', pending: 'badge', approved: 'badge ok', rejected: 'badge bad' };

export function PartnersListPage(props: { ctx: PageContext; list: Paged<Partner>; search: string; status?: string; canEdit: boolean }) {
  const { list } = props;
  return (
    <Layout ctx={props.ctx} title="Partners">
      <h1>Partners</h1>
      {props.canEdit ? (
        <p>
          <a href="/partners/new">Add a partner</a> · <a href="/partners/import">Import from CSV</a> · <a href="/applications">Review applications</a>
        </p>
      ) : null}
      <form method="get" action="/partners" class="filters" role="search">
        <input type="search" name="search" value={props.search} placeholder="Name, email or code" aria-label="Search partners" maxLength={100} />
        <select name="status" aria-label="Status">
          <option value="">Any status</option>
          {['active', 'pending', 'paused', 'banned'].map((s) => (
            <option value={s} selected={props.status === s}>
              {s}
            </option>
          ))}
        </select>
        <button type="submit">Filter</button>
      </form>
      {list.data.length === 0 ? (
        <p class="muted">{props.search || props.status ? 'No partners match these filters.' : 'No partners yet. Add one, import a CSV, or share your application page.'}</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Code</th>
              <th>Status</th>
              <th>Added</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((p) => (
              <tr>
                <td>
                  <a href={`/partners/${p.id}`}>{p.name}</a>
                </td>
                <td>{p.email}</td>
                <td>
                  <code>{p.code}</code>
                </td>
                <td>
                  <span class={STATUS_BADGE[p.status]}>{p.status}</span>
                </td>
                <td>{p.createdAt.slice(0, 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager base="/partners" params={{ search: props.search, status: props.status }} page={list.page} pages={list.pages} total={list.total} />
      <p>
        <CsvLink href="/partners.csv" params={{ search: props.search, status: props.status }} /> · <a href="/dashboard/partners?sort=earnings">Partners by earnings</a>
      </p>
    </Layout>
  );
}
