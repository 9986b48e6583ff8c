import { Layout } from '../layout';
import type { PageContext } from '../context';
import { LocalDate, Money } from '../components/money';
import type { IntegrationCheck } from '../../../server/dashboard/integration';
import { CheckoutSnippet } from './dashboard-snippets';

/** The paid sessions and invoices of the last 30 days that reached Stripe without a referral value. */
export function IntegrationPage(props: { ctx: PageContext; check: IntegrationCheck; mode: 'live' | 'test'; timeZone: string }) {
  const c = props.check;
  return (
    <Layout ctx={props.ctx} title="Integration check">
      <h1>Integration check</h1>
      <p>
        From the Stripe events of the last 30 days ({props.mode} mode):{' '}
        {c.checked === 0 ? (
          'no paid Checkout Sessions or invoices yet.'
        ) : (
          <>
            <strong>{c.share}%</strong> of paid Checkout Sessions and invoices carried a referral value ({c.withReferral} of {c.checked}).
          </>
        )}{' '}
        <a href={`/dashboard/integration?mode=${props.mode === 'live' ? 'test' : 'live'}`}>Switch to {props.mode === 'live' ? 'test' : 'live'} mode</a>
      </p>
      {c.missing.length === 0 ? (
        <p class="muted">{c.checked === 0 ? 'Once customers pay, each payment without a referral is listed here.' : 'Every paid session and invoice carried a referral value.'}</p>
      ) : (
        <table class="table" id="missing">
          <caption class="sr-only">Payments without a referral value</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Stripe object</th>
              <th scope="col">Customer</th>
              <th class="num" scope="col">Amount</th>
              <th scope="col">Credited anyway?</th>
            </tr>
          </thead>
          <tbody>
            {c.missing.map((p) => (
              <tr data-object={p.objectId}>
                <td>
                  <LocalDate iso={p.created} timeZone={props.timeZone} withTime />
                </td>
                <td>
                  <a href={`/events/${p.eventId}`}>
                    <code>{p.objectId}</code>
                  </a>{' '}
                  <span class="muted">{p.type === 'invoice.paid' ? 'invoice' : 'Checkout Session'}</span>
                </td>
                <td>{p.email ?? <span class="muted">—</span>}</td>
                <td class="num">{p.currency ? <Money amount={p.amount} currency={p.currency} /> : p.amount}</td>
                <td>{p.attributed ? 'Yes, the customer was already referred' : 'No'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section class="card">
        <h2>How to fix it</h2>
        <p>
          A Checkout Session needs the referral in <code>client_reference_id</code> or <code>metadata.referral</code>. A subscription invoice carries the referral only when the session set{' '}
          <code>subscription_data.metadata.referral</code> (Stripe copies it into every invoice). A referral kept on the Stripe Customer's metadata is not visible in these events: such payments are
          still credited, but show up here.
        </p>
        <CheckoutSnippet />
      </section>
    </Layout>
  );
}
