import { Layout } from '../layout';
import type { PageContext } from '../context';

export interface ImportOutcome {
  created: number;
  existing: number;
  failed: { line: number; email: string; reason: string }[];
}

export function PartnersImportPage(props: { ctx: PageContext; result?: ImportOutcome; error?: string; maxRows: number; maxKb: number }) {
  const r = props.result;
  return (
    <Layout ctx={props.ctx} title="Import partners">
      <p>
        <a href="/partners">← Partners</a>
      </p>
      <h1>Import partners from CSV</h1>
      {props.error ? (
        <p class="flash error" role="alert">
          {props.error}
        </p>
      ) : null}
      {r ? (
        <section class="card" aria-live="polite">
          <h2>Result</h2>
          <p>
            <strong>{r.created}</strong> created · <strong>{r.existing}</strong> already partners (left unchanged) · <strong>{r.failed.length}</strong> failed
          </p>
          {r.failed.length > 0 ? (
            <table class="table">
              <thead>
                <tr>
                  <th class="num">Line</th>
                  <th>Email</th>
                  <th>Why it failed</th>
                </tr>
              </thead>
              <tbody>
                {r.failed.map((f) => (
                  <tr>
                    <td class="num">{f.line}</td>
                    <td>{f.email}</td>
                    <td>{f.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      ) : null}
      <section class="card">
        <p>
          The first line is a header. Columns: <code>name</code>, <code>email</code> (required), <code>code</code>, <code>status</code> (active, pending, paused or banned; active when
          empty), <code>override</code> (<code>25%</code> for a percentage, <code>10.00</code> for a flat amount in the program currency; empty for the program default) and{' '}
          <code>payout_email</code>. Rows whose email already belongs to a partner are left unchanged, so importing a file twice is safe. Up to {props.maxRows} rows and {props.maxKb} KB per file.
        </p>
        {/* The CSRF token rides in the action URL: the multipart body is parsed only after the check. */}
        <form method="post" action={`/partners/import?_csrf=${encodeURIComponent(props.ctx.csrfToken)}`} enctype="multipart/form-data" class="stack">
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
