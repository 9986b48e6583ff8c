// Partner portal: payouts and statements (the partner's own rows only).
import { PortalLayout, portalBase, type PortalContext } from '../portal-layout';
import { StatusBadge } from './commissions';
import { Money } from '../components/money';
import { StatementTable } from './payouts-detail';
import type { MonthStatement, PayoutStatement } from '../../../server/payouts/statements';
import { ModeNote } from './portal';

export interface PortalPayoutRow {
  id: string;
  amount: number;
  currency: string;
  status: string;
  paidOn: string | null;
  createdAt: string;
  recipient: string;
}

export function PortalPayoutsPage(props: { ctx: PortalContext; livemode: number; payouts: PortalPayoutRow[]; months: string[]; payoutEmail: string }) {
  const base = portalBase(props.ctx);
  return (
    <PortalLayout ctx={props.ctx} title="Payouts & statements">
      <h1>Payouts & statements</h1>
      <ModeNote livemode={props.livemode} />
      <p class="muted">
        Payouts go to <strong>{props.payoutEmail}</strong> (<a href={`${base}/settings`}>change</a>).
      </p>
      <section class="card">
        <h2>Payouts</h2>
        {props.payouts.length === 0 ? (
          <p class="muted">No payouts yet: approved commissions are paid in {props.ctx.program.name}’s next payout run.</p>
        ) : (
          <table class="table" id="payouts">
            <thead>
              <tr>
                <th>Created</th>
                <th>Payout</th>
                <th class="num">Amount</th>
                <th>Status</th>
                <th>Paid on</th>
                <th>Statement</th>
              </tr>
            </thead>
            <tbody>
              {props.payouts.map((p) => (
                <tr data-payout={p.id}>
                  <td>{p.createdAt.slice(0, 10)}</td>
                  <td>
                    <a href={`${base}/payouts/${p.id}`}>
                      <code>{p.id}</code>
                    </a>
                  </td>
                  <td class="num">
                    <Money amount={p.amount} currency={p.currency} />
                  </td>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td>{p.paidOn ?? '—'}</td>
                  <td>
                    <a href={`${base}/payouts/${p.id}/statement.csv`}>CSV</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card">
        <h2>Monthly statements</h2>
        {props.months.length === 0 ? (
          <p class="muted">No statements yet.</p>
        ) : (
          <ul>
            {props.months.map((m) => (
              <li>
                <a href={`${base}/statements/${m}`}>{m}</a> · <a href={`${base}/statements/${m}/statement.csv`}>CSV</a>
              </li>
            ))}
          </ul>
        )}
      </section>
    </PortalLayout>
  );
}

export function PortalPayoutPage(props: { ctx: PortalContext; statement: PayoutStatement }) {
  const { payout } = props.statement;
  const base = portalBase(props.ctx);
  return (
    <PortalLayout ctx={props.ctx} title={`Payout ${payout.id}`}>
      <p>
        <a href={`${base}/payouts`}>← Payouts & statements</a>
      </p>
      <h1>
        Payout <code>{payout.id}</code> <StatusBadge status={payout.status} />
      </h1>
      <section class="card">
        <dl class="facts">
          <dt>Amount</dt>
          <dd>
            <Money amount={payout.amount} currency={payout.currency} />
          </dd>
          <dt>Sent to</dt>
          <dd>{payout.recipient}</dd>
          {payout.status === 'paid' ? (
            <>
              <dt>Paid on</dt>
              <dd>
                {payout.paidOn} (reference <code>{payout.externalReference}</code>)
              </dd>
            </>
          ) : null}
          {payout.status === 'failed' ? (
            <>
              <dt>Failed</dt>
              <dd>{payout.failureReason} (its commissions are paid in a later payout)</dd>
            </>
          ) : null}
        </dl>
        <p>
          <a href={`${base}/payouts/${payout.id}/statement.csv`}>Download the statement as CSV</a>
        </p>
      </section>
      <section class="card">
        <h2>Commissions in this payout</h2>
        <StatementTable statement={props.statement} converted={props.statement.lines.some((l) => l.rateSource !== 'same_currency')} />
      </section>
    </PortalLayout>
  );
}

export function PortalMonthPage(props: { ctx: PortalContext; statement: MonthStatement }) {
  const s = props.statement;
  const base = portalBase(props.ctx);
  return (
    <PortalLayout ctx={props.ctx} title={`Statement ${s.month}`}>
      <p>
        <a href={`${base}/payouts`}>← Payouts & statements</a>
      </p>
      <h1>Statement for {s.month}</h1>
      <p>
        <a href={`${base}/statements/${s.month}/statement.csv`}>Download as CSV</a>
      </p>
      <section class="card">
        <h2>Commissions and reversals dated in {s.month} (UTC)</h2>
        <StatementTable statement={s} converted={false} />
      </section>
      <section class="card">
        <h2>Payouts paid in {s.month}</h2>
        {s.payouts.length === 0 ? (
          <p class="muted">None.</p>
        ) : (
          <ul>
            {s.payouts.map((p) => (
              <li>
                {p.paidOn}: <a href={`${base}/payouts/${p.id}`}>{p.id}</a> <Money amount={p.amount} currency={p.currency} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </PortalLayout>
  );
}
