import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf } from '../components/form';
import { CsvLink, Pager } from '../components/pager';
import { Money } from '../components/money';
import { formatMoney } from '../../../server/lib/money';
import type { CommissionListRow, CommissionStory, UnattributedRow } from '../../../server/commissions/queries';
import { CommissionActions } from './payouts-commission-actions';
import { CommissionLines } from './attribution-lines';

const STATUSES = ['pending', 'approved', 'on_hold', 'paid', 'rejected'] as const;

export function StatusBadge(props: { status: string }) {
  const tone = props.status === 'approved' || props.status === 'paid' ? 'ok' : props.status === 'rejected' ? 'bad' : props.status === 'on_hold' ? 'warn' : '';
  return <span class={`badge ${tone}`}>{props.status.replace('_', ' ')}</span>;
}

export function CommissionsPage(props: { ctx: PageContext; rows: CommissionListRow[]; status?: string; page: number; pages: number; total: number }) {
  return (
    <Layout ctx={props.ctx} title="Commissions">
      <h1>Commissions</h1>
      <p>
        <a href="/unattributed">Unattributed sales →</a>
      </p>
      <form method="get" action="/commissions" class="inline">
        <label for="status">Status </label>
        <select id="status" name="status">
          <option value="">All</option>
          {STATUSES.map((s) => (
            <option value={s} selected={props.status === s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>{' '}
        <button type="submit">Filter</button>
      </form>
      {props.rows.length === 0 ? (
        <p class="muted">No commissions yet. They appear when a referred customer pays through your connected Stripe account.</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Date</th>
              <th>Partner</th>
              <th>Sale</th>
              <th class="num">Commission</th>
              <th class="num">Fee</th>
              <th class="num">Partner gets</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td>{r.occurredAt.slice(0, 10)}</td>
                <td>
                  <a href={`/partners/${r.partnerId}`}>{r.partnerName}</a>
                </td>
                <td>
                  {r.kind === 'reversal' ? 'Reversal of ' : ''}
                  <Money amount={r.saleAmount} currency={r.saleCurrency} /> <small class="muted">{r.stripeObjectId ?? r.externalId}</small>
                </td>
                <td class="num">
                  <Money amount={r.amount} currency={r.currency} />
                </td>
                <td class="num">
                  <Money amount={r.fee} currency={r.currency} />
                </td>
                <td class="num">
                  <Money amount={r.net} currency={r.currency} />
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>
                  <a href={`/commissions/${r.id}`}>Explain</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager base="/commissions" params={{ status: props.status }} page={props.page} pages={props.pages} total={props.total} />
      <CsvLink href="/commissions.csv" params={{ status: props.status }} />
    </Layout>
  );
}

const REASONS: Record<string, string> = {
  no_referral_value: 'No referral value on the session, subscription, payment or customer',
  unknown_code: 'A referral value that matches no partner or click of this program',
  expired_click: 'The click was older than the cookie window',
  other_merchant_code: 'A referral value from another program',
  partner_not_active: 'The partner is not active',
};

export function CommissionExplainPage(props: { ctx: PageContext; story: CommissionStory; canEdit: boolean }) {
  const { credit, conversion, partner, reversals, changes, binding } = props.story;
  const ex = JSON.parse(credit.explanation) as {
    base: number;
    baseCurrency: string;
    paid: number;
    total: number | null;
    totalExcludingTax: number | null;
    rule: { type: 'percent'; bps: number } | { type: 'flat'; amount: number; currency: string };
    formula: string;
    computed: number;
    duration: { type: string; value: number | null; inside: boolean; reason?: string; earlierPayments: number };
    earning: { earns: boolean; reason?: string };
    platformFeeBps: number;
    referral: { value: string | null; foundIn: string | null; source?: string } | null;
  };
  const attribution = JSON.parse(conversion.attribution) as { via?: string; value?: string | null; foundIn?: string | null; source?: string };
  const rate = ex.rule.type === 'percent' ? `${ex.rule.bps / 100}% (${ex.rule.bps} basis points)` : `flat ${formatMoney(ex.rule.amount, ex.rule.currency)}`;
  const reversed = reversals.reduce((s, r) => s + r.amount, 0);
  return (
    <Layout ctx={props.ctx} title="Explain this commission">
      <h1>
        Commission {credit.id} <StatusBadge status={credit.status} />
      </h1>
      <section class="card">
        <h2>How it was computed</h2>
        <dl class="facts">
          <dt>Partner</dt>
          <dd>
            <a href={`/partners/${partner.id}`}>{partner.name}</a> ({partner.code})
          </dd>
          <dt>Sale</dt>
          <dd>
            {conversion.kind} <code>{conversion.stripeObjectId ?? conversion.externalId}</code> on {conversion.occurredAt.slice(0, 16).replace('T', ' ')} UTC, customer paid{' '}
            <Money amount={conversion.amountPaid} currency={conversion.currency} />
          </dd>
          <dt>Base (tax excluded)</dt>
          <dd>
            <Money amount={ex.base} currency={ex.baseCurrency} />
            {ex.total !== null ? (
              <small class="muted">
                {' '}
                invoice total {formatMoney(ex.total, ex.baseCurrency)}, excluding tax {formatMoney(ex.totalExcludingTax ?? 0, ex.baseCurrency)}, paid {formatMoney(ex.paid, ex.baseCurrency)}
              </small>
            ) : null}
          </dd>
          <dt>Rate</dt>
          <dd>{rate}</dd>
          <dt>Rounding</dt>
          <dd>{ex.formula}</dd>
          <dt>Commission</dt>
          <dd>
            <Money amount={credit.amount} currency={credit.currency} />
          </dd>
          <dt>Platform fee</dt>
          <dd>
            {ex.platformFeeBps / 100}% → <Money amount={credit.fee} currency={credit.currency} />; the partner is owed <Money amount={credit.net} currency={credit.currency} />
          </dd>
          <dt>Duration</dt>
          <dd>
            {ex.duration.type}
            {ex.duration.value ? ` (${ex.duration.value})` : ''}: {ex.duration.inside ? `inside (${ex.duration.earlierPayments} earlier payments)` : ex.duration.reason}
          </dd>
          <dt>Earning</dt>
          <dd>{ex.earning.earns ? 'yes' : ex.earning.reason}</dd>
          <dt>Referral</dt>
          <dd>
            {attribution.via === 'binding' ? 'Customer bound to the partner earlier' : attribution.via === 'manual' ? 'Assigned by hand' : 'Found on this sale'}
            {binding ? (
              <>
                {' '}
                — value <code>{binding.referralValue ?? '—'}</code> found in <code>{binding.foundIn ?? '—'}</code> ({binding.source}, {binding.createdAt.slice(0, 10)})
              </>
            ) : ex.referral ? (
              <>
                {' '}
                — value <code>{ex.referral.value ?? '—'}</code> found in <code>{ex.referral.foundIn ?? '—'}</code>
              </>
            ) : null}
          </dd>
          <dt>Pending until</dt>
          <dd>{credit.holdUntil.slice(0, 10)} (holding period from the payment time)</dd>
          <dt>Caused by</dt>
          <dd>
            {credit.causeType} <code>{credit.causeId}</code>
          </dd>
        </dl>
      </section>
      <CommissionLines explanation={credit.explanation} currency={conversion.currency} />
      <section class="card">
        <h2>Reversals</h2>
        {reversals.length === 0 ? (
          <p class="muted">None.</p>
        ) : (
          <table class="table">
            <tbody>
              {reversals.map((r) => (
                <tr>
                  <td>{r.createdAt.slice(0, 10)}</td>
                  <td>{r.statusReason}</td>
                  <td class="num">
                    <Money amount={r.amount} currency={r.currency} />
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p>
          Left after reversals: <Money amount={credit.amount + reversed} currency={credit.currency} />
        </p>
      </section>
      <section class="card">
        <h2>Status history</h2>
        {changes.length === 0 ? (
          <p class="muted">Created as {credit.status}.</p>
        ) : (
          <ul>
            {changes.map((c) => (
              <li>
                {c.createdAt.slice(0, 16).replace('T', ' ')}: {c.fromStatus} → {c.toStatus} by {c.actor}
                {c.reason ? ` (${c.reason})` : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
      {props.canEdit ? <CommissionActions ctx={props.ctx} commission={credit} /> : null}
      {binding && props.canEdit ? (
        <section class="card">
          <h2>Re-bind this customer</h2>
          <p class="muted">Future payments of this customer will earn for the partner you choose. Existing commissions stay as they are.</p>
          <form method="post" action={`/customers/${binding.id}/rebind`} class="inline">
            <Csrf token={props.ctx.csrfToken} />
            <label for="rebind-partner">Partner id or code </label>
            <input id="rebind-partner" name="partner" maxLength={60} required />{' '}
            <button type="submit">Re-bind</button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

export function UnattributedPage(props: { ctx: PageContext; rows: UnattributedRow[]; page: number; pages: number; total: number; canEdit: boolean }) {
  return (
    <Layout ctx={props.ctx} title="Unattributed sales">
      <h1>Unattributed sales</h1>
      <p class="muted">Paid sales of your connected Stripe account that no partner referred, and why. Assign one to credit its partner as if the referral had been there; the customer’s renewals follow.</p>
      {props.rows.length === 0 ? (
        <p class="muted">Nothing here: every recorded sale has a partner, or no sale has been recorded yet.</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Date</th>
              <th>Sale</th>
              <th>Customer</th>
              <th class="num">Amount</th>
              <th>Why</th>
              {props.canEdit ? <th>Assign</th> : null}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td>{r.occurredAt.slice(0, 10)}</td>
                <td>
                  <code>{r.stripeObjectId ?? r.externalId}</code>
                </td>
                <td>{r.customerEmail ?? r.stripeCustomerId ?? '—'}</td>
                <td class="num">
                  <Money amount={r.amount} currency={r.currency} />
                </td>
                <td>{REASONS[r.unattributedReason ?? 'no_referral_value']}</td>
                {props.canEdit ? (
                  <td>
                    <form method="post" action={`/conversions/${r.id}/assign`} class="inline">
                      <Csrf token={props.ctx.csrfToken} />
                      <input name="partner" aria-label={`Partner for ${r.stripeObjectId ?? r.id}`} placeholder="partner code or id" maxLength={60} required />{' '}
                      <button type="submit">Assign</button>
                    </form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager base="/unattributed" params={{}} page={props.page} pages={props.pages} total={props.total} />
      <CsvLink href="/unattributed.csv" />
    </Layout>
  );
}
