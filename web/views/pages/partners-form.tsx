import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf, Field, FormErrors, Select } from '../components/form';

/** The create/edit form's values as text, the way the inputs hold them. */
export interface PartnerFormValues {
  name: string;
  email: string;
  code: string;
  status: string;
  overrideType: string;
  overrideValue: string;
  payoutEmail: string;
}

export const EMPTY_PARTNER_FORM: PartnerFormValues = { name: '', email: '', code: '', status: 'active', overrideType: '', overrideValue: '', payoutEmail: '' };

export function PartnerFormPage(props: { ctx: PageContext; mode: 'create' | 'edit'; partnerId?: string; values: PartnerFormValues; errors?: Record<string, string>; currency: string }) {
  const v = props.values;
  const e = props.errors ?? {};
  const title = props.mode === 'create' ? 'Add a partner' : `Edit ${v.name}`;
  return (
    <Layout ctx={props.ctx} title={title}>
      <p>
        <a href={props.partnerId ? `/partners/${props.partnerId}` : '/partners'}>← Back</a>
      </p>
      <h1>{title}</h1>
      <FormErrors errors={props.errors} />
      <form method="post" action={props.mode === 'create' ? '/partners' : `/partners/${props.partnerId}`} class="grid-form" novalidate>
        <Csrf token={props.ctx.csrfToken} />
        <fieldset>
          <legend>Partner</legend>
          <Field name="name" label="Name" value={v.name} error={e.name} required maxLength={100} />
          <Field name="email" label="Email" type="email" value={v.email} error={e.email} required maxLength={254} />
          <Field
            name="code"
            label="Referral code"
            value={v.code}
            error={e.code}
            maxLength={40}
            hint={props.mode === 'create' ? 'Leave empty to generate one from the name, like jane-smith-a1b2.' : 'Existing links keep working; old ?via= links with the previous code stop crediting.'}
          />
          {props.mode === 'create' ? (
            <Select name="status" label="Status" value={v.status} options={[{ value: 'active', label: 'Active: earns from now on' }, { value: 'pending', label: 'Pending: not earning yet' }]} />
          ) : null}
          <Field name="payoutEmail" label="Payout email (if different)" type="email" value={v.payoutEmail} error={e.payoutEmail} maxLength={254} />
        </fieldset>
        <fieldset>
          <legend>Commission override</legend>
          <Select
            name="overrideType"
            label="Override"
            value={v.overrideType}
            error={e.overrideType}
            options={[
              { value: '', label: 'None: the program commission applies' },
              { value: 'percent', label: 'Percentage of the sale' },
              { value: 'flat', label: 'Flat amount per sale' },
            ]}
          />
          <Field name="overrideValue" label="Rate or amount" value={v.overrideValue} error={e.overrideValue} maxLength={20} hint={`25 means 25%, or an amount like 10.00 in ${props.currency.toUpperCase()}.`} />
        </fieldset>
        <button type="submit" class="primary">
          {props.mode === 'create' ? 'Add partner' : 'Save changes'}
        </button>
      </form>
    </Layout>
  );
}
