import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf, Field, Select } from '../components/form';
import { DeveloperNav } from './api-keys';

export interface EndpointRow {
  id: string;
  url: string;
  events: string; // JSON array
  livemode: number;
  enabled: number;
  createdAt: string;
}

export interface EndpointValues {
  url: string;
  mode: string;
  events: string[];
}

export function WebhooksPage(props: {
  ctx: PageContext;
  endpoints: EndpointRow[];
  eventTypes: readonly string[];
  values?: EndpointValues;
  errors?: Record<string, string>;
  created?: { id: string; url: string; secret: string };
}) {
  const e = props.errors ?? {};
  const chosen = new Set(props.values?.events ?? []);
  return (
    <Layout ctx={props.ctx} title="Webhooks">
      <h1>Webhooks</h1>
      <DeveloperNav current="webhooks" />
      <p class="muted">
        Refcut POSTs signed JSON to your endpoints when things happen in your program, and retries for a day until your endpoint answers 2xx. See{' '}
        <a href="/docs/api">the API reference</a> and the webhooks guide in the docs for verifying signatures.
      </p>
      {props.created ? (
        <section class="card" role="status">
          <h2>Endpoint created</h2>
          <p>
            Signing secret for <code>{props.created.url}</code>. Copy it now: it will not be shown again.
          </p>
          <p>
            <code class="copy secret">{props.created.secret}</code>
          </p>
        </section>
      ) : null}
      <table class="table">
        <thead>
          <tr>
            <th>URL</th>
            <th>Mode</th>
            <th>Events</th>
            <th>Status</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {props.endpoints.length === 0 ? (
            <tr>
              <td colSpan={5} class="muted">
                No endpoints yet.
              </td>
            </tr>
          ) : null}
          {props.endpoints.map((w) => (
            <tr>
              <td>
                <a href={`/settings/webhooks/${w.id}`}>
                  <code>{w.url}</code>
                </a>
              </td>
              <td>
                <span class={w.livemode ? 'badge ok' : 'badge warn'}>{w.livemode ? 'live' : 'test'}</span>
              </td>
              <td>{(JSON.parse(w.events) as string[]).join(', ')}</td>
              <td>{w.enabled ? <span class="badge ok">enabled</span> : <span class="badge bad">disabled</span>}</td>
              <td>
                <a href={`/settings/webhooks/${w.id}`}>Deliveries</a>{' '}
                <form method="post" action={`/settings/webhooks/${w.id}/${w.enabled ? 'disable' : 'enable'}`} class="inline">
                  <Csrf token={props.ctx.csrfToken} />
                  <button type="submit">{w.enabled ? 'Disable' : 'Enable'}</button>
                </form>{' '}
                <form method="post" action={`/settings/webhooks/${w.id}/delete`} class="inline">
                  <Csrf token={props.ctx.csrfToken} />
                  <button type="submit" class="danger" aria-label={`Delete ${w.url}`}>
                    Delete
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <section class="card">
        <h2>Add an endpoint</h2>
        <form method="post" action="/settings/webhooks" class="stack" novalidate>
          <Csrf token={props.ctx.csrfToken} />
          <Field name="url" label="Endpoint URL" type="url" value={props.values?.url} error={e.url} hint="An https:// URL on your server." maxLength={2000} required />
          <Select
            name="mode"
            label="Mode"
            value={props.values?.mode ?? 'live'}
            error={e.mode}
            options={[
              { value: 'live', label: 'Live events' },
              { value: 'test', label: 'Test-mode events' },
            ]}
          />
          <fieldset class={e.events ? 'checks has-error' : 'checks'}>
            <legend>Events to send</legend>
            {props.eventTypes.map((t) => (
              <label>
                <input type="checkbox" name="events" value={t} checked={chosen.has(t)} /> <code>{t}</code>
              </label>
            ))}
            {e.events ? <small class="error">{e.events}</small> : null}
          </fieldset>
          <button type="submit" class="primary">
            Add endpoint
          </button>
        </form>
      </section>
    </Layout>
  );
}
