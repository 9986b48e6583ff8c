import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Select } from '../components/form';
import { AttributionNav } from './attribution-rules';

export interface ImportResultView {
  format: string;
  mode: string;
  bound: number;
  alreadyBound: number;
  partnersCreated: number;
  failed: { line: number; label: string; reason: string }[];
  notes: { line: number; label: string; note: string }[];
}

const FORMAT_NAMES: Record<string, string> = { generic: 'generic', rewardful: 'Rewardful', firstpromoter: 'FirstPromoter' };

function LineTable(props: { rows: { line: number; label: string; text: string }[]; heading: string }) {
  return (
    <table class="table">
      <thead>
        <tr>
          <th class="num">Line</th>
          <th>Customer or partner</th>
          <th>{props.heading}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            <td class="num">{r.line}</td>
            <td>{r.label}</td>
            <td>{r.text}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ImportReferralsPage(props: { ctx: PageContext; mode: 'live' | 'test'; maxRows: number; maxKb: number; result?: ImportResultView; error?: string }) {
  const r = props.result;
  return (
    <Layout ctx={props.ctx} title="Import referred customers">
      <h1>Import referred customers</h1>
      <AttributionNav current="import" />
      {props.error ? (
        <p class="flash error" role="alert">
          {props.error}
        </p>
      ) : null}
      {r ? (
        <section class="card" aria-live="polite">
          <h2>Result</h2>
          <p>
            {FORMAT_NAMES[r.format] ?? r.format} format, {r.mode} mode: <strong>{r.bound}</strong> customers bound · <strong>{r.alreadyBound}</strong> already bound (left
            unchanged) · <strong>{r.partnersCreated}</strong> partners created · <strong>{r.failed.length}</strong> failed
          </p>
          {r.failed.length > 0 ? <LineTable heading="Why it failed" rows={r.failed.map((f) => ({ line: f.line, label: f.label, text: f.reason }))} /> : null}
          {r.notes.length > 0 ? <LineTable heading="Note" rows={r.notes.map((n) => ({ line: n.line, label: n.label, text: n.note }))} /> : null}
        </section>
      ) : null}
      <section class="card">
        <p>
          Moving from another tool? Upload its export and each customer is bound to their partner: their next payments earn for that partner, exactly as if they had
          come through a referral link. Customers already bound here are left unchanged, so importing a file twice is safe. Up to {props.maxRows} rows and{' '}
          {props.maxKb} KB per file.
        </p>
        <ul>
          <li>
            <strong>Generic</strong>: <code>customer_id</code> (a Stripe <code>cus_…</code> id, or your own customer id as sent to the API), <code>partner_email</code> or{' '}
            <code>partner_code</code>, and optionally <code>created_at</code> (when the customer was referred).
          </li>
          <li>
            <strong>Rewardful</strong>: <code>stripe_customer_id</code>, <code>first_name</code>, <code>last_name</code>, <code>email</code> (the affiliate’s),{' '}
            <code>paypal_email</code>, <code>token</code>. Affiliates missing here are created with their token as code. Without <code>stripe_customer_id</code>,
            only the affiliates are imported.
          </li>
          <li>
            <strong>FirstPromoter</strong>: <code>uid</code> (the customer), <code>email</code> (the customer’s), <code>promoter_email</code>, <code>ref_id</code>,{' '}
            <code>created_at</code>; promoters missing here are created when <code>promoter_first_name</code> and <code>promoter_last_name</code> are present.
          </li>
        </ul>
        {/* The CSRF token rides in the action URL: the multipart body is parsed only after the check. */}
        <form method="post" action={`/settings/import-referrals?_csrf=${encodeURIComponent(props.ctx.csrfToken)}`} enctype="multipart/form-data" class="stack">
          <Select
            name="mode"
            label="Ledger"
            value={props.mode}
            options={[
              { value: 'live', label: 'Live: real customers' },
              { value: 'test', label: 'Test: test-mode customers' },
            ]}
            hint="The mode of the Stripe account these customers live in."
          />
          <label for="f-file">CSV file</label>
          <input id="f-file" type="file" name="file" accept=".csv,text/csv" required />
          <button type="submit" class="primary">
            Import
          </button>
        </form>
      </section>
    </Layout>
  );
}
