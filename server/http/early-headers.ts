import type { RequestHandler } from 'express';

// Early routes (webhooks, the click redirect, the snippet, public JSON) skip helmet, its cost on the
// hottest paths, but keep what matters for what they send: no MIME sniffing of the snippet or JSON, and
// no inline script or framing of their one HTML page (a link that does not exist). No Referrer-Policy
// here: the merchant's site should see where a click came from. The redirect's lean path
// (server/tracking/fast-redirect.ts) sends the same headers.
export const EARLY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

export const earlyHeaders: RequestHandler = (_req, res, next) => {
  for (const [name, value] of Object.entries(EARLY_HEADERS)) res.setHeader(name, value);
  next();
};
