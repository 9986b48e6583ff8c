import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf, Field, Select } from '../components/form';

export interface ApiKeyRow {
  id: string;
  name: string;
  mode: string;
  lastFour: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Links between the developer settings pages. */
export function DeveloperNav(props: { current: 'keys' | 'webhooks' }) {
  return (
    <p class="subnav">
      <a href="/settings/api-keys" aria-current={props.current === 'keys' ? 'page' : undefined}>API keys</a>
      <a href="/settings/webhooks" aria-current={props.current === 'webhooks' ? 'page' : undefined}>Webhooks</a>
      <a href="/docs/api">API reference</a>
    </p>
  );
}

const day = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

export function ApiKeysPage(props: {
  ctx: PageContext;
  keys: ApiKeyRow[];
  canEdit: boolean;
  newKey?: { name: string; mode: string; key: string };
  values?: { name: string; mode: string };
  errors?: Record<string, string>;
}) {
  const e = props.errors ?? {};
  return (
    <Layout ctx={props.ctx} title="API keys">
      <h1>API keys</h1>
      <DeveloperNav current="keys" />
      <p class="muted">
        Call the <a href="/docs/api">REST API</a> with <code>Authorization: Bearer &lt;key&gt;</code>. Live keys see live data, test keys test data. A key
        is shown once, when it is created; we keep only a hash of it.
      </p>
      {props.newKey ? (
        <section class="card" role="status">
          <h2>Your new {props.newKey.mode} key “{props.newKey.name}”</h2>
          <p>Copy it now: it will not be shown again.</p>
          <p>
            <code class="copy secret">{props.newKey.key}</code>
          </p>
        </section>
      ) : null}
      <table class="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Mode</th>
            <th>Key</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {props.keys.length === 0 ? (
            <tr>
              <td colSpan={6} class="muted">
                No API keys yet.
              </td>
            </tr>
          ) : null}
          {props.keys.map((k) => (
            <tr>
              <td>{k.name}</td>
              <td>
                <span class={k.mode === 'live' ? 'badge ok' : 'badge warn'}>{k.mode}</span>
              </td>
              <td>
                <code>
                  rc_{k.mode}_…{k.lastFour}
                </code>
              </td>
              <td>{day(k.createdAt)}</td>
              <td>{day(k.lastUsedAt)}</td>
              <td>
                {k.revokedAt ? (
                  <span class="badge bad">revoked {day(k.revokedAt)}</span>
                ) : props.canEdit ? (
                  <form method="post" action={`/settings/api-keys/${k.id}/revoke`} class="inline">
                    <Csrf token={props.ctx.csrfToken} />
                    <button type="submit" class="danger" aria-label={`Revoke ${k.name}`}>
                      Revoke
                    </button>
                  </form>
                ) : (
                  <span class="badge ok">active</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.canEdit ? (
        <section class="card">
          <h2>Create a key</h2>
          <form method="post" action="/settings/api-keys" class="stack" novalidate>
            <Csrf token={props.ctx.csrfToken} />
            <Field name="name" label="Name" value={props.values?.name} error={e.name} hint="What it is for, e.g. “Billing backend”." maxLength={100} required />
            <Select
              name="mode"
              label="Mode"
              value={props.values?.mode ?? 'live'}
              error={e.mode}
              options={[
                { value: 'live', label: 'Live: real partners and commissions' },
                { value: 'test', label: 'Test: test-mode data only' },
              ]}
            />
            <button type="submit" class="primary">
              Create key
            </button>
          </form>
        </section>
      ) : (
        <p class="muted">Your role is read-only: ask an owner or admin to create or revoke keys.</p>
      )}
    </Layout>
  );
}
