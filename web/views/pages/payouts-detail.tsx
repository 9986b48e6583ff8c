import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf, Field, FormErrors } from '../components/form';
import { StatusBadge } from './commissions';
import { Money } from '../components/money';
import type { Statement, PayoutStatement } from '../../../server/payouts/statements';

const SOURCES: Record<string, string> = {
  same_currency: '—',
  stripe_balance_transaction: 'Stripe balance transaction',
  merchant: 'Your rate',
};

/** The lines of a statement with their totals (reused by the partner portal). */
export function StatementTable(props: { statement: Statement; converted: boolean }) {
  const { statement, converted } = props;
  if (statement.lines.length === 0) return <p class="muted">No commissions.</p>;
  return (
    <table class="table">
      <thead>
        <tr>
          <th>Date</th>
          <th>Commission</th>
          <th>Sale</th>
          <th>Status</th>
          {converted ? (
            <>
              <th class="num">Original</th>
              <th>Rate</th>
            </>
          ) : null}
          <th class="num">Amount</th>
        </tr>
      </thead>
      <tbody>
        {statement.lines.map((l) => (
          <tr>
            <td>{l.date}</td>
            <td>
              <code>{l.commissionId}</code> {l.kind === 'reversal' ? <small class="muted">reversal: {l.note}</small> : null}
            </td>
            <td>
              <code>{l.sale}</code>
            </td>
            <td>
              <StatusBadge status={l.status} />
            </td>
            {converted ? (
              <>
                <td class="num">
                  <Money amount={l.originalAmount} currency={l.originalCurrency} />
                </td>
                <td>{l.rateSource === 'same_currency' ? '—' : `${l.rate} (${SOURCES[l.rateSource] ?? l.rateSource}, ${l.rateDate})`}</td>
              </>
            ) : null}
            <td class="num">
              <Money amount={l.amount} currency={l.currency} />
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        {statement.totals.map((t) => (
          <tr>
            <th colSpan={converted ? 6 : 4}>Total {t.currency.toUpperCase()}</th>
            <th class="num">
              <Money amount={t.amount} currency={t.currency} />
            </th>
          </tr>
        ))}
      </tfoot>
    </table>
  );
}

export function PayoutDetailPage(props: { ctx: PageContext; statement: PayoutStatement; today: string; canEdit: boolean; errors?: Record<string, string>; values?: Record<string, string> }) {
  const { payout, partner } = props.statement;
  const v = props.values ?? {};
  return (
    <Layout ctx={props.ctx} title={`Payout ${payout.id}`}>
      <h1>
        Payout <code>{payout.id}</code> <StatusBadge status={payout.status} />
      </h1>
      <p>
        <a href={`/payouts?mode=${payout.livemode ? 'live' : 'test'}`}>← Payouts</a>
      </p>
      <section class="card">
        <dl class="facts">
          <dt>Partner</dt>
          <dd>
            <a href={`/partners/${partner.id}`}>{partner.name}</a> ({partner.email})
          </dd>
          <dt>Pay to</dt>
          <dd>{payout.recipient}</dd>
          <dt>Amount</dt>
          <dd>
            <Money amount={payout.amount} currency={payout.currency} />
          </dd>
          <dt>Method</dt>
          <dd>Manual (CSV export)</dd>
          <dt>Run</dt>
          <dd>
            <code>{payout.runId}</code> on {payout.createdAt.slice(0, 16).replace('T', ' ')} UTC
          </dd>
          {payout.status === 'paid' ? (
            <>
              <dt>Paid on</dt>
              <dd>
                {payout.paidOn}, reference <code>{payout.externalReference}</code>
              </dd>
            </>
          ) : null}
          {payout.status === 'failed' ? (
            <>
              <dt>Failed</dt>
              <dd>{payout.failureReason} (its commissions were released for the next run)</dd>
            </>
          ) : null}
        </dl>
      </section>
      {props.canEdit && payout.status === 'processing' ? (
        <section class="card">
          <h2>Settle this payout</h2>
          <FormErrors errors={props.errors} />
          <form method="post" action={`/payouts/${payout.id}/paid`} class="stack">
            <Csrf token={props.ctx.csrfToken} />
            <Field name="paidOn" label="Paid on" type="date" value={v.paidOn ?? props.today} error={props.errors?.paidOn} required />
            <Field name="externalReference" label="Reference of the transfer (PayPal batch or bank reference)" value={v.externalReference ?? ''} error={props.errors?.externalReference} maxLength={200} required />
            <div>
              <button type="submit" class="primary">
                Mark paid
              </button>
            </div>
          </form>
          <form method="post" action={`/payouts/${payout.id}/failed`} class="stack">
            <Csrf token={props.ctx.csrfToken} />
            <Field name="reason" label="Why it failed" value={v.reason ?? ''} error={props.errors?.reason} maxLength={500} required />
            <div>
              <button type="submit" class="danger">
                Mark failed (release its commissions)
              </button>
            </div>
          </form>
        </section>
      ) : null}
      <section class="card">
        <h2>Statement</h2>
        <p>
          <a href={`/payouts/${payout.id}/statement.csv`}>Download as CSV</a>
        </p>
        <StatementTable statement={props.statement} converted={true} />
      </section>
    </Layout>
  );
}
