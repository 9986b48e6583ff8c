import type { RequestHandler } from 'express';

/**
 * Who may call a route. The app mounts every route through this table, applying the guard that the
 * access level names, so a route cannot forget its check; the tenant-isolation tests read the same table.
 *
 * - `webhook`    Stripe's signed POSTs: raw body, no session, no CSRF (the signature is the auth).
 * - `redirect`   the hot public paths (/r/:slug, the snippet): no session, no body parsing.
 * - `public_api` anonymous JSON endpoints (public click tracking): JSON body, no session, no CSRF.
 * - `public`     pages anyone may open (login, sign-up, apply): session + CSRF on writes.
 * - `member`     any logged-in user of the merchant (read-only users included).
 * - `editor`     owner or admin: anything that changes the program.
 * - `owner`      owner only (team management).
 * - `partner`    the partner portal session.
 * - `api`        REST API v1 with an API key: JSON body, no session, no CSRF.
 */
export type Access = 'webhook' | 'redirect' | 'public_api' | 'public' | 'member' | 'editor' | 'owner' | 'partner' | 'api';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options';

export interface RouteDef {
  method: Method;
  path: string;
  access: Access;
  handlers: RequestHandler[];
  /**
   * Path parameters that carry a secret, masked in the request log (see ./log-redaction). Parameters whose
   * name contains `token` or `secret` are masked without being listed here.
   */
  secretParams?: string[];
}

export function route(method: Method, path: string, access: Access, ...handlers: RequestHandler[]): RouteDef {
  return { method, path, access, handlers };
}

export const isUiAccess = (a: Access) => a === 'public' || a === 'member' || a === 'editor' || a === 'owner' || a === 'partner';
export const isEarlyAccess = (a: Access) => a === 'webhook' || a === 'redirect' || a === 'public_api';
