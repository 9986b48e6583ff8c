import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../deps';
import type { Method, RouteDef } from '../http/routes';
import { parse } from '../http/validate';
import { apiAuth, type ApiAuth } from './auth';
import { idempotency } from './idempotency';

type ObjectSchema = z.ZodType<Record<string, unknown>>;

/** What an endpoint documents about itself; the OpenAPI document is generated from these. */
export interface ApiSpec {
  method: Method;
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  operationId?: string;
  query?: ObjectSchema;
  params?: ObjectSchema;
  body?: z.ZodType;
  response: z.ZodType;
  status: number;
  /** Errors particular to this endpoint; 400, 401, 404 (unknown route) and 429 are documented for all. */
  errors?: { status: number; code: string; description: string }[];
}

export interface ApiRouteDef extends RouteDef {
  access: 'api';
  spec: ApiSpec;
}

export const isApiRouteDef = (r: RouteDef): r is ApiRouteDef => r.access === 'api' && 'spec' in r;

export interface ApiInput<Q, P, B> {
  query: Q;
  params: P;
  body: B;
  api: ApiAuth;
  req: Request;
  res: Response;
}

/**
 * Declare one REST API endpoint: its query, path parameters and body are validated with zod (unknown
 * fields refused) before the handler runs, writes honour Idempotency-Key, and the handler's return value
 * is sent as JSON with `status`. The same schemas feed GET /api/v1/openapi.json.
 *
 *   apiRoute(ctx, { method: 'get', path: '/api/v1/things/:id', summary: 'Retrieve a thing', tags: ['Things'],
 *     response: Thing, handler: ({ params, api }) => things.get(db, api.merchantId, params.id) })
 */
export function apiRoute<
  Q extends ObjectSchema = z.ZodObject<{}, z.core.$strict>,
  P extends ObjectSchema = z.ZodObject<Record<string, z.ZodString>, z.core.$strict>,
  B extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
>(
  ctx: Pick<AppContext, 'db' | 'clock' | 'logger'>,
  def: Omit<ApiSpec, 'query' | 'params' | 'body' | 'response' | 'status'> & {
    query?: Q;
    params?: P;
    body?: B;
    response: R;
    status?: number;
    handler: (input: ApiInput<z.output<Q>, z.output<P>, z.output<B>>) => Promise<z.input<R>> | z.input<R>;
  },
): ApiRouteDef {
  const { handler, ...rest } = def;
  const params = def.params ?? paramsFromPath(def.path);
  const spec: ApiSpec = { ...rest, params, status: def.status ?? (def.method === 'post' ? 201 : 200) };
  for (const [where, schema] of [['query', def.query], ['body', def.body]] as const) {
    // A non-strict object would silently drop unknown fields: refuse to start rather than ship that.
    if (schema instanceof z.ZodObject && schema._zod.def.catchall?._zod.def.type !== 'never') {
      throw new Error(`${def.method.toUpperCase()} ${def.path}: the ${where} schema must be a z.strictObject`);
    }
  }
  const validate: RequestHandler = (req, res, next) => {
    res.locals.input = {
      query: parse(def.query ?? z.strictObject({}), req.query ?? {}),
      params: parse(params, req.params ?? {}),
      body: def.body ? parse(def.body, req.body ?? {}) : undefined,
    };
    next();
  };
  const run: RequestHandler = async (req, res) => {
    const input = res.locals.input as { query: z.output<Q>; params: z.output<P>; body: z.output<B> };
    const result = await handler({ ...input, api: apiAuth(res), req, res });
    res.status(spec.status).json(result);
  };
  const handlers = def.method === 'get' ? [validate, run] : [validate, idempotency(ctx.db.kysely, ctx.clock, ctx.logger), run];
  return { method: def.method, path: def.path, access: 'api', handlers, spec };
}

/** `:id` segments become required string parameters. */
function paramsFromPath(path: string): ObjectSchema {
  const names = [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  return z.strictObject(Object.fromEntries(names.map((n) => [n, z.string().min(1).max(200)])));
}
