import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf, Field, FormErrors, Select } from '../components/form';

/** The settings form's values as text, the way the inputs hold them. */
export interface SettingsValues {
  commissionType: string;
  commissionValue: string;
  durationType: string;
  durationValue: string;
  cookieDays: string;
  attributionModel: string;
  holdingDays: string;
  minPayout: string;
  currency: string;
  platformFee: string;
  destinationUrl: string;
  extraMetadataKeys: string;
  timeZone: string;
  brandColor: string;
}

export function SettingsPage(props: { ctx: PageContext; values: SettingsValues; errors?: Record<string, string>; readOnly: boolean; publicId: string }) {
  const v = props.values;
  const e = props.errors ?? {};
  return (
    <Layout ctx={props.ctx} title="Program settings">
      <h1>Program settings</h1>
      <p class="muted">
        Public program id: <code>{props.publicId}</code>. Changes apply to new commissions only; each change is recorded in the audit log.
      </p>
      <FormErrors errors={props.errors} />
      <form method="post" action="/settings" class="grid-form" novalidate>
        <Csrf token={props.ctx.csrfToken} />
        <fieldset disabled={props.readOnly}>
          <legend>Commission</legend>
          <Select name="commissionType" label="Type" value={v.commissionType} error={e.commissionType} options={[{ value: 'percent', label: 'Percentage of the sale' }, { value: 'flat', label: 'Flat amount per sale' }]} />
          <Field name="commissionValue" label="Rate or amount" value={v.commissionValue} error={e.commissionValue} hint="20 means 20% (percentage), or an amount like 10.00 in the program currency (flat)." maxLength={20} />
          <Select
            name="durationType"
            label="Partners earn on"
            value={v.durationType}
            error={e.durationType}
            options={[
              { value: 'lifetime', label: 'Every payment, for the customer’s lifetime' },
              { value: 'first_payment', label: 'The first payment only' },
              { value: 'months', label: 'Payments in the first N months' },
              { value: 'invoices', label: 'The first N paid invoices' },
            ]}
          />
          <Field name="durationValue" label="N (months or invoices)" value={v.durationValue} error={e.durationValue} maxLength={4} />
          <Field name="platformFee" label="Platform fee (% of each commission)" value={v.platformFee} error={e.platformFee} maxLength={8} />
        </fieldset>
        <fieldset disabled={props.readOnly}>
          <legend>Attribution</legend>
          <Field name="cookieDays" label="Cookie window (days)" value={v.cookieDays} error={e.cookieDays} maxLength={6} />
          <Select name="attributionModel" label="When a visitor clicked several links" value={v.attributionModel} error={e.attributionModel} options={[{ value: 'last_click', label: 'Last click wins' }, { value: 'first_click', label: 'First click wins' }]} />
          <Field name="destinationUrl" label="Destination URL for referral links" value={v.destinationUrl} error={e.destinationUrl} hint="Your site, e.g. https://example.com. Link destinations must stay on this site." maxLength={2000} />
          <Field name="extraMetadataKeys" label="Extra metadata keys to read referrals from" value={v.extraMetadataKeys} error={e.extraMetadataKeys} hint="Comma-separated, for merchants moving from another tool (e.g. rewardful, fp_ref)." maxLength={500} />
        </fieldset>
        <fieldset disabled={props.readOnly}>
          <legend>Payouts</legend>
          <Field name="currency" label="Program currency" value={v.currency} error={e.currency} maxLength={3} />
          <Field name="holdingDays" label="Holding period (days)" value={v.holdingDays} error={e.holdingDays} maxLength={6} />
          <Field name="minPayout" label="Minimum payout" value={v.minPayout} error={e.minPayout} hint="In the program currency, e.g. 50.00." maxLength={20} />
        </fieldset>
        <fieldset disabled={props.readOnly}>
          <legend>Display</legend>
          <Field name="timeZone" label="Time zone" value={v.timeZone} error={e.timeZone} maxLength={64} />
          <Field name="brandColor" label="Brand colour (partner portal)" value={v.brandColor} error={e.brandColor} maxLength={7} />
        </fieldset>
        {props.readOnly ? <p class="muted">Your role is read-only.</p> : <button type="submit" class="primary">Save settings</button>}
      </form>
    </Layout>
  );
}
