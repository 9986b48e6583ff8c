import { Layout } from '../layout';
import type { PageContext } from '../context';
import { Csrf, Field, FormErrors } from '../components/form';

type Errors = Record<string, string> | undefined;

export function SignUpPage(props: { ctx: PageContext; values?: { name?: string; email?: string }; errors?: Errors }) {
  const e = props.errors ?? {};
  return (
    <Layout ctx={props.ctx} title="Sign up" bare>
      <h1>Start your partner program</h1>
      <p class="muted">Create a Refcut account for your business. You can connect Stripe right after.</p>
      <FormErrors errors={props.errors} />
      <form method="post" action="/signup" class="stack" novalidate>
        <Csrf token={props.ctx.csrfToken} />
        <Field name="name" label="Business name" value={props.values?.name} error={e.name} required maxLength={100} autocomplete="organization" />
        <Field name="email" label="Email" type="email" value={props.values?.email} error={e.email} required maxLength={254} autocomplete="email" />
        <Field name="password" label="Password" type="password" error={e.password} hint="At least 10 characters." required maxLength={200} autocomplete="new-password" />
        <button type="submit" class="primary">Create account</button>
      </form>
      <p>
        Already have an account? <a href="/login">Log in</a>
      </p>
    </Layout>
  );
}

export function LoginPage(props: { ctx: PageContext; email?: string; error?: string; next?: string }) {
  return (
    <Layout ctx={props.ctx} title="Log in" bare>
      <h1>Log in</h1>
      {props.error ? (
        <p class="flash error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action={props.next ? `/login?next=${encodeURIComponent(props.next)}` : '/login'} class="stack">
        <Csrf token={props.ctx.csrfToken} />
        <Field name="email" label="Email" type="email" value={props.email} required maxLength={254} autocomplete="email" />
        <Field name="password" label="Password" type="password" required maxLength={200} autocomplete="current-password" />
        <button type="submit" class="primary">Log in</button>
      </form>
      <p>
        New here? <a href="/signup">Create an account</a>
      </p>
    </Layout>
  );
}

export function AcceptInvitePage(props: { ctx: PageContext; token: string; merchantName: string; role: string; loggedInAs?: string; values?: { name?: string; email?: string }; errors?: Errors }) {
  const e = props.errors ?? {};
  return (
    <Layout ctx={props.ctx} title="Join the team" bare>
      <h1>Join {props.merchantName} on Refcut</h1>
      <p>
        You have been invited as <strong>{props.role.replace('_', '-')}</strong>.
      </p>
      <FormErrors errors={props.errors} />
      {props.loggedInAs ? (
        <form method="post" action={`/invite/${encodeURIComponent(props.token)}`} class="stack">
          <Csrf token={props.ctx.csrfToken} />
          <p>You are logged in as {props.loggedInAs}.</p>
          <button type="submit" class="primary">Accept and join</button>
        </form>
      ) : (
        <form method="post" action={`/invite/${encodeURIComponent(props.token)}`} class="stack">
          <Csrf token={props.ctx.csrfToken} />
          <Field name="name" label="Your name" value={props.values?.name} error={e.name} required maxLength={100} />
          <Field name="email" label="Email" type="email" value={props.values?.email} error={e.email} required maxLength={254} />
          <Field name="password" label="Password" type="password" error={e.password} hint="At least 10 characters." required maxLength={200} />
          <button type="submit" class="primary">Create account and join</button>
          <p class="muted">
            Already have a Refcut login? <a href={`/login?next=${encodeURIComponent(`/invite/${props.token}`)}`}>Log in first</a>.
          </p>
        </form>
      )}
    </Layout>
  );
}
