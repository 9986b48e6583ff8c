import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf } from '../components/form';
import type { Partner } from '../../../db/tables/partners';

type Kind = 'partner' | 'customer';
interface CustomerLine {
  ref: string;
  email: string | null;
  name: string | null;
  bound: boolean;
  sales: number;
}

function EraseButton(props: { ctx: PageContext; action: string; ref?: string; what: string }) {
  return (
    <form method="post" action={props.action} class="inline">
      <Csrf token={props.ctx.csrfToken} />
      {props.ref ? <input type="hidden" name="ref" value={props.ref} /> : null}
      <label>
        Type ERASE to erase {props.what}: <input name="confirm" maxLength={5} autoComplete="off" required />
      </label>{' '}
      <button type="submit" class="danger">
        Erase personal data
      </button>
    </form>
  );
}

export function PrivacyPage(props: { ctx: PageContext; lookup: { kind?: Kind; q?: string }; partners: Partner[]; customers: CustomerLine[]; isOwner: boolean; error?: string }) {
  const { ctx, lookup } = props;
  return (
    <Layout ctx={ctx} title="Privacy requests">
      <h1>Privacy requests</h1>
      <p class="muted">
        When a partner or a customer your partners referred asks what you hold about them, or asks to be forgotten: find them here, download everything in one JSON file, or erase their personal data.
        Erasing replaces names, emails and codes with pseudonyms; sales, commissions and payouts keep their amounts and links, so your books still add up.
      </p>
      {props.error ? (
        <p class="flash error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="get" action="/privacy" class="filters" role="search">
        <label for="f-kind">Who</label>
        <select id="f-kind" name="kind">
          <option value="partner" selected={lookup.kind !== 'customer'}>
            A partner (id, code or email)
          </option>
          <option value="customer" selected={lookup.kind === 'customer'}>
            A referred customer (Stripe customer id, your customer id or email)
          </option>
        </select>
        <label for="f-q">Search</label>
        <input id="f-q" name="q" value={lookup.q ?? ''} maxLength={254} placeholder="aff_…, jane-smith, cus_…, user@example.com" />
        <button type="submit">Find</button>
      </form>
      {lookup.q && lookup.kind === 'partner' && props.partners.length === 0 ? <p class="muted">No partner with that id, code or email.</p> : null}
      {lookup.q && lookup.kind === 'customer' && props.customers.length === 0 ? <p class="muted">Nothing is held about a customer with that id or email.</p> : null}
      {props.partners.map((p) => (
        <section class="card">
          <h2>{p.name}</h2>
          <p>
            <code>{p.id}</code> · {p.email} · code <code>{p.code}</code> · {p.status}
          </p>
          <p>
            <a href={`/privacy/partners/${p.id}/export.json`}>Download everything held about this partner (JSON)</a>
          </p>
          {props.isOwner ? <EraseButton ctx={ctx} action={`/privacy/partners/${p.id}/erase`} what="this partner" /> : <p class="muted">Only the account owner can erase.</p>}
        </section>
      ))}
      {props.customers.map((c) => (
        <section class="card">
          <h2>{c.name ?? c.email ?? c.ref}</h2>
          <p>
            <code>{c.ref}</code> {c.email ? `· ${c.email}` : ''} · {c.bound ? 'referred by a partner' : 'not referred'} · {c.sales} sale{c.sales === 1 ? '' : 's'}
          </p>
          <p>
            <a href={`/privacy/customers/export.json?${new URLSearchParams({ ref: c.ref })}`}>Download everything held about this customer (JSON)</a>
          </p>
          {props.isOwner ? <EraseButton ctx={ctx} action="/privacy/customers/erase" ref={c.ref} what="this customer" /> : <p class="muted">Only the account owner can erase.</p>}
        </section>
      ))}
    </Layout>
  );
}
