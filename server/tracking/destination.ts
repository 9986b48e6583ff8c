// Where a referral link sends the visitor. Pure: no I/O, no clock.

/** True when `url` is an http(s) URL on the same origin (scheme, host, port) as `base`: no open redirects. */
export function isOnSite(url: string, base: string | null): boolean {
  if (!base) return false;
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/**
 * The redirect target: the destination with the visitor's own query parameters merged in (the link's
 * wins on a clash, so a partner cannot re-point a merchant's fixed parameter), then `via` and `referral`
 * set last so nobody can forge them. The fragment stays at the end.
 */
export function redirectLocation(destination: string, incomingQuery: string, code: string, clickId: string): string {
  const url = new URL(destination);
  for (const [k, v] of new URLSearchParams(incomingQuery)) {
    if (k === 'via' || k === 'referral' || url.searchParams.has(k)) continue;
    url.searchParams.append(k, v);
  }
  url.searchParams.set('via', code);
  url.searchParams.set('referral', clickId);
  return url.toString();
}
