import { Layout } from '../layout';
import type { PageContext } from '../context';
import { LineChart } from '../components/chart';
import { Money, MoneyList } from '../components/money';
import { formatMoney } from '../../../server/lib/money';
import type { Overview } from '../../../server/dashboard/service';
import type { ChecklistStep } from '../../../server/dashboard/checklist';
import type { IntegrationCheck } from '../../../server/dashboard/integration';
import { PeriodForm, periodParams } from './dashboard-period';
import { CheckoutSnippet, SnippetTag } from './dashboard-snippets';

const count = (n: number) => n.toLocaleString('en-US');

function GettingStarted(props: { steps: ChecklistStep[]; publicUrl: string; publicId: string }) {
  const remaining = props.steps.filter((s) => !s.done).length;
  return (
    <section class="card" aria-labelledby="getting-started">
      <h2 id="getting-started">Getting started</h2>
      <p class="muted">
        {props.steps.length - remaining} of {props.steps.length} done. This list goes away once every step is done.
      </p>
      <ol class="checklist">
        {props.steps.map((s) => (
          <li class={s.done ? 'done' : ''}>
            {s.done ? '✓ ' : ''}
            <a href={s.href}>{s.label}</a>
          </li>
        ))}
      </ol>
      <details id="snippet" open={!props.steps.find((s) => s.key === 'snippet')?.done}>
        <summary>Add the tracking snippet</summary>
        <p>
          Put this tag on every page of your site. It keeps the referral of visitors who arrive through a partner link, in the first-party cookie <code>refcut_ref</code>.
        </p>
        <SnippetTag publicUrl={props.publicUrl} publicId={props.publicId} />
        <p class="muted">Done once a visit is recorded through it, or a sale carries a click id (clk_…).</p>
      </details>
      <details id="checkout" open={!props.steps.find((s) => s.key === 'checkout')?.done}>
        <summary>Pass the referral into Stripe Checkout</summary>
        <CheckoutSnippet />
        <p class="muted">Done once a sale arrives from Stripe carrying a referral value. The integration check below shows which recent payments did not.</p>
      </details>
    </section>
  );
}

function Integration(props: { check: IntegrationCheck; mode: string }) {
  const c = props.check;
  return (
    <section class="card" aria-labelledby="integration">
      <h2 id="integration">Integration check</h2>
      {c.checked === 0 ? (
        <p class="muted">No paid Checkout Sessions or invoices in the last 30 days yet. Once Stripe sends some, this shows how many carried a referral.</p>
      ) : (
        <p>
          <strong data-share={c.share}>{c.share}%</strong> of the paid Checkout Sessions and invoices of the last 30 days carried a referral value ({c.withReferral} of {c.checked}).{' '}
          {c.missing.length > 0 ? <a href={`/dashboard/integration?mode=${props.mode}`}>See the {c.missing.length} without one</a> : 'Every one of them did.'}
        </p>
      )}
    </section>
  );
}

