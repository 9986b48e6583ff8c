import express, { type Router } from 'express';
import type { AppContext } from '../deps';
import type { RouteDef } from '../http/routes';

const BODY_LIMIT = '100kb';

/** The REST API v1 router: JSON bodies, authenticated by API key (no session, no CSRF). */
export function apiRouter(_ctx: AppContext, routes: RouteDef[]): Router | undefined {
  if (routes.length === 0) return undefined;
  const router = express.Router();
  router.use('/api', express.json({ limit: BODY_LIMIT }));
  for (const r of routes) router[r.method](r.path, ...r.handlers);
  return router;
}
