import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf } from '../components/form';
import { BackfillSection, type BackfillView } from './attribution-backfill';

export interface ConnectionView {
  accountId: string;
  livemode: boolean;
  connectedAt: string;
  disconnectedAt: string | null;
  disconnectReason: string | null;
}

const mode = (livemode: boolean) => (livemode ? 'Live mode' : 'Test mode');
const day = (iso: string) => iso.slice(0, 10);
const REASONS: Record<string, string> = { merchant: 'Disconnected here', deauthorized: 'Access revoked in Stripe' };

/** The merchant's Stripe connection: what is connected, since when, and the way to connect or disconnect. */
export function StripePage(props: { ctx: PageContext; active?: ConnectionView; history: ConnectionView[]; canEdit: boolean; backfill?: BackfillView }) {
  const { active } = props;
  return (
    <Layout ctx={props.ctx} title="Stripe">
      <h1>Stripe</h1>
      <section class="card">
        {active ? (
          <>
            <h2>Connected</h2>
            <p>
              Stripe account <code>{active.accountId}</code> <span class={active.livemode ? 'badge ok' : 'badge warn'}>{mode(active.livemode)}</span>, connected since{' '}
              {day(active.connectedAt)}.
            </p>
            <p class="muted">
              Refcut reads this account's Checkout Sessions, invoices, charges, refunds and disputes to credit your partners. It never changes anything in your Stripe
              account. Events from the other mode are kept apart and never count.
            </p>
            {props.canEdit ? (
              <form method="post" action="/stripe/disconnect" class="inline">
                <Csrf token={props.ctx.csrfToken} />
                <button type="submit" class="danger">
                  Disconnect Stripe
                </button>
              </form>
            ) : null}
          </>
        ) : (
          <>
            <h2>Not connected</h2>
            <p>Connect your Stripe account so that payments, renewals, refunds and disputes update your partners' commissions automatically.</p>
            {props.canEdit ? (
              <p>
                <a class="button primary" href="/connect/stripe">
                  Connect Stripe
                </a>
              </p>
            ) : (
              <p class="muted">Ask an owner or admin to connect Stripe.</p>
            )}
          </>
        )}
      </section>
      {active || props.backfill ? <BackfillSection ctx={props.ctx} run={props.backfill} connected={!!active} canEdit={props.canEdit} /> : null}
      {props.history.length > 0 ? (
        <section class="card">
          <h2>Connection history</h2>
          <table class="table">
            <thead>
              <tr>
                <th>Account</th>
                <th>Mode</th>
                <th>Connected</th>
                <th>Disconnected</th>
              </tr>
            </thead>
            <tbody>
              {props.history.map((c) => (
                <tr>
                  <td>
                    <code>{c.accountId}</code>
                  </td>
                  <td>{mode(c.livemode)}</td>
                  <td>{day(c.connectedAt)}</td>
                  <td>{c.disconnectedAt ? `${day(c.disconnectedAt)} · ${REASONS[c.disconnectReason ?? ''] ?? c.disconnectReason}` : 'still connected'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </Layout>
  );
}

/** Where the merchant lands when they declined on Stripe (or Stripe reported an error). */
export function StripeNotConnectedPage(props: { ctx: PageContext; reason: string; description?: string }) {
  const declined = props.reason === 'access_denied';
  return (
    <Layout ctx={props.ctx} title="Stripe not connected" bare>
      <h1>Stripe was not connected</h1>
      <p>{declined ? 'You cancelled on Stripe, so nothing was connected and nothing changed.' : 'Stripe did not complete the connection, so nothing was connected.'}</p>
      {!declined ? (
        <p class="muted">
          Stripe said: <code>{props.reason}</code>
          {props.description ? ` (${props.description})` : ''}
        </p>
      ) : null}
      <p>
        <a href="/stripe">Back to the Stripe page</a> to try again.
      </p>
    </Layout>
  );
}
