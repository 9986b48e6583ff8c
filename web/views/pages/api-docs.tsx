import { Layout } from '../layout';
import type { PageContext } from '../context';
import type { JsonSchema, OpenApiDocument, OpenApiOperation } from '../../../server/api/openapi';

interface FieldRow {
  name: string;
  type: string;
  required: boolean;
  description?: string;
}

function typeText(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return `one of ${(s.enum as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (typeof s.$ref === 'string') return s.$ref.split('/').pop() ?? 'object';
  const variants = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (variants) return variants.map(typeText).join(' or ');
  const types = Array.isArray(s.type) ? (s.type as string[]) : s.type ? [String(s.type)] : ['any'];
  return types
    .map((t) => {
      if (t === 'array') return `array of ${s.items ? typeText(s.items as JsonSchema) : 'any'}`;
      if (t === 'string' && typeof s.format === 'string') return `string (${s.format})`;
      return t;
    })
    .join(' or ');
}

/** Flatten an object schema into dotted field rows: `settings.currency`, `data[].id`. */
function fieldsOf(s: JsonSchema | undefined, prefix = ''): FieldRow[] {
  if (!s) return [];
  const rows: FieldRow[] = [];
  const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required ?? []) as string[]);
  for (const [name, prop] of Object.entries(properties)) {
    const full = `${prefix}${name}`;
    rows.push({ name: full, type: typeText(prop), required: required.has(name), description: typeof prop.description === 'string' ? prop.description : undefined });
    if (prop.properties) rows.push(...fieldsOf(prop, `${full}.`));
    const items = prop.items as JsonSchema | undefined;
    if (items?.properties) rows.push(...fieldsOf(items, `${full}[].`));
  }
  return rows;
}

function Fields(props: { rows: FieldRow[]; caption: string }) {
  if (props.rows.length === 0) return null;
  return (
    <table class="table api-fields">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th>Field</th>
          <th>Type</th>
          <th>Description</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            <td>
              <code>{r.name}</code>
              {r.required ? null : <span class="muted"> optional</span>}
            </td>
            <td>{r.type}</td>
            <td>{r.description ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Operation(props: { method: string; path: string; op: OpenApiOperation }) {
  const { op } = props;
  const success = Object.entries(op.responses).find(([status]) => status.startsWith('2'));
  const errors = Object.entries(op.responses).filter(([status]) => !status.startsWith('2'));
  return (
    <section class="card" id={op.operationId}>
      <h2>
        <span class="badge">{props.method.toUpperCase()}</span> <code>{props.path}</code>
      </h2>
      <p>
        <strong>{op.summary}</strong>
        {op.description ? ` — ${op.description}` : null}
      </p>
      <Fields caption="Parameters" rows={op.parameters.map((p) => ({ name: `${p.name} (${p.in})`, type: typeText(p.schema), required: p.required, description: p.description }))} />
      <Fields caption="JSON body" rows={fieldsOf(op.requestBody?.content['application/json'].schema)} />
      {success ? <Fields caption={`Response ${success[0]}`} rows={fieldsOf(success[1].content?.['application/json'].schema)} /> : null}
      <p class="muted">Errors: {errors.map(([status, r]) => `${status} ${r.description}`).join(' · ')}</p>
    </section>
  );
}

/** The human-readable API reference, rendered from the same OpenAPI document as /api/v1/openapi.json. */
export function ApiDocsPage(props: { ctx: PageContext; doc: OpenApiDocument }) {
  const { doc } = props;
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op: op as OpenApiOperation })));
  return (
    <Layout ctx={props.ctx} title="API reference">
      <h1>{doc.info.title} reference</h1>
      <p>{doc.info.description}</p>
      <p class="muted">
        Base URL <code>{doc.servers[0]?.url}</code> · version {doc.info.version} · machine-readable: <a href="/api/v1/openapi.json">OpenAPI 3.1 document</a>
      </p>
      <nav class="card" aria-label="Endpoints">
        <ul>
          {operations.map(({ path, method, op }) => (
            <li>
              <a href={`#${op.operationId}`}>
                {method.toUpperCase()} {path}
              </a>{' '}
              — {op.summary}
            </li>
          ))}
        </ul>
      </nav>
      {operations.map(({ path, method, op }) => (
        <Operation method={method} path={path} op={op} />
      ))}
    </Layout>
  );
}
