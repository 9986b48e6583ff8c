import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf } from '../components/form';
import type { EndpointRow } from './webhooks';

export interface DeliveryRow {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: string;
}

const BADGE: Record<string, string> = { succeeded: 'badge ok', failed: 'badge bad', pending: 'badge warn', canceled: 'badge' };
const time = (iso: string | null) => (iso ? `${iso.slice(0, 19).replace('T', ' ')} UTC` : '—');

export function WebhookDeliveriesPage(props: { ctx: PageContext; endpoint: EndpointRow; deliveries: { data: DeliveryRow[]; page: number; limit: number; total: number } }) {
  const { endpoint: w, deliveries } = props;
  const pages = Math.max(1, Math.ceil(deliveries.total / deliveries.limit));
  return (
    <Layout ctx={props.ctx} title="Webhook deliveries">
      <p>
        <a href="/settings/webhooks">← Webhooks</a>
      </p>
      <h1>Deliveries</h1>
      <p>
        <code>{w.url}</code> · <span class={w.livemode ? 'badge ok' : 'badge warn'}>{w.livemode ? 'live' : 'test'}</span>{' '}
        {w.enabled ? <span class="badge ok">enabled</span> : <span class="badge bad">disabled</span>} · {(JSON.parse(w.events) as string[]).join(', ')}
      </p>
      <table class="table">
        <thead>
          <tr>
            <th>Event</th>
            <th>Status</th>
            <th class="num">Response</th>
            <th class="num">Attempts</th>
            <th>Last attempt</th>
            <th>Next attempt</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {deliveries.data.length === 0 ? (
            <tr>
              <td colSpan={7} class="muted">
                Nothing delivered yet.
              </td>
            </tr>
          ) : null}
          {deliveries.data.map((d) => (
            <tr>
              <td>
                <code>{d.eventType}</code>
                <br />
                <small class="muted">{d.eventId}</small>
              </td>
              <td>
                <span class={BADGE[d.status] ?? 'badge'}>{d.status}</span>
                {d.lastError ? (
                  <>
                    <br />
                    <small class="muted">{d.lastError}</small>
                  </>
                ) : null}
              </td>
              <td class="num">{d.responseStatus ?? '—'}</td>
              <td class="num">{d.attempts}</td>
              <td>{time(d.lastAttemptAt)}</td>
              <td>{d.status === 'pending' ? time(d.nextAttemptAt) : '—'}</td>
              <td>
                {w.enabled ? (
                  <form method="post" action={`/settings/webhooks/deliveries/${d.id}/resend`} class="inline">
                    <Csrf token={props.ctx.csrfToken} />
                    <button type="submit">Resend</button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 ? (
        <p class="pager">
          {deliveries.page > 1 ? <a href={`/settings/webhooks/${w.id}?page=${deliveries.page - 1}`}>← Newer</a> : null} Page {deliveries.page} of {pages}{' '}
          {deliveries.page < pages ? <a href={`/settings/webhooks/${w.id}?page=${deliveries.page + 1}`}>Older →</a> : null}
        </p>
      ) : null}
    </Layout>
  );
}
