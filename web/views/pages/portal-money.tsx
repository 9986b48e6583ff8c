// Partner portal: commissions and their reversals (the partner's own rows only).
import { PortalLayout, portalBase, type PortalContext } from '../portal-layout';
import { StatusBadge } from './commissions';
import { Money } from '../components/money';
import { Pager } from '../components/pager';
import { ModeNote } from './portal';

export interface PortalCommissionRow {
  id: string;
  kind: 'credit' | 'reversal';
  net: number;
  currency: string;
  status: string;
  statusReason: string | null;
  occurredAt: string;
  saleAmount: number;
  saleCurrency: string;
}

const KIND: Record<string, string> = { checkout: 'One-off purchase', invoice: 'Subscription or invoice', api_sale: 'Sale', manual: 'Sale (added by the merchant)' };

export function PortalCommissionsPage(props: { ctx: PortalContext; livemode: number; rows: PortalCommissionRow[]; page: number; pages: number; total: number }) {
  const base = portalBase(props.ctx);
  return (
    <PortalLayout ctx={props.ctx} title="Commissions">
      <h1>Commissions</h1>
      <ModeNote livemode={props.livemode} />
      <p class="muted">Every commission you earned, and every reversal (a refund or a lost dispute takes back its share). Pending commissions become approved after the holding period.</p>
      {props.rows.length === 0 ? (
        <p class="muted">No commissions yet.</p>
      ) : (
        <table class="table" id="commissions">
          <thead>
            <tr>
              <th>Date</th>
              <th>Commission</th>
              <th class="num">Sale</th>
              <th class="num">Your commission</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr data-commission={r.id}>
                <td>{r.occurredAt.slice(0, 10)}</td>
                <td>
                  <a href={`${base}/commissions/${r.id}`}>
                    <code>{r.id}</code>
                  </a>{' '}
                  {r.kind === 'reversal' ? <span class="badge bad">reversal</span> : null}
                </td>
                <td class="num">
                  <Money amount={r.saleAmount} currency={r.saleCurrency} />
                </td>
                <td class="num">
                  <Money amount={r.net} currency={r.currency} />
                </td>
                <td>
                  <StatusBadge status={r.status} />
                  {r.statusReason ? <small class="muted"> {r.statusReason}</small> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager base={`${base}/commissions`} params={{}} page={props.page} pages={props.pages} total={props.total} />
    </PortalLayout>
  );
}

export interface PortalCommissionView {
  credit: { id: string; amount: number; fee: number; net: number; currency: string; status: string; statusReason: string | null; holdUntil: string; occurredAt: string; rate: string };
  sale: { kind: string; amount: number; currency: string; occurredAt: string; customer: string };
  reversals: { id: string; net: number; currency: string; status: string; reason: string | null; occurredAt: string }[];
}

export function PortalCommissionPage(props: { ctx: PortalContext; view: PortalCommissionView }) {
  const { credit, sale, reversals } = props.view;
  const base = portalBase(props.ctx);
  return (
    <PortalLayout ctx={props.ctx} title={`Commission ${credit.id}`}>
      <p>
        <a href={`${base}/commissions`}>← Commissions</a>
      </p>
      <h1>
        Commission <code>{credit.id}</code> <StatusBadge status={credit.status} />
      </h1>
      <section class="card">
        <dl class="facts">
          <dt>Sale</dt>
          <dd>
            {KIND[sale.kind] ?? sale.kind} of <Money amount={sale.amount} currency={sale.currency} /> on {sale.occurredAt.slice(0, 10)} (tax excluded)
          </dd>
          <dt>Customer</dt>
          <dd>{sale.customer}</dd>
          <dt>Rate</dt>
          <dd>{credit.rate}</dd>
          <dt>Commission</dt>
          <dd>
            <Money amount={credit.amount} currency={credit.currency} />
            {credit.fee ? (
              <>
                {' '}
                − fee <Money amount={credit.fee} currency={credit.currency} /> = <strong><Money amount={credit.net} currency={credit.currency} /></strong>
              </>
            ) : null}
          </dd>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={credit.status} /> {credit.statusReason ?? ''}
            {credit.status === 'pending' ? <span class="muted"> (holding period until {credit.holdUntil.slice(0, 10)})</span> : null}
          </dd>
        </dl>
      </section>
      <section class="card">
        <h2>Reversals</h2>
        {reversals.length === 0 ? (
          <p class="muted">None.</p>
        ) : (
          <table class="table">
            <thead>
              <tr>
                <th>Date</th>
                <th>Reversal</th>
                <th>Why</th>
                <th class="num">Amount</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {reversals.map((r) => (
                <tr>
                  <td>{r.occurredAt.slice(0, 10)}</td>
                  <td>
                    <code>{r.id}</code>
                  </td>
                  <td>{r.reason ?? ''}</td>
                  <td class="num">
                    <Money amount={r.net} currency={r.currency} />
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </PortalLayout>
  );
}
