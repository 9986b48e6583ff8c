// Partner portal: signing in, the overview, links and clicks.
import { PortalLayout, CopyField, portalBase, type PortalContext } from '../portal-layout';
import { Csrf, Field, FormErrors } from '../components/form';
import { BalanceCells } from './balances';
import type { Balance } from '../../../server/payouts/balances';
import type { Link } from '../../../db/tables/partners';

export function PortalLoginPage(props: { ctx: PortalContext; email?: string; errors?: Record<string, string>; sent?: boolean; error?: string }) {
  const base = portalBase(props.ctx);
  return (
    <PortalLayout ctx={props.ctx} title="Sign in" narrow>
      <h1>Sign in to the {props.ctx.program.name} partner portal</h1>
      {props.sent ? (
        <p class="flash ok" role="status">
          If <strong>{props.email}</strong> is the email of a partner of {props.ctx.program.name}, a sign-in link is on its way. It works once and for 24 hours.
        </p>
      ) : null}
      {props.error ? (
        <p class="flash error" role="alert">
          {props.error}
        </p>
      ) : null}
      <FormErrors errors={props.errors} />
      <form method="post" action={`${base}/login`} class="stack card" novalidate>
        <Csrf token={props.ctx.csrfToken} />
        <Field name="email" label="Your partner email" type="email" value={props.email} error={props.errors?.email} required maxLength={254} autocomplete="email" />
        <div>
          <button type="submit" class="primary">
            Email me a sign-in link
          </button>
        </div>
        <p class="muted">No password needed. You can also ask {props.ctx.program.name} for a portal link.</p>
      </form>
    </PortalLayout>
  );
}

/** The page a sign-in link opens: one button spends the link, so link scanners that only open it do not. */
export function PortalEnterPage(props: { ctx: PortalContext; token?: string; partnerName?: string }) {
  const base = portalBase(props.ctx);
  if (!props.token || !props.partnerName) {
    return (
      <PortalLayout ctx={props.ctx} title="Link not valid" narrow>
        <h1>This sign-in link does not work any more</h1>
        <p>Sign-in links work once and for 24 hours, and only for the program they were made for.</p>
        <p>
          <a href={`${base}/login`} class="button primary">
            Get a new link
          </a>
        </p>
      </PortalLayout>
    );
  }
  return (
    <PortalLayout ctx={props.ctx} title="Sign in" narrow>
      <h1>Welcome, {props.partnerName}</h1>
      <form method="post" action={`${base}/enter`} class="stack card">
        <Csrf token={props.ctx.csrfToken} />
        <input type="hidden" name="token" value={props.token} />
        <p>Continue to the {props.ctx.program.name} partner portal.</p>
        <div>
          <button type="submit" class="primary">
            Sign in
          </button>
        </div>
      </form>
    </PortalLayout>
  );
}

export function PortalMessagePage(props: { ctx: PortalContext; title: string; message: string }) {
  return (
    <PortalLayout ctx={props.ctx} title={props.title}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <p>
        <a href={portalBase(props.ctx)}>Back to the overview</a>
      </p>
    </PortalLayout>
  );
}

/** The ledger the portal shows when it is not the live one: the merchant is still trying Refcut in Stripe test mode. */
export function ModeNote(props: { livemode: number }) {
  return props.livemode ? null : <p class="badge warn">Test data: this program is connected to Stripe in test mode.</p>;
}

