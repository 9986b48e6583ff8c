import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf, Field, FormErrors } from '../components/form';

export interface ApplyValues {
  name: string;
  email: string;
  company: string;
  website: string;
  reason: string;
}

export const EMPTY_APPLY: ApplyValues = { name: '', email: '', company: '', website: '', reason: '' };

/**
 * The public application form, and what it says afterwards. `received` is the one answer anonymous
 * visitors ever get (new application or not), so the page cannot be used to learn who applied;
 * `already` is only shown to the browser that itself sent the earlier application.
 */
export function ApplyPage(props: { ctx: PageContext; programName: string; publicId: string; values?: ApplyValues; errors?: Record<string, string>; outcome?: 'received' | 'already' }) {
  const v = props.values ?? EMPTY_APPLY;
  const e = props.errors ?? {};
  const title = `Become a partner of ${props.programName}`;
  if (props.outcome) {
    return (
      <Layout ctx={props.ctx} title={title} bare>
        <h1>{title}</h1>
        {props.outcome === 'already' ? (
          <p class="flash ok" role="status">
            You have already applied with {v.email}, so there is no need to apply again. {props.programName} will let you know by email.
          </p>
        ) : (
          <p class="flash ok" role="status">
            Thanks! {props.programName} has your application for {v.email}. Each email can apply once: if this email had applied before, that first application is the one being reviewed.
            You will hear back by email.
          </p>
        )}
      </Layout>
    );
  }
  return (
    <Layout ctx={props.ctx} title={title} bare>
      <h1>{title}</h1>
      <p>Tell {props.programName} a little about yourself. They review every application.</p>
      <FormErrors errors={props.errors} />
      <form method="post" action={`/apply/${props.publicId}`} class="stack" novalidate>
        <Csrf token={props.ctx.csrfToken} />
        <Field name="name" label="Your name" value={v.name} error={e.name} required maxLength={100} autocomplete="name" />
        <Field name="email" label="Email" type="email" value={v.email} error={e.email} required maxLength={254} autocomplete="email" />
        <Field name="company" label="Company (optional)" value={v.company} error={e.company} maxLength={100} autocomplete="organization" />
        <Field name="website" label="Website or channel (optional)" type="url" value={v.website} error={e.website} maxLength={2000} autocomplete="url" />
        <div class={e.reason ? 'field has-error' : 'field'}>
          <label for="f-reason">Why would you like to join? (optional)</label>
          <textarea id="f-reason" name="reason" rows={4} maxLength={2000}>
            {v.reason}
          </textarea>
          {e.reason ? <small class="error">{e.reason}</small> : null}
        </div>
        <button type="submit" class="primary">
          Apply
        </button>
      </form>
    </Layout>
  );
}