function DailyTable(props: { overview: Overview }) {
  const o = props.overview;
  const currencies = o.currencies.map((c) => c.currency);
  return (
    <details>
      <summary>The same numbers as a table</summary>
      <table class="table" id="daily-table">
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th class="num" scope="col">Clicks</th>
            <th class="num" scope="col">Sales</th>
            {currencies.map((c) => (
              <th class="num" scope="col">Revenue ({c.toUpperCase()})</th>
            ))}
            {currencies.map((c) => (
              <th class="num" scope="col">Commissions ({c.toUpperCase()})</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {o.series.map((p) => (
            <tr>
              <td>{p.day}</td>
              <td class="num">{count(p.clicks)}</td>
              <td class="num">{count(p.sales)}</td>
              {currencies.map((c) => (
                <td class="num">
                  <Money amount={p.revenue[c] ?? 0} currency={c} />
                </td>
              ))}
              {currencies.map((c) => (
                <td class="num">
                  <Money amount={p.commissions[c] ?? 0} currency={c} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function TopPartners(props: { overview: Overview; limit: number }) {
  const o = props.overview;
  const active = o.partners.filter((p) => p.clicks + p.customers + p.sales > 0 || p.money.length > 0).slice(0, props.limit);
  if (active.length === 0) return <p class="muted">No partner activity in this period. Partners appear here once their links get clicks or their customers pay.</p>;
  return (
    <table class="table" id="top-partners">
      <thead>
        <tr>
          <th scope="col">Partner</th>
          <th class="num" scope="col">Clicks</th>
          <th class="num" scope="col">Customers</th>
          <th class="num" scope="col">Sales</th>
          <th class="num" scope="col">Revenue</th>
          <th class="num" scope="col">Commissions</th>
        </tr>
      </thead>
      <tbody>
        {active.map((p) => (
          <tr>
            <td>
              <a href={`/partners/${p.partnerId}`}>{p.name}</a>
            </td>
            <td class="num">{count(p.clicks)}</td>
            <td class="num">{count(p.customers)}</td>
            <td class="num">{count(p.sales)}</td>
            <td class="num">
              <MoneyList amounts={p.money.map((m) => ({ amount: m.revenue, currency: m.currency }))} />
            </td>
            <td class="num">
              <MoneyList amounts={p.money.map((m) => ({ amount: m.owed + m.paid, currency: m.currency }))} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DashboardPage(props: {
  ctx: PageContext;
  overview: Overview;
  steps: ChecklistStep[];
  check: IntegrationCheck;
  publicUrl: string;
  publicId: string;
}) {
  const o = props.overview;
  const labels = o.series.map((p) => p.day);
  const params = periodParams(o);
  const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v) as [string, string][]).toString();
  const quiet = o.clicks === 0 && o.customers === 0 && o.currencies.length === 0;
  return (
    <Layout ctx={props.ctx} title="Overview">
      <h1>{props.ctx.merchant?.name}</h1>
      {props.steps.some((s) => !s.done) ? <GettingStarted steps={props.steps} publicUrl={props.publicUrl} publicId={props.publicId} /> : null}
      <PeriodForm action="/dashboard" overview={o} />
      <section class="kpis" aria-label="Totals">
        <div class="kpi">
          <span class="kpi-label">Clicks</span>
          <strong id="kpi-clicks">{count(o.clicks)}</strong>
        </div>
        <div class="kpi">
          <span class="kpi-label">Leads</span>
          <strong id="kpi-leads">{count(o.leads)}</strong>
        </div>
        <div class="kpi">
          <span class="kpi-label">New customers</span>
          <strong id="kpi-customers">{count(o.customers)}</strong>
        </div>
      </section>
      {o.currencies.length === 0 ? (
        <p class="muted">No referred sales in this period{o.mode === 'test' ? ' (test mode)' : ''}. Sales appear here once a customer referred by a partner pays through Stripe or your API.</p>
      ) : (
        <table class="table" id="per-currency">
          <caption class="sr-only">Sales and commissions per currency</caption>
          <thead>
            <tr>
              <th scope="col">Currency</th>
              <th class="num" scope="col">Sales</th>
              <th class="num" scope="col">Revenue</th>
              <th class="num" scope="col">Commissions owed</th>
              <th class="num" scope="col">Commissions paid</th>
            </tr>
          </thead>
          <tbody>
            {o.currencies.map((c) => (
              <tr data-currency={c.currency}>
                <td>{c.currency.toUpperCase()}</td>
                <td class="num">{count(c.sales)}</td>
                <td class="num">
                  <Money amount={c.revenue} currency={c.currency} />
                </td>
                <td class="num">
                  <Money amount={c.owed} currency={c.currency} />
                </td>
                <td class="num">
                  <Money amount={c.paid} currency={c.currency} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section class="card" aria-labelledby="trends">
        <h2 id="trends">Day by day</h2>
        {quiet ? <p class="muted">Nothing happened in this period yet: share a partner's link and the first clicks show up here.</p> : null}
        <div class="charts">
          <LineChart
            id="chart-traffic"
            title="Clicks and sales per day"
            desc={`Clicks and sales per day from ${o.range.from} to ${o.range.to}: ${count(o.clicks)} clicks and ${count(o.currencies.reduce((s, c) => s + c.sales, 0))} sales in total.`}
            labels={labels}
            series={[
              { name: 'Clicks', values: o.series.map((p) => p.clicks), tone: 'a' },
              { name: 'Sales', values: o.series.map((p) => p.sales), tone: 'b' },
            ]}
            format={count}
          />
          {o.currencies.map((c) => (
            <LineChart
              id={`chart-money-${c.currency}`}
              title={`Revenue and commissions per day in ${c.currency.toUpperCase()}`}
              desc={`Revenue ${formatMoney(c.revenue, c.currency)} and commissions ${formatMoney(c.owed + c.paid, c.currency)} from ${o.range.from} to ${o.range.to}.`}
              labels={labels}
              series={[
                { name: 'Revenue', values: o.series.map((p) => p.revenue[c.currency] ?? 0), tone: 'c' },
                { name: 'Commissions', values: o.series.map((p) => p.commissions[c.currency] ?? 0), tone: 'd' },
              ]}
              format={(n) => formatMoney(n, c.currency)}
            />
          ))}
        </div>
        <DailyTable overview={o} />
        <p>
          <a href={`/dashboard/daily.csv?${qs}`} download>
            Download the daily numbers (CSV)
          </a>
        </p>
      </section>
      <section class="card" aria-labelledby="top">
        <h2 id="top">Top partners</h2>
        <TopPartners overview={o} limit={10} />
        <p>
          <a href={`/dashboard/partners?${qs}`}>All partners by performance</a> · <a href={`/customers?mode=${o.mode}`}>Referred customers</a> · <a href="/notifications">Email outbox</a>
        </p>
      </section>
      <Integration check={props.check} mode={o.mode} />
    </Layout>
  );
}
