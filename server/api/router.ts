import express, { type Router } from 'express';
import type { AppContext } from '../deps';
import type { RouteDef } from '../http/routes';
import { AppError } from '../http/errors';
import { pageContext } from '../http/page-context';
import { render } from '../../web/views/render';
import { ApiDocsPage } from '../../web/views/pages/api-docs';
import { apiAuthGuard } from './auth';
import { apiRateLimit } from './rate-limit';
import { isApiRouteDef } from './api-route';
import { buildOpenApi } from './openapi';

const BODY_LIMIT = '100kb';

/**
 * The REST API v1 router: every `'api'` route runs API-key auth → per-key rate limit → JSON body
 * (100 kB) → its own validation and handler; no session, no CSRF. It also serves the OpenAPI document
 * of exactly the routes it mounts (public: it describes the API and holds no data) and its reference page.
 */
export function apiRouter(ctx: AppContext, routes: RouteDef[]): Router {
  const db = ctx.db.kysely;
  const router = express.Router();
  const auth = apiAuthGuard(db, ctx.clock);
  const limit = apiRateLimit(ctx.shared.rateLimitStore, ctx.config.api);
  const json = express.json({ limit: BODY_LIMIT });

  const document = buildOpenApi(routes.filter(isApiRouteDef).map((r) => r.spec), ctx.config.publicUrl);
  const documentJson = JSON.stringify(document);
  router.get('/api/v1/openapi.json', (_req, res) => {
    res.type('json').send(documentJson);
  });
  router.get('/docs/api', (req, res) => render(res, ApiDocsPage({ ctx: pageContext(req, res), doc: document })));

  for (const r of routes) router[r.method](r.path, auth, limit, json, ...r.handlers);
  // Answer unknown /api paths here, in JSON, before the UI router's session and CSRF checks see them.
  router.use('/api', (req) => {
    throw new AppError(404, 'route_not_found', `No route for ${req.method} ${req.originalUrl.split('?')[0]}.`);
  });
  return router;
}
