import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { PUBLIC_DIR } from '../lib/paths';
import { sha256 } from '../lib/ids';

export const SNIPPET_CACHE_CONTROL = 'public, max-age=3600, stale-while-revalidate=86400';

/**
 * Serve the tracking snippet at /refcut.js: read once, revalidated by ETag, cached an hour by browsers
 * and CDNs (a fix reaches every merchant's site within the hour without them changing their tag).
 */
export function snippetHandler(): RequestHandler {
  const body = fs.readFileSync(path.join(PUBLIC_DIR, 'refcut.js'));
  const etag = `"${sha256(body.toString('utf8')).slice(0, 32)}"`;
  return (req, res) => {
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', SNIPPET_CACHE_CONTROL);
    res.setHeader('ETag', etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Loaded by merchants' pages from another origin, possibly with crossorigin/SRI or under COEP.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('Content-Length', body.length);
    res.end(body);
  };
}
