import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf } from '../components/form';
import { StatusBadge } from './commissions';
import { Money } from '../components/money';
import { CsvLink, Pager } from '../components/pager';
import type { RunPlan } from '../../../server/payouts/service';
import type { PayoutListRow, PayoutRun } from '../../../server/payouts/store';

export type Mode = 'live' | 'test';

/** Live / test switch and the payouts sub-navigation, shared by the payout pages. */
export function PayoutsNav(props: { ctx: PageContext; mode: Mode; base: string }) {
  const here = props.ctx.path;
  const links: [string, string][] = [
    ['/payouts', 'Payouts'],
    ['/balances', 'Balances'],
    ['/payouts/commissions', 'Review commissions'],
    ['/payouts/rates', 'Exchange rates'],
    ['/audit', 'Audit trail'],
  ];
  return (
    <>
      <nav class="subnav" aria-label="Payouts">
        {links.map(([href, label]) => (
          <a href={href === '/audit' ? href : `${href}?mode=${props.mode}`} aria-current={here === href ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <p class="filters">
        Ledger:{' '}
        {(['live', 'test'] as const).map((m) => (
          <a href={`${props.base}?mode=${m}`} aria-current={props.mode === m ? 'page' : undefined}>
            {m === 'live' ? 'Live' : 'Test mode'}
          </a>
        ))}
      </p>
    </>
  );
}

export function PlanTable(props: { plan: RunPlan }) {
  const { plan } = props;
  if (plan.partners.length === 0) return <p class="muted">Nothing is payable right now.</p>;
  return (
    <table class="table">
      <thead>
        <tr>
          <th>Partner</th>
          <th>Pays to</th>
          <th class="num">Rows</th>
          <th class="num">Payable</th>
          <th>In the next run</th>
        </tr>
      </thead>
      <tbody>
        {plan.partners.map((p) => (
          <tr>
            <td>
              <a href={`/partners/${p.partnerId}`}>{p.name}</a>
            </td>
            <td>{p.recipient}</td>
            <td class="num">{p.rows.length}</td>
            <td class="num">
              <Money amount={p.amount} currency={plan.currency} />
            </td>
            <td>
              {p.eligible ? (
                'Yes'
              ) : p.amount < 0 ? (
                <span class="negative">No: negative balance (refunds after a payout), netted against future earnings</span>
              ) : (
                <span class="muted">No: below the minimum payout</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PayoutsTable(props: { rows: PayoutListRow[] }) {
  if (props.rows.length === 0) return <p class="muted">No payouts yet.</p>;
  return (
    <table class="table">
      <thead>
        <tr>
          <th>Created</th>
          <th>Payout</th>
          <th>Partner</th>
          <th class="num">Amount</th>
          <th>Status</th>
          <th>Paid on</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((p) => (
          <tr>
            <td>{p.createdAt.slice(0, 10)}</td>
            <td>
              <a href={`/payouts/${p.id}`}>
                <code>{p.id}</code>
              </a>
            </td>
            <td>{p.partnerName}</td>
            <td class="num">
              <Money amount={p.amount} currency={p.currency} />
            </td>
            <td>
              <StatusBadge status={p.status} />
            </td>
            <td>{p.paidOn ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PayoutsPage(props: {
  ctx: PageContext;
  mode: Mode;
  plan: RunPlan;
  runs: PayoutRun[];
  payouts: PayoutListRow[];
  page: number;
  pages: number;
  total: number;
  canEdit: boolean;
}) {
  const { plan, mode } = props;
  const eligible = plan.partners.filter((p) => p.eligible);
  return (
    <Layout ctx={props.ctx} title="Payouts">
      <h1>Payouts</h1>
      <PayoutsNav ctx={props.ctx} mode={mode} base="/payouts" />
      <section class="card">
        <h2>Ready to pay</h2>
        <p class="muted">
          Approved commissions not yet in a payout, converted into the payout currency ({plan.currency.toUpperCase()}). A run pays every partner whose total reaches the minimum payout of{' '}
          <Money amount={plan.minPayout} currency={plan.currency} />.
        </p>
        <PlanTable plan={plan} />
        {plan.needsRate.length > 0 ? (
          <p class="flash error" role="status">
            {plan.needsRate.length} commission row{plan.needsRate.length > 1 ? 's' : ''} in another currency need{plan.needsRate.length > 1 ? '' : 's'} a rate before {plan.needsRate.length > 1 ? 'they' : 'it'} can be paid:{' '}
            <a href={`/payouts/rates?mode=${mode}`}>enter exchange rates</a>.
          </p>
        ) : null}
        {props.canEdit ? (
          <form method="post" action="/payouts/run">
            <Csrf token={props.ctx.csrfToken} />
            <input type="hidden" name="mode" value={mode} />
            <button type="submit" class="primary" disabled={eligible.length === 0}>
              Run payouts ({eligible.length} partner{eligible.length === 1 ? '' : 's'})
            </button>
          </form>
        ) : null}
      </section>
      <section class="card">
        <h2>Runs</h2>
        {props.runs.length === 0 ? (
          <p class="muted">No payout runs yet.</p>
        ) : (
          <table class="table">
            <thead>
              <tr>
                <th>Run</th>
                <th>Date</th>
                <th class="num">Payouts</th>
                <th class="num">Total</th>
                <th>Download</th>
              </tr>
            </thead>
            <tbody>
              {props.runs.map((r) => (
                <tr>
                  <td>
                    <code>{r.id}</code>
                  </td>
                  <td>{r.createdAt.slice(0, 16).replace('T', ' ')} UTC</td>
                  <td class="num">{r.payoutCount}</td>
                  <td class="num">
                    <Money amount={r.total} currency={r.currency} />
                  </td>
                  <td>
                    <a href={`/payouts/runs/${r.id}/paypal.csv`}>PayPal Payouts CSV</a> · <a href={`/payouts/runs/${r.id}/payouts.csv`}>Generic CSV</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p class="muted">The PayPal file lists the run’s payouts still processing; upload it in PayPal Payouts, then mark each payout paid (or failed) here.</p>
      </section>
      <section class="card">
        <h2>All payouts</h2>
        <PayoutsTable rows={props.payouts} />
        <Pager base="/payouts" params={{ mode }} page={props.page} pages={props.pages} total={props.total} />
        <CsvLink href="/payouts.csv" params={{ mode }} />
      </section>
    </Layout>
  );
}
