import { Layout } from '../layout';
import type { PageContext } from '../context';
import { MoneyList } from '../components/money';
import { CsvLink, Pager } from '../components/pager';
import type { PartnerPage } from '../../../server/dashboard/service';
import type { PartnerSort } from '../../../server/dashboard/stats';
import { STATUS_BADGE } from './partners';
import { PeriodForm, periodParams } from './dashboard-period';

const COLUMNS: { sort?: PartnerSort; label: string; num: boolean }[] = [
  { label: 'Partner', num: false },
  { sort: 'clicks', label: 'Clicks', num: true },
  { sort: 'customers', label: 'Customers', num: true },
  { sort: 'sales', label: 'Sales', num: true },
  { sort: 'revenue', label: 'Revenue', num: true },
  { sort: 'earnings', label: 'Earnings', num: true },
];

/** Every partner with their numbers for the period, 50 a page, sortable by earnings (program currency) and more. */
export function PartnerPerformancePage(props: { ctx: PageContext; data: PartnerPage; sort: PartnerSort }) {
  const o = props.data;
  const params = periodParams(o);
  const link = (sort: PartnerSort) => `/dashboard/partners?${new URLSearchParams({ ...(Object.fromEntries(Object.entries(params).filter(([, v]) => v)) as Record<string, string>), sort }).toString()}`;
  return (
    <Layout ctx={props.ctx} title="Partner performance">
      <h1>Partner performance</h1>
      <p class="muted">
        Money columns sort by the program currency ({o.currency.toUpperCase()}). Earnings are net commissions (owed and paid) on sales in the period. <a href="/partners">Manage partners</a>
      </p>
      <PeriodForm action="/dashboard/partners" overview={o} extra={{ sort: props.sort }} />
      {o.partners.length === 0 ? (
        <p class="muted">No partners yet. Add one, import a CSV, or share your application page from the Partners page.</p>
      ) : (
        <table class="table" id="performance">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th scope="col" class={c.num ? 'num' : undefined} aria-sort={c.sort === props.sort ? 'descending' : undefined}>
                  {c.sort ? c.sort === props.sort ? `${c.label} ↓` : <a href={link(c.sort)}>{c.label}</a> : c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {o.partners.map((p) => (
              <tr data-partner={p.partnerId}>
                <td>
                  <a href={`/partners/${p.partnerId}`}>{p.name}</a> <span class={STATUS_BADGE[p.status]}>{p.status}</span>
                </td>
                <td class="num">{p.clicks}</td>
                <td class="num">{p.customers}</td>
                <td class="num">{p.sales}</td>
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
      )}
      <Pager base="/dashboard/partners" params={{ ...params, sort: props.sort }} page={o.page} pages={o.pages} total={o.total} />
      <CsvLink href="/dashboard/partners.csv" params={{ ...params, sort: props.sort }} />
    </Layout>
  );
}
