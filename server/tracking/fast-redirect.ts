// The lean path for `GET /r/:slug`: the same service call and the same response as the route in
// ./routes.ts, taken before Express builds its request and response objects and walks its router (which
// costs more than the click itself). Anything it is not sure about (an unknown or disabled link, an odd
// URL, an error) is handed to Express unchanged, so the route stays the single source of behaviour.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { EARLY_HEADERS } from '../http/early-headers';
import { referralCookie } from './cookie';
import { recordLinkClick, type LinkClickResult } from './service';

/** The 302 both paths send. Every click is a new click id: never let a browser or proxy replay a cached redirect. */
export function redirectHeaders(result: Extract<LinkClickResult, { found: true }>, secure: boolean): Record<string, string> {
  return {
    ...EARLY_HEADERS,
    Location: result.location,
    'Set-Cookie': referralCookie(result.clickId, result.cookieSeconds, secure),
    'Cache-Control': 'no-store',
    'X-Robots-Tag': 'noindex',
    'Content-Length': '0',
  };
}

/** Express's `trust proxy` function (`app.get('trust proxy fn')`). */
export type TrustFn = (address: string, hop: number) => boolean;

/**
 * The client address exactly as Express's `req.ip` computes it: walk from the socket's peer through
 * X-Forwarded-For (nearest hop first) while the current hop is a trusted proxy.
 */
export function clientIp(req: IncomingMessage, trust: TrustFn): string | undefined {
  const peer = req.socket.remoteAddress;
  // Node joins repeated X-Forwarded-For headers into one comma-separated string.
  const header = req.headers['x-forwarded-for'] as string | undefined;
  if (!header || peer === undefined) return peer;
  const forwarded = header.split(',').map((s) => s.trim()).reverse();
  const addrs = [peer, ...forwarded];
  for (let i = 0; i < addrs.length - 1; i++) {
    if (!trust(addrs[i]!, i)) return addrs[i];
  }
  return addrs[addrs.length - 1];
}

// Only plain slugs: anything percent-encoded or otherwise unusual goes through Express, which decodes it.
const PATH = /^\/r\/([A-Za-z0-9-]{3,40})\/?(?:\?|$)/i;

export interface FastRedirectDeps {
  db: DB;
  clock: Clock;
  secure: boolean;
  hashIp: (ip: string | undefined) => string | null;
  trust: () => TrustFn;
  /** pino-http's middleware: the same request id header and log line as every other request. */
  logRequest: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  onError: (err: unknown) => void;
}

/**
 * Returns a handler that either takes the request (returns true and answers it, or hands it to
 * `fallback` when the route must decide) or declines it at once (returns false).
 */
export function fastRedirect(deps: FastRedirectDeps) {
  const noop = () => {};
  return (req: IncomingMessage, res: ServerResponse, fallback: () => void): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '';
    const m = PATH.exec(url);
    if (!m) return false;
    deps.logRequest(req, res, noop);
    const q = url.indexOf('?');
    // Express's req.get('referer') reads either spelling.
    const referer = (req.headers.referrer as string | undefined) || req.headers.referer;
    recordLinkClick(deps.db, deps.clock, m[1]!.toLowerCase(), q === -1 ? '' : url.slice(q + 1), {
      method: req.method,
      userAgent: req.headers['user-agent'],
      ipHash: deps.hashIp(clientIp(req, deps.trust())),
      referrer: referer,
    }).then(
      (result) => {
        if (!result.found) return fallback();
        res.writeHead(302, redirectHeaders(result, deps.secure));
        res.end();
      },
      (err: unknown) => {
        // Nothing was recorded (the insert is the last step): the route runs it again and reports any error itself.
        deps.onError(err);
        fallback();
      },
    );
    return true;
  };
}
