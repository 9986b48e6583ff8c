// A cookie-keeping HTTP client for driving Refcut's own pages from the demo script: forms with their
// CSRF token, redirects followed by hand (the OAuth round trip leaves the app and comes back).

export class SessionClient {
  private readonly cookies = new Map<string, string>();
  private readonly origin: string;

  constructor(readonly baseUrl: string) {
    this.origin = new URL(baseUrl).origin;
  }

  /** One request, no redirect following. Cookies are kept for the app's origin only. */
  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<Response> {
    const target = new URL(url, this.baseUrl);
    const mine = target.origin === this.origin;
    const headers: Record<string, string> = {};
    if (mine && this.cookies.size > 0) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(target, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined, redirect: 'manual' });
    if (mine) {
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
      }
    }
    return res;
  }

  /** GET and follow redirects (across origins too) until a page answers; returns the last response. */
  async follow(url: string, maxHops = 6): Promise<{ res: Response; url: string }> {
    let current = new URL(url, this.baseUrl).toString();
    for (let hop = 0; hop <= maxHops; hop++) {
      const res = await this.request('GET', current);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { res, url: current };
      await res.arrayBuffer();
      current = new URL(location, current).toString();
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** POST a form with the CSRF token of the page at `from` (the form's own page by default). */
  async submit(path: string, fields: Record<string, string>, from = path): Promise<Response> {
    const page = await this.request('GET', from);
    const html = await page.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error(`no CSRF token on ${from} (${page.status})`);
    return this.request('POST', path, { ...fields, _csrf: token });
  }
}
