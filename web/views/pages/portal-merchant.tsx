// The merchant's side of the partner portal: a generated portal link, and registered deals.
import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf } from '../components/form';
import { CopyField } from '../portal-layout';
import { Pager } from '../components/pager';
import type { DealRow } from '../../../server/portal/deals-store';

export function PortalLinkCreatedPage(props: { ctx: PageContext; partner: { id: string; name: string; email: string }; url: string; expiresAt: string }) {
  return (
    <Layout ctx={props.ctx} title={`Portal link · ${props.partner.name}`}>
      <p>
        <a href={`/partners/${props.partner.id}`}>← {props.partner.name}</a>
      </p>
      <h1>Portal link for {props.partner.name}</h1>
      <section class="card">
        <p>
          Send this link to {props.partner.name} ({props.partner.email}). It signs them in to your partner portal once, until {props.expiresAt.slice(0, 16).replace('T', ' ')} UTC. It is shown only now:
          generate a new one if it gets lost.
        </p>
        <CopyField id="portal-link" value={props.url} label="Portal link" />
      </section>
      <script src="/static/portal.js" defer />
    </Layout>
  );
}

const DEAL_BADGE: Record<string, string> = { pending: 'badge', accepted: 'badge ok', rejected: 'badge bad' };
const FILTERS = [undefined, 'pending', 'accepted', 'rejected'] as const;

export function DealsPage(props: { ctx: PageContext; rows: DealRow[]; status?: string; page: number; pages: number; total: number; canEdit: boolean }) {
  return (
    <Layout ctx={props.ctx} title="Deals">
      <h1>Deals</h1>
      <p class="muted">
        Leads your partners registered in the partner portal. Accept one and the first payment of a new customer with that email is attributed to the partner (binding source “deal”), even without a
        referral link. Only one deal per email can be accepted.
      </p>
      <p class="filters">
        {FILTERS.map((s) => (
          <a href={s ? `/deals?status=${s}` : '/deals'} aria-current={s === props.status ? 'page' : undefined}>
            {s ?? 'all'}
          </a>
        ))}
      </p>
      {props.rows.length === 0 ? (
        <p class="muted">No deals{props.status ? ` ${props.status}` : ''} yet. Partners register leads from the Deals tab of their portal.</p>
      ) : (
        <table class="table" id="deals">
          <thead>
            <tr>
              <th>Registered</th>
              <th>Partner</th>
              <th>Lead</th>
              <th>Notes</th>
              <th>Status</th>
              <th>Outcome</th>
              {props.canEdit ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((d) => (
              <tr data-deal={d.id}>
                <td>{d.createdAt.slice(0, 10)}</td>
                <td>
                  <a href={`/partners/${d.partnerId}`}>{d.partnerName}</a>
                </td>
                <td>
                  {d.name}
                  <br />
                  <span class="muted">{d.email}</span>
                </td>
                <td>{d.notes ?? ''}</td>
                <td>
                  <span class={DEAL_BADGE[d.status]}>{d.status}</span> {d.rejectionReason ? <small class="muted">{d.rejectionReason}</small> : null}
                </td>
                <td>
                  {d.boundAt ? `Customer bound ${String(d.boundAt).slice(0, 10)}` : d.status === 'accepted' ? 'Waiting for the first payment' : '—'}
                  {d.alreadyReferred ? <small class="negative"> This email is already a referred customer.</small> : null}
                </td>
                {props.canEdit ? (
                  <td>
                    {d.status === 'pending' ? (
                      <form method="post" action={`/deals/${d.id}/accept`} class="inline">
                        <Csrf token={props.ctx.csrfToken} />
                        <button type="submit" class="primary">
                          Accept
                        </button>
                      </form>
                    ) : null}{' '}
                    {d.status !== 'rejected' && !d.boundAt ? (
                      <form method="post" action={`/deals/${d.id}/reject`} class="inline">
                        <Csrf token={props.ctx.csrfToken} />
                        <label class="sr-only" for={`reason-${d.id}`}>
                          Reason (shown to the partner)
                        </label>
                        <input id={`reason-${d.id}`} name="reason" type="text" maxLength={500} placeholder="Reason (shown to the partner)" />{' '}
                        <button type="submit" class="danger">
                          Reject
                        </button>
                      </form>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager base="/deals" params={{ status: props.status }} page={props.page} pages={props.pages} total={props.total} />
    </Layout>
  );
}
