import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf } from '../components/form';
import { CsvLink } from '../components/pager';

export interface EventRowView {
  id: string;
  type: string;
  objectId: string | null;
  /** Stripe dashboard link for the object, when it has a page there. */
  objectHref?: string;
  livemode: boolean;
  created: string;
  receivedAt: string;
  source: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  ignoredReason: string | null;
}

const STATUS_BADGE: Record<string, string> = { processed: 'badge ok', failed: 'badge bad', ignored: 'badge', pending: 'badge warn', processing: 'badge warn' };

export const IGNORED_REASONS: Record<string, string> = {
  no_handler: 'Refcut does not use this event type',
  unknown_account: 'From a Stripe account that is not connected',
  livemode_mismatch: 'Other mode than the connection: kept apart',
  no_account: 'Not from a connected account',
};

const time = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 19) : '');

function Outcome(props: { e: EventRowView }) {
  const { e } = props;
  if (e.status === 'ignored') return <span class="muted">{IGNORED_REASONS[e.ignoredReason ?? ''] ?? e.ignoredReason}</span>;
  if (e.status === 'failed') {
    return (
      <span>
        <span class="error">{e.lastError}</span>
        <br />
        <small class="muted">{e.nextAttemptAt ? `Next try ${time(e.nextAttemptAt)}` : 'Not retried automatically: re-run it when the cause is fixed.'}</small>
      </span>
    );
  }
  return null;
}

function RerunButton(props: { ctx: PageContext; id: string; back: string }) {
  return (
    <form method="post" action={`/events/${encodeURIComponent(props.id)}/rerun`} class="inline">
      <Csrf token={props.ctx.csrfToken} />
      <input type="hidden" name="back" value={props.back} />
      <button type="submit">Re-run</button>
    </form>
  );
}

function ObjectLink(props: { e: EventRowView }) {
  if (!props.e.objectId) return null;
  return props.e.objectHref ? (
    <a href={props.e.objectHref} rel="noopener noreferrer" target="_blank">
      <code>{props.e.objectId}</code>
    </a>
  ) : (
    <code>{props.e.objectId}</code>
  );
}

/** Recent Stripe events for this merchant: what arrived, what became of it, and a way to re-run it. */
export function EventsPage(props: {
  ctx: PageContext;
  events: EventRowView[];
  filter: { status?: string; type?: string };
  page: number;
  hasMore: boolean;
  canEdit: boolean;
  connected: boolean;
  syncSince: string;
  syncError?: string;
}) {
  const q = (page: number) => {
    const p = new URLSearchParams();
    if (props.filter.status) p.set('status', props.filter.status);
    if (props.filter.type) p.set('type', props.filter.type);
    if (page > 1) p.set('page', String(page));
    const s = p.toString();
    return s ? `/events?${s}` : '/events';
  };
  const here = q(props.page);
  return (
    <Layout ctx={props.ctx} title="Events">
      <h1>Stripe events</h1>
      <form method="get" action="/events" class="filters">
        <label>
          Status{' '}
          <select name="status">
            <option value="">Any</option>
            {['pending', 'processing', 'processed', 'failed', 'ignored'].map((s) => (
              <option value={s} selected={props.filter.status === s}>
                {s}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Type <input name="type" value={props.filter.type ?? ''} placeholder="invoice.paid" maxLength={200} />
        </label>{' '}
        <button type="submit">Filter</button>
      </form>
      {props.events.length === 0 ? (
        <p class="muted">{props.connected ? 'No events yet.' : 'Connect Stripe to start receiving events.'}</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Received</th>
              <th>Type</th>
              <th>Object</th>
              <th>Status</th>
              <th class="num">Attempts</th>
              <th>Details</th>
              {props.canEdit ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {props.events.map((e) => (
              <tr>
                <td>{time(e.receivedAt)}</td>
                <td>
                  <a href={`/events/${encodeURIComponent(e.id)}`}>{e.type}</a>
                  {e.livemode ? null : <span class="badge warn">test</span>}
                </td>
                <td>
                  <ObjectLink e={e} />
                </td>
                <td>
                  <span class={STATUS_BADGE[e.status] ?? 'badge'}>{e.status}</span>
                </td>
                <td class="num">{e.attempts}</td>
                <td>
                  <Outcome e={e} />
                </td>
                {props.canEdit ? <td>{e.status !== 'processing' ? <RerunButton ctx={props.ctx} id={e.id} back={here} /> : null}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="pager">
        {props.page > 1 ? <a href={q(props.page - 1)}>← Newer</a> : null} {props.hasMore ? <a href={q(props.page + 1)}>Older →</a> : null}
      </p>
      <CsvLink href="/events.csv" params={{ status: props.filter.status, type: props.filter.type }} />
      {props.canEdit && props.connected ? (
        <section class="card">
          <h2>Catch up</h2>
          <p class="muted">If your server was down or unreachable, fetch the events Stripe still has (up to 30 days back). Events already here are skipped.</p>
          <form method="post" action="/events/sync" class="inline">
            <Csrf token={props.ctx.csrfToken} />
            <label>
              Since <input type="date" name="since" value={props.syncSince} required />
            </label>{' '}
            <button type="submit">Fetch missed events</button>
            {props.syncError ? <small class="error"> {props.syncError}</small> : null}
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

/** One event: its outcome and the payload exactly as Stripe sent it. */
export function EventDetailPage(props: { ctx: PageContext; event: EventRowView & { apiVersion: string | null; payload: string; processedAt: string | null }; canEdit: boolean }) {
  const e = props.event;
  let pretty = e.payload;
  try {
    pretty = JSON.stringify(JSON.parse(e.payload), null, 2);
  } catch {
    /* show it as stored */
  }
  return (
    <Layout ctx={props.ctx} title={e.type}>
      <p>
        <a href="/events">← All events</a>
      </p>
      <h1>{e.type}</h1>
      <dl class="facts">
        <dt>Event</dt>
        <dd>
          <code>{e.id}</code> ({e.livemode ? 'live' : 'test'} mode, API {e.apiVersion ?? 'unknown'})
        </dd>
        <dt>Object</dt>
        <dd>
          <ObjectLink e={e} />
        </dd>
        <dt>Created at Stripe</dt>
        <dd>{time(e.created)}</dd>
        <dt>Received</dt>
        <dd>
          {time(e.receivedAt)} ({e.source === 'sync' ? 'catch-up' : 'webhook'})
        </dd>
        <dt>Status</dt>
        <dd>
          <span class={STATUS_BADGE[e.status] ?? 'badge'}>{e.status}</span> after {e.attempts} attempt{e.attempts === 1 ? '' : 's'}
          {e.processedAt ? `, ${time(e.processedAt)}` : ''} <Outcome e={e} />
          {e.status === 'processed' && e.lastError ? <small class="muted"> (earlier attempt failed: {e.lastError})</small> : null}
        </dd>
      </dl>
      {props.canEdit && e.status !== 'processing' ? <RerunButton ctx={props.ctx} id={e.id} back={`/events/${encodeURIComponent(e.id)}`} /> : null}
      <h2>Payload</h2>
      <pre class="payload">{pretty}</pre>
    </Layout>
  );
}
