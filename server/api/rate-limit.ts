import type { RequestHandler } from 'express';
import type { Store } from 'express-rate-limit';
import type { Config } from '../config';
import { AppError } from '../http/errors';
import { apiAuth } from './auth';

const WINDOW_MS = 60_000;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Per-key limits in fixed one-minute windows, reads and writes counted apart. The counters live in the
 * shared database (one upsert per request) or in Redis (REDIS_URL), so the limit holds however many
 * processes serve the API.
 */
export function apiRateLimit(storeFor: (prefix: string) => Store, limits: Config['api']): RequestHandler {
  const stores = { read: storeFor('api-read'), write: storeFor('api-write') };
  for (const store of Object.values(stores)) void store.init?.({ windowMs: WINDOW_MS } as Parameters<NonNullable<Store['init']>>[0]);
  return async (req, res, next) => {
    const { keyId } = apiAuth(res);
    const read = READ_METHODS.has(req.method);
    const limit = read ? limits.rateLimitGet : limits.rateLimitPost;
    const { totalHits, resetTime = new Date(Date.now() + WINDOW_MS) } = await stores[read ? 'read' : 'write'].increment(keyId);
    res.setHeader('X-RateLimit-Limit', String(limit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - totalHits)));
    res.setHeader('X-RateLimit-Reset', String(Math.ceil(resetTime.getTime() / 1000)));
    if (totalHits > limit) {
      const retryAfter = Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000));
      throw new AppError(
        429,
        'rate_limited',
        `Too many ${read ? 'read' : 'write'} requests: this key may make ${limit} per minute. Retry in ${retryAfter} s.`,
        undefined,
        { 'Retry-After': String(retryAfter) },
      );
    }
    next();
  };
}
