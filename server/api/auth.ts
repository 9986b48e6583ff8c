import type { RequestHandler, Response } from 'express';
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { AppError } from '../http/errors';
import { authenticateKey, type ApiKeyIdentity } from './service';

/** The API caller, set by the guard on every `'api'` route. Every query is scoped by its merchantId. */
export type ApiAuth = ApiKeyIdentity;

export function apiAuth(res: Response): ApiAuth {
  const auth = res.locals.api as ApiAuth | undefined;
  if (!auth) throw unauthorized('unauthenticated', 'Missing API key. Send it as "Authorization: Bearer <key>".');
  return auth;
}

const unauthorized = (code: 'unauthenticated' | 'invalid_api_key', message: string) =>
  new AppError(401, code, message, undefined, { 'WWW-Authenticate': 'Bearer realm="Refcut API"' });

/** `Authorization: Bearer <key>` → res.locals.api; anything else is a 401 before any other work. */
export function apiAuthGuard(db: DB, clock: Clock): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (!header) throw unauthorized('unauthenticated', 'Missing API key. Send it as "Authorization: Bearer <key>".');
    const m = /^Bearer +(\S+)$/i.exec(header.trim());
    if (!m?.[1]) throw unauthorized('invalid_api_key', 'Malformed Authorization header. Send "Authorization: Bearer <key>".');
    const identity = await authenticateKey(db, clock, m[1]);
    if (!identity) throw unauthorized('invalid_api_key', 'Invalid or revoked API key.');
    res.locals.api = identity satisfies ApiAuth;
    next();
  };
}
