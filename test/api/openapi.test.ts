import request from 'supertest';
import { z } from 'zod';
import { buildTestApp, signUpMerchant, type TestApp } from '../helpers/app';
import { contextOf, mountApiRoutes } from '../helpers/api';
import { apiRoute } from '../../server/api/api-route';
import { listQuery, pageOf } from '../../server/api/pagination';
import { openApiPath, type OpenApiDocument } from '../../server/api/openapi';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

/** Structural checks of an OpenAPI 3.1 document (no validator package: the install must work offline). */
function problemsOf(doc: OpenApiDocument): string[] {
  const problems: string[] = [];
  const d = doc as unknown as Record<string, any>;
  if (!/^3\.1\.\d+$/.test(String(d.openapi))) problems.push(`openapi is ${d.openapi}`);
  if (typeof d.info?.title !== 'string' || typeof d.info?.version !== 'string') problems.push('info.title and info.version are required');
  for (const req of d.security ?? []) for (const name of Object.keys(req)) if (!d.components?.securitySchemes?.[name]) problems.push(`unknown security scheme ${name}`);
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries<Record<string, any>>(d.paths ?? {})) {
    if (!path.startsWith('/')) problems.push(`path ${path} must start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries<any>(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!METHODS.has(method)) problems.push(`${where}: unknown method`);
      if (typeof op.operationId !== 'string' || operationIds.has(op.operationId)) problems.push(`${where}: operationId missing or duplicated`);
      operationIds.add(op.operationId);
      const params: any[] = op.parameters ?? [];
      for (const p of params) {
        if (typeof p.name !== 'string' || !['query', 'header', 'path', 'cookie'].includes(p.in) || typeof p.schema !== 'object') problems.push(`${where}: bad parameter ${JSON.stringify(p)}`);
        if (p.in === 'path' && (!templated.includes(p.name) || p.required !== true)) problems.push(`${where}: path parameter ${p.name} not in the template or not required`);
      }
      for (const name of templated) if (!params.some((p) => p.in === 'path' && p.name === name)) problems.push(`${where}: {${name}} is not declared`);
      const responses = Object.entries<any>(op.responses ?? {});
      if (responses.length === 0) problems.push(`${where}: no responses`);
      if (!responses.some(([status]) => /^2\d\d$/.test(status))) problems.push(`${where}: no success response`);
      for (const [status, r] of responses) {
        if (!/^[1-5]\d\d$/.test(status)) problems.push(`${where}: bad status ${status}`);
        if (typeof r.description !== 'string') problems.push(`${where} ${status}: description required`);
      }
      if (op.requestBody && typeof op.requestBody.content?.['application/json']?.schema !== 'object') problems.push(`${where}: request body without a JSON schema`);
    }
  }
  // Every $ref resolves, and every `type` is a JSON Schema type.
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        const target = v.replace(/^#\//, '').split('/').reduce<any>((o, part) => o?.[part], d);
        if (target === undefined) problems.push(`${at}: unresolved $ref ${v}`);
      }
      if (k === 'type' && at.includes('schema') && !at.endsWith('/properties') && ![v].flat().every((x) => JSON_TYPES.has(String(x)))) problems.push(`${at}: bad type ${JSON.stringify(v)}`);
      walk(v, `${at}/${k}`);
    }
  };
  walk(d, '#');
  return problems;
}

describe('GET /api/v1/openapi.json', () => {
  it('is a public OpenAPI 3.1 document listing every api route with its methods, and holds no data', async () => {
    const m = await signUpMerchant(t);
    const res = await request(t.http).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.body as OpenApiDocument;
    expect(problemsOf(doc)).toEqual([]);
    expect(doc.servers).toEqual([{ url: 'http://refcut.test' }]);

    const apiRoutes = t.app.routes.filter((r) => r.access === 'api');
    expect(apiRoutes.length).toBeGreaterThan(0);
    for (const r of apiRoutes) expect(doc.paths[openApiPath(r.path)]?.[r.method]).toBeDefined();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual(apiRoutes.map((r) => `${r.method} ${openApiPath(r.path)}`).sort());

    const program = doc.paths['/api/v1/program']!.get!;
    expect(program.responses['200']!.content!['application/json'].schema).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['id', 'name', 'mode', 'settings', 'stripe']),
      properties: { settings: { type: 'object', properties: { minPayout: { type: 'integer' } } } },
    });
    expect(Object.keys(program.responses).sort()).toEqual(['200', '400', '401', '429']);
    expect(JSON.stringify(doc)).not.toContain(m.publicId);
    expect(JSON.stringify(doc)).not.toContain(m.merchantId);
  });

  it('documents request bodies, query parameters and Idempotency-Key from the same zod schemas', async () => {
    const app = mountApiRoutes(t, (ctx) => [
      apiRoute(ctx, {
        method: 'post',
        path: '/api/v1/things/:thingId/notes',
        summary: 'Add a note',
        tags: ['Things'],
        body: z.strictObject({ text: z.string().max(10).describe('The note.'), amount: z.number().int().nonnegative().optional() }),
        response: z.object({ id: z.string() }),
        errors: [{ status: 409, code: 'conflict', description: 'Already noted.' }],
        handler: () => ({ id: 'n1' }),
      }),
      apiRoute(ctx, {
        method: 'get',
        path: '/api/v1/things',
        summary: 'List things',
        tags: ['Things'],
        query: listQuery({ status: z.enum(['on', 'off']).optional().describe('Only things in this status.') }),
        response: pageOf(z.object({ id: z.string() })),
        handler: () => ({ data: [], page: 1, limit: 50, total: 0 }),
      }),
    ]);
    const doc = (await request(app).get('/api/v1/openapi.json')).body as OpenApiDocument;
    expect(problemsOf(doc)).toEqual([]);

    const add = doc.paths['/api/v1/things/{thingId}/notes']!.post!;
    expect(add.operationId).toBe('postThingsByThingIdNotes');
    expect(add.parameters).toEqual([
      { name: 'thingId', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 200 } },
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    ]);
    expect(add.requestBody).toEqual({
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: { text: { type: 'string', maxLength: 10, description: 'The note.' }, amount: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } },
            required: ['text'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(Object.keys(add.responses).sort()).toEqual(['201', '400', '401', '409', '413', '422', '429']);
    expect(add.responses['409']!.description).toBe('A request with the same Idempotency-Key is still in flight. Or: Already noted.');

    const list = doc.paths['/api/v1/things']!.get!;
    expect(list.parameters).toEqual([
      { name: 'page', in: 'query', required: false, description: 'Page number, starting at 1.', schema: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 } },
      { name: 'limit', in: 'query', required: false, description: 'Items per page, 1 to 100 (default 50).', schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
      { name: 'status', in: 'query', required: false, description: 'Only things in this status.', schema: { type: 'string', enum: ['on', 'off'] } },
    ]);
    expect(list.responses['200']!.content!['application/json'].schema).toMatchObject({ required: ['data', 'page', 'limit', 'total'] });
  });

  it('refuses to declare an endpoint whose body would silently drop unknown fields', () => {
    const ctx = contextOf(t);
    expect(() =>
      apiRoute(ctx, { method: 'post', path: '/api/v1/loose', summary: 'Loose', tags: [], body: z.object({ a: z.string() }), response: z.object({}), handler: () => ({}) }),
    ).toThrow('POST /api/v1/loose: the body schema must be a z.strictObject');
  });
});

describe('the API reference page', () => {
  it('renders every endpoint, its fields and errors from the same document', async () => {
    const res = await request(t.http).get('/docs/api');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text).toContain('Refcut API reference');
    expect(res.text).toContain('<code>/api/v1/program</code>');
    expect(res.text).toContain('Retrieve your program');
    expect(res.text).toContain('<code>settings.minPayout</code>');
    expect(res.text).toContain('Minimum balance for a payout, in minor units of currency.');
    expect(res.text).toContain('429 Rate limit exceeded');
    expect(res.text).toContain('href="/api/v1/openapi.json"');
  });
});
