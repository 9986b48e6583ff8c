import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf, Field, FormErrors } from '../components/form';
import { Money } from '../components/money';
import { PayoutsNav, type Mode } from './payouts';
import type { ExchangeRate } from '../../../server/payouts/store';
import type { NeedsRate } from '../../../server/payouts/service';

export function RatesPage(props: {
  ctx: PageContext;
  mode: Mode;
  currency: string;
  rates: ExchangeRate[];
  needsRate: NeedsRate[];
  canEdit: boolean;
  values?: Record<string, string>;
  errors?: Record<string, string>;
}) {
  const v = props.values ?? {};
  const missing = new Map<string, { from: string; to: string; earliest: string; rows: number }>();
  for (const n of props.needsRate) {
    const key = `${n.from}/${n.to}`;
    const m = missing.get(key);
    if (!m) missing.set(key, { from: n.from, to: n.to, earliest: n.date, rows: 1 });
    else {
      m.rows += 1;
      if (n.date < m.earliest) m.earliest = n.date;
    }
  }
  return (
    <Layout ctx={props.ctx} title="Exchange rates">
      <h1>Exchange rates</h1>
      <PayoutsNav ctx={props.ctx} mode={props.mode} base="/payouts/rates" />
      <p class="muted">
        Payouts are made in {props.currency.toUpperCase()}. A commission in another currency converts at the rate Stripe applied to the sale when your Stripe account settled it in{' '}
        {props.currency.toUpperCase()}; otherwise at the rate you enter here for that pair, effective from its date (UTC) until your next entry for the pair. Each row is converted once, exactly, and the
        rate is recorded on the payout.
      </p>
      <section class="card">
        <h2>Needs a rate</h2>
        {props.needsRate.length === 0 ? (
          <p class="muted">Every payable commission has a known rate.</p>
        ) : (
          <>
            <p>These approved commissions are not payable until there is a rate on or before their sale date:</p>
            <ul>
              {[...missing.values()].map((m) => (
                <li>
                  {m.from.toUpperCase()} → {m.to.toUpperCase()}: {m.rows} row{m.rows > 1 ? 's' : ''}, earliest sale {m.earliest}
                </li>
              ))}
            </ul>
            <table class="table">
              <thead>
                <tr>
                  <th>Sale date</th>
                  <th>Partner</th>
                  <th>Commission</th>
                  <th class="num">Amount</th>
                </tr>
              </thead>
              <tbody>
                {props.needsRate.map((n) => (
                  <tr>
                    <td>{n.date}</td>
                    <td>{n.partnerName}</td>
                    <td>
                      <a href={`/commissions/${n.row.id}`}>
                        <code>{n.row.id}</code>
                      </a>
                    </td>
                    <td class="num">
                      <Money amount={n.row.net} currency={n.row.currency} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      {props.canEdit ? (
        <section class="card">
          <h2>Enter a rate</h2>
          <FormErrors errors={props.errors} />
          <form method="post" action="/payouts/rates" class="grid-form">
            <Csrf token={props.ctx.csrfToken} />
            <input type="hidden" name="mode" value={props.mode} />
            <fieldset>
              <legend>Rate</legend>
              <Field name="fromCurrency" label="From (commission currency)" value={v.fromCurrency ?? ''} error={props.errors?.fromCurrency} maxLength={3} required />
              <Field name="toCurrency" label="Into (payout currency)" value={v.toCurrency ?? props.currency} error={props.errors?.toCurrency} maxLength={3} required />
              <Field name="effectiveOn" label="Effective from" type="date" value={v.effectiveOn ?? ''} error={props.errors?.effectiveOn} required />
              <Field name="rate" label="Rate (units of the payout currency per 1 unit)" value={v.rate ?? ''} error={props.errors?.rate} maxLength={40} hint="For example 1.0834 for EUR → USD." required />
            </fieldset>
            <button type="submit" class="primary">
              Save rate
            </button>
          </form>
        </section>
      ) : null}
      <section class="card">
        <h2>Your rates</h2>
        {props.rates.length === 0 ? (
          <p class="muted">No rates entered.</p>
        ) : (
          <table class="table">
            <thead>
              <tr>
                <th>Pair</th>
                <th>Effective from</th>
                <th class="num">Rate</th>
                <th>Last changed</th>
                {props.canEdit ? <th /> : null}
              </tr>
            </thead>
            <tbody>
              {props.rates.map((r) => (
                <tr>
                  <td>
                    {r.fromCurrency.toUpperCase()} → {r.toCurrency.toUpperCase()}
                  </td>
                  <td>{r.effectiveOn}</td>
                  <td class="num">{r.rate}</td>
                  <td>{r.updatedAt.slice(0, 10)}</td>
                  {props.canEdit ? (
                    <td>
                      <form method="post" action={`/payouts/rates/${r.id}/delete`} class="inline">
                        <Csrf token={props.ctx.csrfToken} />
                        <input type="hidden" name="mode" value={props.mode} />
                        <button type="submit" class="link">
                          Delete
                        </button>
                      </form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}
