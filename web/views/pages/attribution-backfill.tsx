import type { PageContext } from '../context';
import { Csrf } from '../components/form';

export interface BackfillView {
  status: 'queued' | 'running' | 'done' | 'failed';
  livemode: boolean;
  listed: number;
  bound: number;
  alreadyBound: number;
  noReferral: number;
  notMatched: number;
  note: string | null;
  createdAt: string;
  finishedAt: string | null;
}

const STATUS: Record<BackfillView['status'], string> = { queued: 'queued', running: 'running', done: 'finished', failed: 'failed' };
const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/**
 * The backfill of referred customers from the connected account's active subscriptions: its last run
 * with counts, and the button to run it again. Shown on the Stripe page.
 */
export function BackfillSection(props: { ctx: PageContext; run?: BackfillView; connected: boolean; canEdit: boolean }) {
  const r = props.run;
  return (
    <section class="card" id="backfill">
      <h2>Referred customers from existing subscriptions</h2>
      <p class="muted">
        When Stripe is connected, Refcut lists the account’s active subscriptions and binds each customer whose subscription or customer metadata carries a referral
        value of this program (a partner code or click id under <code>referral</code>, the aliases or your extra keys), so their renewals earn. Customers bound before
        are never moved.
      </p>
      {r ? (
        <>
          <p>
            Last run {when(r.createdAt)} ({r.livemode ? 'live' : 'test'} mode): <span class={r.status === 'failed' ? 'badge bad' : r.status === 'done' ? 'badge ok' : 'badge warn'}>{STATUS[r.status]}</span>
            {r.finishedAt ? ` at ${when(r.finishedAt)}` : ''}
          </p>
          <table class="table">
            <tbody>
              <tr>
                <th>Active subscriptions seen</th>
                <td class="num">{r.listed}</td>
              </tr>
              <tr>
                <th>Customers bound</th>
                <td class="num">{r.bound}</td>
              </tr>
              <tr>
                <th>Already bound (unchanged)</th>
                <td class="num">{r.alreadyBound}</td>
              </tr>
              <tr>
                <th>No referral value</th>
                <td class="num">{r.noReferral}</td>
              </tr>
              <tr>
                <th>Referral value of no partner here</th>
                <td class="num">{r.notMatched}</td>
              </tr>
            </tbody>
          </table>
          {r.note ? <p class="muted">{r.note}</p> : null}
        </>
      ) : (
        <p class="muted">No backfill has run yet.</p>
      )}
      {props.canEdit && props.connected ? (
        <form method="post" action="/stripe/backfill" class="inline">
          <Csrf token={props.ctx.csrfToken} />
          <button type="submit">{r ? 'Run the backfill again' : 'Run the backfill'}</button>
        </form>
      ) : null}
      <p class="muted">
        Also: <a href="/settings/import-referrals">import referred customers from Rewardful, FirstPromoter or a CSV</a> · <a href="/settings/product-rules">product rules</a>{' '}
        · <a href="/settings/promotion-codes">promotion codes</a>
      </p>
    </section>
  );
}
