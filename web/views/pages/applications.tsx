import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf } from '../components/form';
import { safeHref } from '../render';
import type { Application } from '../../../db/tables/partners';
import { STATUS_BADGE } from './partners';
import { CsvLink, Pager, type Paged } from '../components/pager';

export function ApplicationsPage(props: { ctx: PageContext; list: Paged<Application>; status?: string; canEdit: boolean; applyUrl: string; error?: string }) {
  const { list } = props;
  return (
    <Layout ctx={props.ctx} title="Applications">
      <h1>Partner applications</h1>
      <p class="muted">
        Your public application page: <code class="copy">{props.applyUrl}</code>
      </p>
      {props.error ? (
        <p class="flash error" role="alert">
          {props.error}
        </p>
      ) : null}
      <nav class="filters" aria-label="Filter by status">
        {[
          ['', 'All'],
          ['pending', 'Pending'],
          ['approved', 'Approved'],
          ['rejected', 'Rejected'],
        ].map(([value, label]) => (
          <a href={value ? `/applications?status=${value}` : '/applications'} aria-current={(props.status ?? '') === value ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      {list.data.length === 0 ? (
        <p class="muted">No applications here yet.</p>
      ) : (
        list.data.map((a) => (
          <section class="card">
            <h2>
              {a.name} <span class={STATUS_BADGE[a.status]}>{a.status}</span>
            </h2>
            <p>
              {a.email}
              {a.company ? ` · ${a.company}` : ''}
              {a.website ? (
                <>
                  {' · '}
                  {safeHref(a.website) ? <a href={safeHref(a.website)} rel="nofollow noopener noreferrer">{a.website}</a> : a.website}
                </>
              ) : null}{' '}
              · applied {a.createdAt.slice(0, 10)}
            </p>
            {a.reason ? <blockquote>{a.reason}</blockquote> : null}
            {a.status === 'rejected' && a.rejectionReason ? <p class="muted">Rejected: {a.rejectionReason}</p> : null}
            {a.status === 'approved' && a.partnerId ? (
              <p>
                <a href={`/partners/${a.partnerId}`}>View partner</a>
              </p>
            ) : null}
            {a.status === 'pending' && props.canEdit ? (
              <div class="decide">
                <form method="post" action={`/applications/${a.id}/approve`} class="inline">
                  <Csrf token={props.ctx.csrfToken} />
                  <input name="code" placeholder="code (optional)" aria-label={`Code for ${a.email}`} maxLength={40} />{' '}
                  <button type="submit" class="primary">
                    Approve
                  </button>
                </form>{' '}
                <form method="post" action={`/applications/${a.id}/reject`} class="inline">
                  <Csrf token={props.ctx.csrfToken} />
                  <input name="reason" placeholder="reason" aria-label={`Rejection reason for ${a.email}`} maxLength={500} required />{' '}
                  <button type="submit" class="danger">
                    Reject
                  </button>
                </form>
              </div>
            ) : null}
          </section>
        ))
      )}
      <Pager base="/applications" params={{ status: props.status }} page={list.page} pages={list.pages} total={list.total} />
      <CsvLink href="/applications.csv" params={{ status: props.status }} />
    </Layout>
  );
}
