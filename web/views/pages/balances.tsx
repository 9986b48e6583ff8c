import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Money } from '../components/money';
import { Pager } from '../components/pager';
import { PayoutsNav, type Mode } from './payouts';
import { StatementTable } from './payouts-detail';
import type { Balance } from '../../../server/payouts/balances';
import type { MonthStatement } from '../../../server/payouts/statements';

export interface BalanceRow extends Balance {
  partnerId: string;
  partnerName: string;
}

/** Balance figures per currency (the partner portal shows the same component). */
export function BalanceCells(props: { b: Balance }) {
  const { b } = props;
  return (
    <>
      <td class="num">
        <Money amount={b.pending} currency={b.currency} />
      </td>
      <td class="num">
        <Money amount={b.onHold} currency={b.currency} />
      </td>
      <td class="num">
        <Money amount={b.approved} currency={b.currency} />
        {b.approved < 0 ? <small class="negative"> negative: refunds after a payout, netted from the next one</small> : null}
      </td>
      <td class="num">
        <Money amount={b.paid} currency={b.currency} />
      </td>
      <td class="num">
        <Money amount={b.earned} currency={b.currency} />
      </td>
    </>
  );
}

export function BalancesPage(props: { ctx: PageContext; mode: Mode; rows: BalanceRow[]; month: string; page: number; pages: number; total: number }) {
  return (
    <Layout ctx={props.ctx} title="Balances">
      <h1>Balances</h1>
      <PayoutsNav ctx={props.ctx} mode={props.mode} base="/balances" />
      <p class="muted">
        What each partner has earned, per currency, summed from the ledger (net of the platform fee). Pending commissions are in their holding period; approved ones are payable (including those in a payout
        still processing); earned = pending + on hold + approved + paid.
      </p>
      {props.rows.length === 0 ? (
        <p class="muted">No commissions yet.</p>
      ) : (
        <table class="table" id="balances">
          <thead>
            <tr>
              <th>Partner</th>
              <th>Currency</th>
              <th class="num">Pending</th>
              <th class="num">On hold</th>
              <th class="num">Approved</th>
              <th class="num">Paid</th>
              <th class="num">Earned</th>
              <th>Statement</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr data-partner={r.partnerId} data-currency={r.currency}>
                <td>
                  <a href={`/partners/${r.partnerId}`}>{r.partnerName}</a>
                </td>
                <td>{r.currency.toUpperCase()}</td>
                <BalanceCells b={r} />
                <td>
                  <a href={`/balances/${r.partnerId}/months/${props.month}?mode=${props.mode}`}>{props.month}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.total > 0 ? <Pager base="/balances" params={{ mode: props.mode }} page={props.page} pages={props.pages} total={props.total} /> : null}
    </Layout>
  );
}

export function MonthStatementPage(props: { ctx: PageContext; mode: Mode; statement: MonthStatement; prev: string; next: string }) {
  const s = props.statement;
  const q = `?mode=${props.mode}`;
  return (
    <Layout ctx={props.ctx} title={`Statement ${s.month} · ${s.partner.name}`}>
      <h1>
        {s.partner.name}: statement for {s.month}
      </h1>
      <p class="filters">
        <a href={`/balances${q}`}>← Balances</a>
        <a href={`/balances/${s.partner.id}/months/${props.prev}${q}`} rel="prev">
          {props.prev}
        </a>
        <a href={`/balances/${s.partner.id}/months/${props.next}${q}`} rel="next">
          {props.next}
        </a>
        <a href={`/balances/${s.partner.id}/months/${s.month}/statement.csv${q}`}>Download as CSV</a>
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
                {p.paidOn}: <a href={`/payouts/${p.id}`}>{p.id}</a> <Money amount={p.amount} currency={p.currency} /> (reference <code>{p.externalReference}</code>)
              </li>
            ))}
          </ul>
        )}
      </section>
    </Layout>
  );
}
