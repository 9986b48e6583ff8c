import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf, Field, FormErrors } from '../components/form';
import { safeHref } from '../render';
import type { Link, Partner } from '../../../db/tables/partners';
import { formatMoney } from '../../../server/lib/money';
import { bpsToPercent } from '../../../server/accounts/settings-schema';
import { STATUS_BADGE } from './partners';

export interface PartnerDetail {
  partner: Partner;
  links: Link[];
  stats: { unique: number; human: number; bots: number; notEarning: number };
  statsDays: number;
  clicks: { id: string; createdAt: string; referrer: string | null; isBot: number; earning: number; notEarningReason: string | null; source: string; slug: string | null }[];
  settings: { currency: string; destinationUrl: string | null };
}

const REASONS: Record<string, string> = { partner_paused: 'partner paused', partner_banned: 'partner banned', partner_pending: 'partner pending' };

function overrideText(p: Partner, currency: string): string {
  if (!p.commissionOverrideType || p.commissionOverrideValue === null) return 'Program default';
  if (p.commissionOverrideType === 'percent') return `${bpsToPercent(p.commissionOverrideValue)}% of each sale`;
  return `${formatMoney(p.commissionOverrideValue, currency)} per sale`;
}

function StatusActions(props: { ctx: PageContext; partner: Partner }) {
  const p = props.partner;
  const actions = p.status === 'active' ? [['paused', 'Pause'], ['banned', 'Ban']] : p.status === 'paused' ? [['active', 'Re-activate'], ['banned', 'Ban']] : p.status === 'banned' ? [['active', 'Re-activate']] : [['active', 'Activate'], ['banned', 'Ban']];
  return (
    <form method="post" action={`/partners/${p.id}/status`} class="stack">
      <Csrf token={props.ctx.csrfToken} />
      <Field name="reason" label="Reason (kept in the audit log)" value="" maxLength={500} />
      <div>
        {actions.map(([status, label]) => (
          <>
            <button type="submit" name="status" value={status} class={status === 'banned' ? 'danger' : undefined}>
              {label}
            </button>{' '}
          </>
        ))}
      </div>
    </form>
  );
}

export function PartnerDetailPage(props: { ctx: PageContext; detail: PartnerDetail; canEdit: boolean; publicUrl: string; linkValues?: Record<string, string>; linkErrors?: Record<string, string> }) {
  const { partner: p, links, stats, clicks, settings } = props.detail;
  const lv = props.linkValues ?? {};
  const le = props.linkErrors ?? {};
  return (
    <Layout ctx={props.ctx} title={p.name}>
      <p>
        <a href="/partners">← Partners</a>
      </p>
      <h1>
        {p.name} <span class={STATUS_BADGE[p.status]}>{p.status}</span>
      </h1>
      <section class="card">
        <dl class="facts">
          <dt>Email</dt>
          <dd>{p.email}</dd>
          <dt>Code</dt>
          <dd>
            <code>{p.code}</code>
          </dd>
          <dt>Commission</dt>
          <dd>{overrideText(p, settings.currency)}</dd>
          <dt>Payout email</dt>
          <dd>{p.payoutEmail ?? p.email}</dd>
          <dt>Added</dt>
          <dd>{p.createdAt.slice(0, 10)}</dd>
          {p.statusReason ? (
            <>
              <dt>Status reason</dt>
              <dd>{p.statusReason}</dd>
            </>
          ) : null}
        </dl>
        {p.status !== 'active' ? <p class="muted">Clicks and sales from this partner are still recorded, but do not earn commission.</p> : null}
        {props.canEdit ? (
          <p>
            <a href={`/partners/${p.id}/edit`}>Edit partner</a>
          </p>
        ) : null}
        {props.canEdit && (p.status === 'active' || p.status === 'paused') ? (
          <form method="post" action={`/partners/${p.id}/portal-link`} class="inline">
            <Csrf token={props.ctx.csrfToken} />
            <button type="submit">Portal link</button> <small class="muted">A one-time sign-in link to the partner portal, valid 24 hours.</small>
          </form>
        ) : null}
        {props.canEdit ? <StatusActions ctx={props.ctx} partner={p} /> : null}
      </section>

      <section class="card">
        <h2>Clicks, last {props.detail.statsDays} days</h2>
        <p>
          <strong>{stats.unique}</strong> {stats.unique === 1 ? 'click' : 'clicks'} <span class="muted">({stats.human} including repeats from the same visitor; {stats.bots} from bots and link previews, not counted{stats.notEarning > 0 ? `; ${stats.notEarning} while not earning` : ''})</span>
        </p>
      </section>

      <section class="card">
        <h2>Links</h2>
        <table class="table">
          <thead>
            <tr>
              <th>Link</th>
              <th>Sends visitors to</th>
              <th>Campaign</th>
              <th>State</th>
              {props.canEdit ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {links.map((l) => (
              <tr>
                <td>
                  <code class="copy">{`${props.publicUrl}/r/${l.slug}`}</code>
                  {l.isDefault ? <span class="badge">default</span> : null}
                </td>
                <td>{l.destinationUrl ? <a href={safeHref(l.destinationUrl)}>{l.destinationUrl}</a> : <span class="muted">{settings.destinationUrl ?? 'Program destination (not set yet)'}</span>}</td>
                <td>{l.campaign ?? ''}</td>
                <td>{l.disabledAt ? <span class="badge bad">disabled</span> : <span class="badge ok">active</span>}</td>
                {props.canEdit ? (
                  <td>
                    {l.disabledAt ? null : (
                      <form method="post" action={`/partners/${p.id}/links/${l.id}/disable`} class="inline">
                        <Csrf token={props.ctx.csrfToken} />
                        <button type="submit" class="danger">
                          Disable
                        </button>
                      </form>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
        {props.canEdit ? (
          <form method="post" action={`/partners/${p.id}/links`} class="grid-form" novalidate>
            <h3>New link</h3>
            <FormErrors errors={props.linkErrors} />
            <Csrf token={props.ctx.csrfToken} />
            <fieldset>
              <Field name="destinationUrl" label="Destination" type="url" value={lv.destinationUrl} error={le.destinationUrl} maxLength={2000} hint={settings.destinationUrl ? `A page on ${new URL(settings.destinationUrl).origin}; empty for the program destination.` : 'Set the destination URL in Settings first.'} />
              <Field name="campaign" label="Campaign (optional)" value={lv.campaign} error={le.campaign} maxLength={100} />
              <Field name="slug" label="Slug (optional)" value={lv.slug} error={le.slug} maxLength={40} hint="Lower-case letters, digits and hyphens; generated when empty." />
            </fieldset>
            <button type="submit">Create link</button>
          </form>
        ) : null}
      </section>

      <section class="card">
        <h2>Recent clicks</h2>
        {clicks.length === 0 ? (
          <p class="muted">No clicks yet.</p>
        ) : (
          <table class="table">
            <thead>
              <tr>
                <th>When (UTC)</th>
                <th>Via</th>
                <th>Referrer</th>
                <th>Counted</th>
              </tr>
            </thead>
            <tbody>
              {clicks.map((c) => (
                <tr>
                  <td>{c.createdAt.slice(0, 16).replace('T', ' ')}</td>
                  <td>{c.slug ? `/r/${c.slug}` : c.source}</td>
                  <td>{c.referrer ?? ''}</td>
                  <td>{c.isBot ? <span class="badge">bot</span> : c.earning ? <span class="badge ok">earning</span> : <span class="badge warn">{REASONS[c.notEarningReason ?? ''] ?? 'not earning'}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}
