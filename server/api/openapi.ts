// The OpenAPI 3.1 document, generated from the zod schemas the routes validate with: nothing here is
// written by hand per endpoint, so the document cannot drift from what the API accepts and returns.
import { z } from 'zod';
import type { ApiSpec } from './api-route';

export type JsonSchema = { [key: string]: unknown };

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters: { name: string; in: 'path' | 'query' | 'header'; required: boolean; description?: string; schema: JsonSchema }[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, { description: string; headers?: Record<string, unknown>; content?: { 'application/json': { schema: JsonSchema } } }>;
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  security: Record<string, string[]>[];
  tags: { name: string }[];
  paths: Record<string, Partial<Record<ApiSpec['method'], OpenApiOperation>>>;
  components: {
    securitySchemes: Record<string, unknown>;
    schemas: Record<string, JsonSchema>;
    headers: Record<string, unknown>;
  };
}

const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe('Machine-readable error code, e.g. invalid_request, invalid_api_key, rate_limited.'),
    message: z.string().describe('What went wrong, for people.'),
    param: z.string().optional().describe('The field or header the error is about, when there is one.'),
  }),
});

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
};

/** `/api/v1/affiliates/:id` → `/api/v1/affiliates/{id}` */
export const openApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const operationIdOf = (spec: ApiSpec) =>
  spec.operationId ??
  spec.method +
    spec.path
      .replace(/^\/api\/v1\//, '')
      .split(/[/\-_.]/)
      .filter(Boolean)
      .map((s) => (s.startsWith(':') ? `By${cap(s.slice(1))}` : cap(s)))
      .join('');
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** One parameter per property of an object schema (query strings and path segments). */
function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): OpenApiOperation['parameters'] {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input');
  const properties = (js.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((js.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: where, required: where === 'path' || required.has(name), ...(typeof description === 'string' ? { description } : {}), schema: rest };
  });
}

const errorResponse = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const RATE_HEADERS = {
  'X-RateLimit-Limit': { $ref: '#/components/headers/X-RateLimit-Limit' },
  'X-RateLimit-Remaining': { $ref: '#/components/headers/X-RateLimit-Remaining' },
  'X-RateLimit-Reset': { $ref: '#/components/headers/X-RateLimit-Reset' },
};

function operationOf(spec: ApiSpec): OpenApiOperation {
  const write = spec.method !== 'get';
  const parameters = [...parametersOf(spec.params, 'path'), ...parametersOf(spec.query, 'query')];
  if (write) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Any unique string (e.g. a UUID), up to 255 characters. A retry with the same key and body replays the first response (marked Idempotent-Replayed: true) for 24 hours; the same key with a different body is refused with 422.',
      schema: { type: 'string', maxLength: 255 },
    });
  }
  const responses: OpenApiOperation['responses'] = {
    [String(spec.status)]: { description: spec.summary, headers: RATE_HEADERS, content: { 'application/json': { schema: jsonSchema(spec.response, 'output') } } },
    '400': errorResponse('Invalid request: a field is missing, malformed or unknown (param names it), or the body is not valid JSON.'),
    '401': errorResponse('Missing, invalid or revoked API key.'),
    '429': errorResponse('Rate limit exceeded: wait Retry-After seconds.', { 'Retry-After': { description: 'Seconds until the window resets.', schema: { type: 'integer' } }, ...RATE_HEADERS }),
  };
  if (write) {
    responses['409'] ??= errorResponse('A request with the same Idempotency-Key is still in flight.');
    responses['413'] = errorResponse('The JSON body is over 100 kB.');
    responses['422'] ??= errorResponse('The Idempotency-Key was used with a different request.');
  }
  for (const e of spec.errors ?? []) {
    const existing = responses[String(e.status)];
    responses[String(e.status)] = errorResponse(existing && existing.description !== e.description ? `${existing.description} Or: ${e.description}` : e.description);
  }
  return {
    operationId: operationIdOf(spec),
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags,
    parameters,
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } } : {}),
    responses,
  };
}

export function buildOpenApi(specs: ApiSpec[], serverUrl: string): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const spec of specs) {
    const p = (paths[openApiPath(spec.path)] ??= {});
    p[spec.method] = operationOf(spec);
  }
  const tags = [...new Set(specs.flatMap((s) => s.tags))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Refcut API',
      version: '1.0.0',
      description:
        'REST API v1 of this Refcut server. Authenticate every call with `Authorization: Bearer <API key>` (create keys under Settings → API keys). JSON bodies and responses use camelCase, ISO 8601 UTC timestamps and money as integer minor units with a lower-case currency. Errors are `{ "error": { "code", "message", "param"? } }`.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }],
    tags,
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key: rc_live_… or rc_test_…' } },
      schemas: { Error: jsonSchema(ErrorBody, 'output') },
      headers: {
        'X-RateLimit-Limit': { description: 'Requests allowed per minute for this key and kind (reads or writes).', schema: { type: 'integer' } },
        'X-RateLimit-Remaining': { description: 'Requests left in the current window.', schema: { type: 'integer' } },
        'X-RateLimit-Reset': { description: 'When the window resets, in Unix seconds.', schema: { type: 'integer' } },
      },
    },
  };
}
