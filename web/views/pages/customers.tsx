import { Layout } from '../layout';
import type { PageContext } from '../context';
import { LocalDate, MoneyList } from '../components/money';
import { CsvLink, Pager } from '../components/pager';
import type { CustomersPage as Data, PartnerCustomers } from '../../../server/customers/service';
import { SUBSCRIPTION_STATES } from '../../../server/customers/schema';

const STATE_BADGE: Record<string, string> = { active: 'badge ok', trialing: 'badge', past_due: 'badge warn', unpaid: 'badge bad', canceled: 'badge bad', none: 'badge' };
const STATE_LABEL: Record<string, string> = { active: 'active', trialing: 'trialing', past_due: 'past due', canceled: 'canceled', none: 'no subscription' };

function PartnerRow(props: { p: PartnerCustomers; total?: boolean }) {
  const { p } = props;
  const Cell = props.total ? 'th' : 'td';
  return (
    <tr data-partner={p.partnerId || 'total'} class={props.total ? 'total' : undefined}>
      <Cell scope={props.total ? 'row' : undefined}>{props.total ? p.name : <a href={`/partners/${p.partnerId}`}>{p.name}</a>}</Cell>
      <td class="num">{p.customers}</td>
      <td class="num">{p.active}</td>
      <td class="num">{p.trialing}</td>
      <td class="num">{p.pastDue}</td>
      <td class="num">{p.churned}</td>
      <td class="num">
        <MoneyList amounts={p.mrr} />
        {p.approximated > 0 ? <sup title={`${p.approximated} subscription(s) from their last paid invoice`}>*</sup> : null}
      </td>
    </tr>
  );
}

export function CustomersPage(props: { ctx: PageContext; page: Data; filter: { partner?: string; state?: string } }) {
  const d = props.page;
  const period = d.range.period === 'custom' ? { period: 'custom', from: d.range.from, to: d.range.to } : { period: d.range.period };
  const params = { mode: d.mode, ...period, partner: props.filter.partner, state: props.filter.state };
  return (
    <Layout ctx={props.ctx} title="Referred customers">
      <h1>Referred customers</h1>
      <p class="muted">
        Customers your partners brought, with the state of their Stripe subscriptions ({d.mode} mode). Churn counts subscriptions canceled from {d.range.from} to {d.range.to} ({d.timeZone}).
      </p>
      <form method="get" action="/customers" class="filters" aria-label="Filters">
        <label for="f-mode">Mode</label>
        <select id="f-mode" name="mode">
          <option value="live" selected={d.mode === 'live'}>
            Live
          </option>
          <option value="test" selected={d.mode === 'test'}>
            Test
          </option>
        </select>
        <label for="f-period">Churn period</label>
        <select id="f-period" name="period">
          {[
            ['7', 'Last 7 days'],
            ['30', 'Last 30 days'],
            ['90', 'Last 90 days'],
            ['custom', 'Custom'],
          ].map(([v, l]) => (
            <option value={v} selected={d.range.period === v}>
              {l}
            </option>
          ))}
        </select>
        <input type="date" name="from" value={d.range.from} aria-label="From" />
        <input type="date" name="to" value={d.range.to} aria-label="To" />
        <label for="f-state">Subscription</label>
        <select id="f-state" name="state">
          <option value="">Any</option>
          {SUBSCRIPTION_STATES.map((s) => (
            <option value={s} selected={props.filter.state === s}>
              {STATE_LABEL[s]}
            </option>
          ))}
        </select>
        {props.filter.partner ? <input type="hidden" name="partner" value={props.filter.partner} /> : null}
        <button type="submit">Show</button>
        {d.range.error ? (
          <p class="error" role="alert">
            {d.range.error}
          </p>
        ) : null}
      </form>
      {d.partners.length === 0 ? (
        <p class="muted">No referred customers yet. A customer is listed here once they pay (or start a trial) after following a partner's link, or when you assign one.</p>
      ) : (
        <>
          <table class="table" id="per-partner">
            <caption class="sr-only">Referred customers per partner</caption>
            <thead>
              <tr>
                <th scope="col">Partner</th>
                <th class="num" scope="col">Customers</th>
                <th class="num" scope="col">Active</th>
                <th class="num" scope="col">Trialing</th>
                <th class="num" scope="col">Past due</th>
                <th class="num" scope="col">Churned</th>
                <th class="num" scope="col">MRR</th>
              </tr>
            </thead>
            <tbody>
              {d.partners.map((p) => (
                <PartnerRow p={p} />
              ))}
            </tbody>
            <tfoot>
              <PartnerRow p={d.totals} total />
            </tfoot>
          </table>
          <p class="muted">
            MRR: active and past-due subscriptions, from their prices normalised to a month (yearly ÷ 12), before discounts and tax.
            {d.totals.approximated > 0 ? ' * Some subscriptions have tiered or metered prices: their MRR is their last paid invoice (tax excluded).' : ''}
          </p>
        </>
      )}
      <h2>Customers</h2>
      {d.rows.length === 0 ? (
        <p class="muted">{props.filter.partner || props.filter.state ? 'No customers match these filters.' : 'No referred customers in this mode yet.'}</p>
      ) : (
        <table class="table" id="customers">
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Partner</th>
              <th scope="col">Subscription</th>
              <th scope="col">Referred</th>
              <th scope="col">How</th>
            </tr>
          </thead>
          <tbody>
            {d.rows.map((r) => (
              <tr data-binding={r.id}>
                <td>
                  {r.customerEmail ?? r.customerName ?? <span class="muted">no email</span>}
                  <br />
                  <small class="muted">{r.stripeCustomerId ?? r.externalCustomerId}</small>
                </td>
                <td>
                  <a href={`/customers?${new URLSearchParams({ mode: d.mode, partner: r.partnerId }).toString()}`}>{r.partnerName}</a>
                </td>
                <td>
                  <span class={STATE_BADGE[r.state] ?? 'badge'} data-state={r.state}>
                    {STATE_LABEL[r.state] ?? r.state.replace('_', ' ')}
                  </span>
                  {r.subscriptions.length > 1 ? <small class="muted"> ({r.subscriptions.length} subscriptions)</small> : null}
                  {r.subscriptions.some((s) => s.cancelAtPeriodEnd === 1 && s.status !== 'canceled') ? <small class="muted"> · cancels at period end</small> : null}
                </td>
                <td>
                  <LocalDate iso={r.createdAt} timeZone={d.timeZone} />
                </td>
                <td>{r.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager base="/customers" params={params} page={d.page} pages={d.pages} total={d.total} />
      <CsvLink href="/customers.csv" params={{ mode: d.mode, partner: props.filter.partner, state: props.filter.state }} />
    </Layout>
  );
}
