// Some links carry their secret in the path (`/invite/<token>`): whoever can read the logs could use a
// link that is still valid. The request log therefore writes such paths with the secret masked. What is
// secret comes from the route table, so a new route with a `:token` parameter is masked without a
// second list to keep in step.
import type { RouteDef } from './routes';

export const REDACTED = '<redacted>';

const SECRET_NAME = /token|secret/i;

/** The parameters of a route's path that carry a secret: those listed on the route, and any named like one. */
export function secretParamsOf(r: Pick<RouteDef, 'path' | 'secretParams'>): string[] {
  const named = [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  return named.filter((p) => SECRET_NAME.test(p) || r.secretParams?.includes(p));
}

type Pattern = { segments: string[]; secret: boolean[] };

const decoded = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/**
 * A function that masks, in a request path (no query string), every segment that fills a secret parameter
 * of a route. Literal segments compare case-insensitively and a trailing slash is ignored, as Express does.
 */
export function secretPathMasker(routes: Pick<RouteDef, 'path' | 'secretParams'>[]): (path: string) => string {
  const patterns: Pattern[] = [];
  const seen = new Set<string>();
  for (const r of routes) {
    const secrets = secretParamsOf(r);
    if (secrets.length === 0 || seen.has(r.path)) continue;
    seen.add(r.path);
    const segments = r.path.replace(/\/+$/, '').split('/');
    // Only `:name` and literal segments are understood here: refuse to start rather than log a secret.
    if (segments.some((s) => /[{}*()?+]/.test(s) || (s.includes(':') && !/^:\w+$/.test(s)))) {
      throw new Error(`${r.path}: a route with a secret parameter must use plain ':name' segments so the request log can mask it`);
    }
    patterns.push({ segments: segments.map((s) => (s.startsWith(':') ? s : s.toLowerCase())), secret: segments.map((s) => s.startsWith(':') && secrets.includes(s.slice(1))) });
  }
  if (patterns.length === 0) return (path) => path;
  return (path) => {
    const parts = path.replace(/\/+$/, '').split('/');
    for (const p of patterns) {
      if (p.segments.length !== parts.length) continue;
      if (!p.segments.every((s, i) => (s.startsWith(':') ? parts[i] !== '' : s === decoded(parts[i]!).toLowerCase()))) continue;
      return parts.map((part, i) => (p.secret[i] ? REDACTED : part)).join('/') + (path.endsWith('/') && parts.length > 1 ? '/' : '');
    }
    return path;
  };
}
