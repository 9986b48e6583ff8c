import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf } from '../components/form';
import { LocalDate } from '../components/money';
import { Pager } from '../components/pager';
import type { NotificationRow, Toggles } from '../../../server/notifications/store';

const STATUS_BADGE: Record<string, string> = { sent: 'badge ok', logged: 'badge', pending: 'badge warn', sending: 'badge warn', failed: 'badge bad' };
const STATUS_LABEL: Record<string, string> = { sent: 'sent', logged: 'not sent (no SMTP)', pending: 'queued', sending: 'sending', failed: 'failed' };

/** Every email of the program, newest first; without SMTP this is where they can be read. */
export function OutboxPage(props: { ctx: PageContext; rows: NotificationRow[]; page: number; pages: number; total: number; smtp: boolean; timeZone: string; showSecrets: boolean; from: string }) {
  return (
    <Layout ctx={props.ctx} title="Email outbox">
      <h1>Email outbox</h1>
      {props.smtp ? (
        <p class="muted">Emails go out from {props.from} through your SMTP server. Failed sends are retried for a few hours.</p>
      ) : (
        <p class="flash error" role="status">
          No SMTP server is configured (<code>SMTP_URL</code>), so nothing is emailed: each message is written to the server log and listed here instead.
        </p>
      )}
      <p>
        <a href="/settings/notifications">Choose which emails are sent</a>
      </p>
      {props.rows.length === 0 ? (
        <p class="muted">No emails yet. Partners are emailed when their application is decided, a commission is earned and a payout is sent; you are emailed when someone applies.</p>
      ) : (
        <table class="table" id="outbox">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((n) => (
              <tr data-kind={n.kind} data-status={n.status}>
                <td>
                  <LocalDate iso={n.createdAt} timeZone={props.timeZone} withTime />
                </td>
                <td>{n.recipient}</td>
                <td>
                  <details>
                    <summary>{n.subject}</summary>
                    {n.secret && !props.showSecrets ? (
                      <p class="muted">This message holds a sign-in link: only owners and admins can read it.</p>
                    ) : n.body === '' ? (
                      <p class="muted">Delivered; the sign-in link it held is not kept.</p>
                    ) : (
                      <pre class="email-body">{n.body}</pre>
                    )}
                  </details>
                </td>
                <td>
                  <span class={STATUS_BADGE[n.status] ?? 'badge'}>{STATUS_LABEL[n.status] ?? n.status}</span>
                  {n.lastError ? <small class="error"> {n.lastError}</small> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager base="/notifications" params={{}} page={props.page} pages={props.pages} total={props.total} />
    </Layout>
  );
}

const SWITCHES: { name: keyof Toggles; label: string }[] = [
  { name: 'merchantApplicationReceived', label: 'Email owners and admins when someone applies to become a partner' },
  { name: 'partnerApplicationDecided', label: 'Email applicants when their application is approved or rejected' },
  { name: 'partnerCommissionEarned', label: 'Email partners when a sale earns them a commission' },
  { name: 'partnerPayoutSent', label: 'Email partners when their payout is marked paid' },
];

export function NotificationSettingsPage(props: { ctx: PageContext; toggles: Toggles; canEdit: boolean; smtp: boolean }) {
  return (
    <Layout ctx={props.ctx} title="Notifications">
      <h1>Email notifications</h1>
      {props.smtp ? null : <p class="muted">No SMTP server is configured: emails are logged and listed in the <a href="/notifications">outbox</a> rather than sent.</p>}
      <form method="post" action="/settings/notifications" class="card stack">
        <Csrf token={props.ctx.csrfToken} />
        {SWITCHES.map((s) => (
          <label>
            <input type="checkbox" name={s.name} value="on" checked={props.toggles[s.name] === 1} disabled={!props.canEdit} /> {s.label}
          </label>
        ))}
        {props.canEdit ? (
          <p>
            <button type="submit" class="primary">
              Save
            </button>
          </p>
        ) : (
          <p class="muted">Your role is read-only.</p>
        )}
      </form>
      <p>
        <a href="/notifications">Email outbox</a>
      </p>
    </Layout>
  );
}
