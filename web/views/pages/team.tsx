import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf, Select } from '../components/form';

const ROLE_OPTIONS = [
  { value: 'admin', label: 'Admin: can change everything but the team' },
  { value: 'read_only', label: 'Read-only: can look, not change' },
  { value: 'owner', label: 'Owner: full control, including the team' },
];

export function TeamPage(props: {
  ctx: PageContext;
  members: { id: string; name: string; email: string; role: string }[];
  invites: { id: string; role: string; expiresAt: string }[];
  newInviteUrl?: string;
  isOwner: boolean;
}) {
  return (
    <Layout ctx={props.ctx} title="Team">
      <h1>Team</h1>
      <table class="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            {props.isOwner ? <th>Change</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.members.map((m) => (
            <tr>
              <td>{m.name}</td>
              <td>{m.email}</td>
              <td>{m.role.replace('_', '-')}</td>
              {props.isOwner ? (
                <td>
                  <form method="post" action={`/team/${m.id}`} class="inline">
                    <Csrf token={props.ctx.csrfToken} />
                    <select name="role" aria-label={`Role for ${m.email}`}>
                      {ROLE_OPTIONS.map((o) => (
                        <option value={o.value} selected={o.value === m.role}>
                          {o.value.replace('_', '-')}
                        </option>
                      ))}
                    </select>{' '}
                    <button type="submit">Save</button>{' '}
                    <button type="submit" name="remove" value="1" class="danger">
                      Remove
                    </button>
                  </form>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {props.isOwner ? (
        <section class="card">
          <h2>Invite someone</h2>
          {props.newInviteUrl ? (
            <p class="flash ok" role="status">
              Share this one-time link (shown once, valid 7 days): <code class="copy">{props.newInviteUrl}</code>
            </p>
          ) : null}
          <form method="post" action="/team/invites" class="stack">
            <Csrf token={props.ctx.csrfToken} />
            <Select name="role" label="Role" value="admin" options={ROLE_OPTIONS} />
            <button type="submit" class="primary">Create invite link</button>
          </form>
          {props.invites.length > 0 ? (
            <>
              <h3>Open invites</h3>
              <ul>
                {props.invites.map((i) => (
                  <li>
                    {i.role.replace('_', '-')} · expires {i.expiresAt.slice(0, 10)}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : (
        <p class="muted">Only owners can invite people or change roles.</p>
      )}
    </Layout>
  );
}
