import type { Response } from 'express';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** Render a page component to HTML. Text and attributes are escaped by preact. */
export function render(res: Response, page: VNode, status = 200): void {
  res.status(status).type('html').send(`<!doctype html>${renderToString(page)}`);
}

/** Only http(s) URLs may become links: `javascript:` and friends render as plain text. */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}