export function BalancesTable(props: { balances: Balance[] }) {
  if (props.balances.length === 0) return <p class="muted">No commissions yet. Share your link: commissions appear here as soon as a referred customer pays.</p>;
  return (
    <table class="table" id="balances">
      <thead>
        <tr>
          <th>Currency</th>
          <th class="num">Pending</th>
          <th class="num">On hold</th>
          <th class="num">Approved</th>
          <th class="num">Paid</th>
          <th class="num">Earned</th>
        </tr>
      </thead>
      <tbody>
        {props.balances.map((b) => (
          <tr data-currency={b.currency}>
            <td>{b.currency.toUpperCase()}</td>
            <BalanceCells b={b} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface ClickTotals {
  unique: number;
  human: number;
  bots: number;
}

export function LinksTable(props: { base: string; links: (Link & { url: string })[] }) {
  return (
    <table class="table">
      <thead>
        <tr>
          <th>Your link</th>
          <th>Campaign</th>
          <th>State</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {props.links.map((l) => (
          <tr>
            <td>
              <CopyField id={`link-${l.id}`} value={l.url} label={`Referral link ${l.slug}`} />
              {l.isDefault ? <span class="badge">default</span> : null}
            </td>
            <td>{l.campaign ?? ''}</td>
            <td>{l.disabledAt ? <span class="badge bad">disabled</span> : <span class="badge ok">active</span>}</td>
            <td>
              <a href={`${props.base}/links/${l.id}`}>Clicks</a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PortalOverviewPage(props: { ctx: PortalContext; livemode: number; code: string; status: string; balances: Balance[]; links: (Link & { url: string })[]; clicks: ClickTotals; customers: number }) {
  const base = portalBase(props.ctx);
  return (
    <PortalLayout ctx={props.ctx} title="Overview">
      <h1>Hello, {props.ctx.partner?.name}</h1>
      <ModeNote livemode={props.livemode} />
      {props.status === 'paused' ? <p class="flash error">Your partnership is paused: new clicks and sales do not earn commission until {props.ctx.program.name} re-activates it.</p> : null}
      <section class="card">
        <h2>Your balance</h2>
        <p class="muted">Per currency, net of fees. Pending commissions are in their holding period; approved ones are paid in the next payout.</p>
        <BalancesTable balances={props.balances} />
      </section>
      <section class="card">
        <h2>Your links</h2>
        <p class="muted">
          Your partner code is <code>{props.code}</code>.
        </p>
        <LinksTable base={base} links={props.links} />
      </section>
      <section class="card">
        <h2>Last 30 days</h2>
        <p>
          <strong>{props.clicks.unique}</strong> {props.clicks.unique === 1 ? 'click' : 'clicks'} <span class="muted">({props.clicks.human} including repeat visits; bots not counted)</span> ·{' '}
          <a href={`${base}/customers`}>
            <strong>{props.customers}</strong> referred {props.customers === 1 ? 'customer' : 'customers'}
          </a>
        </p>
      </section>
    </PortalLayout>
  );
}

const PERIODS = [7, 30, 90] as const;

function ClicksByDay(props: { days: { day: string; clicks: number }[] }) {
  const max = Math.max(1, ...props.days.map((d) => d.clicks));
  return (
    <table class="table clicks-by-day">
      <thead>
        <tr>
          <th>Day (UTC)</th>
          <th class="num">Clicks</th>
          <th>
            <span class="sr-only">Bar</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.days.map((d) => (
          <tr data-day={d.day}>
            <td>{d.day}</td>
            <td class="num">{d.clicks}</td>
            <td>
              <progress max={max} value={d.clicks} aria-hidden="true">
                {d.clicks}
              </progress>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PeriodPicker(props: { href: string; days: number }) {
  return (
    <p class="filters">
      {PERIODS.map((p) => (
        <a href={`${props.href}?days=${p}`} aria-current={p === props.days ? 'page' : undefined}>
          Last {p} days
        </a>
      ))}
    </p>
  );
}

export function PortalLinksPage(props: { ctx: PortalContext; days: number; links: (Link & { url: string })[]; totals: ClickTotals; perDay: { day: string; clicks: number }[] }) {
  const base = portalBase(props.ctx);
  return (
    <PortalLayout ctx={props.ctx} title="Links & clicks">
      <h1>Links & clicks</h1>
      <section class="card">
        <h2>Your links</h2>
        <LinksTable base={base} links={props.links} />
      </section>
      <section class="card">
        <h2>Clicks</h2>
        <PeriodPicker href={`${base}/links`} days={props.days} />
        <p>
          <strong>{props.totals.unique}</strong> {props.totals.unique === 1 ? 'click' : 'clicks'} in the last {props.days} days{' '}
          <span class="muted">
            ({props.totals.human} including repeat visits from the same person; {props.totals.bots} from bots and link previews, not counted)
          </span>
        </p>
        <ClicksByDay days={props.perDay} />
      </section>
    </PortalLayout>
  );
}

export function PortalLinkPage(props: { ctx: PortalContext; days: number; link: Link & { url: string }; perDay: { day: string; clicks: number }[] }) {
  const base = portalBase(props.ctx);
  const total = props.perDay.reduce((s, d) => s + d.clicks, 0);
  return (
    <PortalLayout ctx={props.ctx} title={`Link ${props.link.slug}`}>
      <p>
        <a href={`${base}/links`}>← Links & clicks</a>
      </p>
      <h1>
        Link <code>{props.link.slug}</code>
      </h1>
      <section class="card">
        <CopyField id={`link-${props.link.id}`} value={props.link.url} label="Referral link" />
        {props.link.campaign ? <p class="muted">Campaign: {props.link.campaign}</p> : null}
        {props.link.disabledAt ? <p class="flash error">This link was disabled on {props.link.disabledAt.slice(0, 10)}: it no longer records clicks.</p> : null}
      </section>
      <section class="card">
        <h2>Clicks through this link</h2>
        <PeriodPicker href={`${base}/links/${props.link.id}`} days={props.days} />
        <p>
          <strong>{total}</strong> in the last {props.days} days <span class="muted">(bots not counted)</span>
        </p>
        <ClicksByDay days={props.perDay} />
      </section>
    </PortalLayout>
  );
}
