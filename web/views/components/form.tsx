import type { ComponentChildren } from 'preact';

export function Csrf(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

/** A labelled input with its error message; `name` doubles as the id. */
export function Field(props: {
  name: string;
  label: string;
  value?: string | number | null;
  type?: 'text' | 'email' | 'password' | 'url' | 'number' | 'date' | 'search' | 'color';
  error?: string;
  hint?: string;
  required?: boolean;
  maxLength?: number;
  autocomplete?: string;
  min?: number;
  step?: string;
}) {
  const id = `f-${props.name}`;
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={(props.type ?? 'text') as 'text' /* preact 11 narrows input types per value */}
        value={props.value ?? ''}
        required={props.required}
        maxLength={props.maxLength}
        autoComplete={props.autocomplete}
        min={props.min}
        step={props.step}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${id}-err` : props.hint ? `${id}-hint` : undefined}
      />
      {props.hint ? <small id={`${id}-hint`}>{props.hint}</small> : null}
      {props.error ? (
        <small id={`${id}-err`} class="error">
          {props.error}
        </small>
      ) : null}
    </div>
  );
}

export function Select(props: {
  name: string;
  label: string;
  value?: string;
  options: { value: string; label: string }[];
  error?: string;
  hint?: string;
}) {
  const id = `f-${props.name}`;
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
      {props.hint ? <small>{props.hint}</small> : null}
      {props.error ? <small class="error">{props.error}</small> : null}
    </div>
  );
}

export function FormErrors(props: { errors?: Record<string, string> }) {
  const general = props.errors?._form;
  return general ? (
    <p class="flash error" role="alert">
      {general}
    </p>
  ) : null;
}

export function Card(props: { title?: string; children: ComponentChildren }) {
  return (
    <section class="card">
      {props.title ? <h2>{props.title}</h2> : null}
      {props.children}
    </section>
  );
}
