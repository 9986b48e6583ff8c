// The public side of tracking: the /r/:slug redirect, the snippet, the public click endpoint. No sessions here.
import express, { type RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { AppError } from '../http/errors';
import { render } from '../../web/views/render';
import { LinkMissingPage } from '../../web/views/pages/partners-link-missing';
import { redirectHeaders } from './fast-redirect';
import { ipHasher } from './visitor';
import { recordLinkClick, recordPublicClick } from './service';
import { snippetHandler } from './snippet';

/** Clicks per minute one IP may record through the public endpoint (a real visitor needs one per landing). */
export const TRACK_CLICK_LIMIT = 60;

/** Any site may call the click endpoint: it is keyed by the program's public id and never uses cookies. */
const cors: RequestHandler = (_req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
  res.setHeader('Access-Control-Max-Age', '86400');
  next();
};

export function trackingRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  const { clock, config } = ctx;
  const hashIp = ipHasher(config.sessionSecret);
  const secure = config.publicUrl.startsWith('https://');

  const clickLimiter = rateLimit({
    windowMs: 60_000,
    limit: TRACK_CLICK_LIMIT,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: ctx.shared.rateLimitStore('track-click'),
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    handler: (_req, _res, next) => next(new AppError(429, 'rate_limited', 'Too many clicks from this address. Try again in a minute.')),
  });
  // The snippet posts text/plain (no CORS preflight); its body is still JSON.
  const textBody = express.text({ type: 'text/plain', limit: '16kb' });

  return [
    route('get', '/r/:slug', 'redirect', async (req, res) => {
      const q = req.originalUrl.indexOf('?');
      const result = await recordLinkClick(db, clock, String(req.params.slug).toLowerCase(), q === -1 ? '' : req.originalUrl.slice(q + 1), {
        method: req.method,
        userAgent: req.get('user-agent'),
        ipHash: hashIp(req.ip),
        referrer: req.get('referer'),
      });
      if (!result.found) {
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('X-Robots-Tag', 'noindex');
        return render(res, LinkMissingPage({ siteUrl: result.siteUrl }), 404);
      }
      // The same response as the lean path in ./fast-redirect.ts, which answers most clicks before this route.
      res.writeHead(302, redirectHeaders(result, secure));
      res.end();
    }),

    route('get', '/refcut.js', 'redirect', snippetHandler()),

    route('options', '/api/v1/track/click', 'public_api', cors, (_req, res) => {
      res.status(204).end();
    }),
    route('post', '/api/v1/track/click', 'public_api', cors, clickLimiter, textBody, async (req, res) => {
      let body: unknown = req.body;
      if (typeof body === 'string') {
        try {
          body = JSON.parse(body);
        } catch {
          throw new AppError(400, 'invalid_json', 'Request body is not valid JSON.');
        }
      }
      const click = await recordPublicClick(db, clock, body, { method: req.method, userAgent: req.get('user-agent'), ipHash: hashIp(req.ip), referrer: undefined });
      const { created, ...answer } = click;
      res.status(created ? 201 : 200).json(answer);
    }),
  ];
}
