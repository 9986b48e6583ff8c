// Partner portal: referred customers, deal registration, payout settings.
import { PortalLayout, portalBase, type PortalContext } from '../portal-layout';
import { Csrf, Field, FormErrors } from '../components/form';
import { Pager } from '../components/pager';
import { ModeNote } from './portal';
import type { PartnerDealRow } from '../../../server/portal/deals-store';

export interface PortalCustomerRow {
  id: string;
  /** Already masked (j***@example.com): the full address never reaches the page. */
  email: string;
  since: string;
  sales: number;
  lastSaleAt: string | null;
  subscriptionStatus: string | null;
  viaDeal: boolean;
}

export function PortalCustomersPage(props: { ctx: PortalContext; livemode: number; rows: PortalCustomerRow[]; page: number; pages: number; total: number }) {
  const base = portalBase(props.ctx);
  return (
    <PortalLayout ctx={props.ctx} title="Customers">
      <h1>Referred customers</h1>
      <ModeNote livemode={props.livemode} />
      <p class="muted">Customers bound to you: their payments earn you commission under the program’s terms. Emails are masked to protect their privacy.</p>
      {props.rows.length === 0 ? (
        <p class="muted">No referred customers yet.</p>
      ) : (
        <table class="table" id="customers">
          <thead>
            <tr>
              <th>Customer</th>
              <th>Referred on</th>
              <th class="num">Payments</th>
              <th>Last payment</th>
              <th>Subscription</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((c) => (
              <tr>
                <td>
                  {c.email} {c.viaDeal ? <span class="badge">deal</span> : null}
                </td>
                <td>{c.since.slice(0, 10)}</td>
                <td class="num">{c.sales}</td>
                <td>{c.lastSaleAt ? c.lastSaleAt.slice(0, 10) : '—'}</td>
                <td>{c.subscriptionStatus ? <span class="badge">{c.subscriptionStatus.replace('_', ' ')}</span> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager base={`${base}/customers`} params={{}} page={props.page} pages={props.pages} total={props.total} />
    </PortalLayout>
  );
}

const DEAL_BADGE: Record<string, string> = { pending: 'badge', accepted: 'badge ok', rejected: 'badge bad' };

export function PortalDealsPage(props: { ctx: PortalContext; deals: PartnerDealRow[]; values?: Record<string, string>; errors?: Record<string, string> }) {
  const base = portalBase(props.ctx);
  const v = props.values ?? {};
  return (
    <PortalLayout ctx={props.ctx} title="Deals">
      <h1>Deals</h1>
      <p class="muted">
        Register a lead you are bringing to {props.ctx.program.name}. Once {props.ctx.program.name} accepts it, the lead’s first payment with this email is credited to you, even without your link.
      </p>
      <section class="card">
        <h2>Register a lead</h2>
        <FormErrors errors={props.errors} />
        <form method="post" action={`${base}/deals`} class="stack" novalidate>
          <Csrf token={props.ctx.csrfToken} />
          <Field name="email" label="Lead’s email" type="email" value={v.email} error={props.errors?.email} required maxLength={254} />
          <Field name="name" label="Name or company" value={v.name} error={props.errors?.name} required maxLength={200} />
          <div class={props.errors?.notes ? 'field has-error' : 'field'}>
            <label for="f-notes">Notes for {props.ctx.program.name} (optional)</label>
            <textarea id="f-notes" name="notes" rows={3} maxLength={2000}>
              {v.notes ?? ''}
            </textarea>
            {props.errors?.notes ? <small class="error">{props.errors.notes}</small> : null}
          </div>
          <div>
            <button type="submit" class="primary">
              Register lead
            </button>
          </div>
        </form>
      </section>
      <section class="card">
        <h2>Your deals</h2>
        {props.deals.length === 0 ? (
          <p class="muted">No deals registered yet.</p>
        ) : (
          <table class="table" id="deals">
            <thead>
              <tr>
                <th>Registered</th>
                <th>Lead</th>
                <th>Status</th>
                <th>Customer</th>
              </tr>
            </thead>
            <tbody>
              {props.deals.map((d) => (
                <tr data-deal={d.id}>
                  <td>{d.createdAt.slice(0, 10)}</td>
                  <td>
                    {d.name} <span class="muted">{d.email}</span>
                  </td>
                  <td>
                    <span class={DEAL_BADGE[d.status]}>{d.status}</span> {d.rejectionReason ? <small class="muted">{d.rejectionReason}</small> : null}
                  </td>
                  <td>{d.boundAt ? `Paid, credited to you (${String(d.boundAt).slice(0, 10)})` : d.status === 'accepted' ? 'Waiting for the first payment' : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </PortalLayout>
  );
}

export function PortalSettingsPage(props: { ctx: PortalContext; email: string; payoutEmail: string; errors?: Record<string, string> }) {
  const base = portalBase(props.ctx);
  return (
    <PortalLayout ctx={props.ctx} title="Settings">
      <h1>Settings</h1>
      <section class="card">
        <h2>Payouts</h2>
        <FormErrors errors={props.errors} />
        <form method="post" action={`${base}/settings`} class="stack" novalidate>
          <Csrf token={props.ctx.csrfToken} />
          <Field
            name="payoutEmail"
            label="Payout email (PayPal)"
            type="email"
            value={props.payoutEmail}
            error={props.errors?.payoutEmail}
            maxLength={254}
            hint={`Leave empty to be paid at your sign-in email, ${props.email}.`}
          />
          <div>
            <button type="submit" class="primary">
              Save
            </button>
          </div>
        </form>
      </section>
    </PortalLayout>
  );
}
