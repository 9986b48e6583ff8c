import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf, Field, FormErrors, Select } from '../components/form';

/** Links between the attribution settings pages. */
export function AttributionNav(props: { current: 'rules' | 'promotion-codes' | 'import' }) {
  const link = (href: string, key: typeof props.current, label: string) => (
    <a href={href} aria-current={props.current === key ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <p class="subnav">
      {link('/settings/product-rules', 'rules', 'Product rules')}
      {link('/settings/promotion-codes', 'promotion-codes', 'Promotion codes')}
      {link('/settings/import-referrals', 'import', 'Import referred customers')}
      <a href="/stripe">Backfill (Stripe page)</a>
    </p>
  );
}

export interface ProductRuleView {
  id: string;
  matchType: 'product' | 'price';
  matchId: string;
  action: 'exclude' | 'rate';
  rate: string | null;
  createdAt: string;
}

export type ProductRuleValues = { matchType: string; matchId: string; action: string; rate: string };

export function ProductRulesPage(props: { ctx: PageContext; rules: ProductRuleView[]; canEdit: boolean; values?: ProductRuleValues; errors?: Record<string, string> }) {
  const e = props.errors ?? {};
  const v = props.values ?? { matchType: 'product', matchId: '', action: 'exclude', rate: '' };
  return (
    <Layout ctx={props.ctx} title="Product rules">
      <h1>Product rules</h1>
      <AttributionNav current="rules" />
      <p class="muted">
        Exclude a Stripe product or price from commissions, or give it its own rate. Rules apply to each line of an invoice or Checkout Session: excluded lines earn
        nothing, a line with its own rate earns that rate, other lines earn the program rate. A partner’s own override replaces product rates, but never an
        exclusion. A price rule wins over a rule on its product. Rules apply to sales recorded after the change.
      </p>
      <table class="table">
        <thead>
          <tr>
            <th>Applies to</th>
            <th>Stripe id</th>
            <th>Rule</th>
            <th>Added</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.rules.length === 0 ? (
            <tr>
              <td colSpan={5} class="muted">
                No product rules: every line earns the program rate.
              </td>
            </tr>
          ) : null}
          {props.rules.map((r) => (
            <tr>
              <td>{r.matchType}</td>
              <td>
                <code>{r.matchId}</code>
              </td>
              <td>{r.action === 'exclude' ? 'Excluded: earns nothing' : `Own rate: ${r.rate}%`}</td>
              <td>{r.createdAt.slice(0, 10)}</td>
              <td>
                {props.canEdit ? (
                  <form method="post" action={`/settings/product-rules/${r.id}/delete`} class="inline">
                    <Csrf token={props.ctx.csrfToken} />
                    <button type="submit" class="danger" aria-label={`Remove the rule for ${r.matchId}`}>
                      Remove
                    </button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.canEdit ? (
        <section class="card">
          <h2>Add a rule</h2>
          <FormErrors errors={e} />
          <form method="post" action="/settings/product-rules" class="stack" novalidate>
            <Csrf token={props.ctx.csrfToken} />
            <Select
              name="matchType"
              label="Applies to"
              value={v.matchType}
              error={e.matchType}
              options={[
                { value: 'product', label: 'A product (all its prices)' },
                { value: 'price', label: 'One price' },
              ]}
            />
            <Field name="matchId" label="Stripe id" value={v.matchId} error={e.matchId} hint="prod_… or price_…, from the Stripe dashboard." maxLength={200} required />
            <Select
              name="action"
              label="Rule"
              value={v.action}
              error={e.action}
              options={[
                { value: 'exclude', label: 'Exclude: its lines earn nothing' },
                { value: 'rate', label: 'Its own rate' },
              ]}
            />
            <Field name="rate" label="Rate (%)" value={v.rate} error={e.rate} hint="For “its own rate” only, e.g. 10 or 12.5." maxLength={10} />
            <button type="submit" class="primary">
              Add rule
            </button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

export interface PromotionCodeView {
  promotionCodeId: string;
  code: string | null;
  partnerId: string;
  partnerName: string;
  partnerCode: string;
  createdAt: string;
}

export type PromotionCodeValues = { promotionCodeId: string; code: string; partner: string };

export function PromotionCodesPage(props: { ctx: PageContext; rows: PromotionCodeView[]; canEdit: boolean; values?: PromotionCodeValues; errors?: Record<string, string> }) {
  const e = props.errors ?? {};
  const v = props.values ?? { promotionCodeId: '', code: '', partner: '' };
  return (
    <Layout ctx={props.ctx} title="Promotion codes">
      <h1>Promotion codes</h1>
      <AttributionNav current="promotion-codes" />
      <p class="muted">
        Map a Stripe promotion code to a partner: a Checkout Session or invoice that used the code, and carries no referral value of this program, is credited to
        that partner and binds the customer to them.
      </p>
      <table class="table">
        <thead>
          <tr>
            <th>Code</th>
            <th>Stripe id</th>
            <th>Partner</th>
            <th>Added</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? (
            <tr>
              <td colSpan={5} class="muted">
                No promotion codes mapped yet.
              </td>
            </tr>
          ) : null}
          {props.rows.map((r) => (
            <tr>
              <td>{r.code ?? '—'}</td>
              <td>
                <code>{r.promotionCodeId}</code>
              </td>
              <td>
                <a href={`/partners/${r.partnerId}`}>{r.partnerName}</a> ({r.partnerCode})
              </td>
              <td>{r.createdAt.slice(0, 10)}</td>
              <td>
                {props.canEdit ? (
                  <form method="post" action={`/settings/promotion-codes/${encodeURIComponent(r.promotionCodeId)}/delete`} class="inline">
                    <Csrf token={props.ctx.csrfToken} />
                    <button type="submit" class="danger" aria-label={`Remove the mapping of ${r.promotionCodeId}`}>
                      Remove
                    </button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.canEdit ? (
        <section class="card">
          <h2>Map a promotion code</h2>
          <FormErrors errors={e} />
          <form method="post" action="/settings/promotion-codes" class="stack" novalidate>
            <Csrf token={props.ctx.csrfToken} />
            <Field name="promotionCodeId" label="Promotion code id" value={v.promotionCodeId} error={e.promotionCodeId} hint="promo_…, from Stripe’s Products › Coupons page." maxLength={210} required />
            <Field name="code" label="Code customers type" value={v.code} error={e.code} hint="Optional, e.g. JANE10; shown in this list." maxLength={100} />
            <Field name="partner" label="Partner" value={v.partner} error={e.partner} hint="The partner’s code, email or id." maxLength={254} required />
            <button type="submit" class="primary">
              Map code
            </button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}
