// Stripe-shaped answers of the fake: errors (v1 and OAuth), JSON responses, list pages.
import type http from 'node:http';
import crypto from 'node:crypto';
import { str, type Params, type ParamValue } from './params';
import type { StripeObject } from './lists';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`fake stripe ${status}`);
  }
}

export const apiError = (status: number, type: string, message: string, extra: { code?: string; param?: string } = {}) =>
  new HttpError(status, { error: { type, message, ...extra } });
export const oauthError = (status: number, error: string, description: string) => new HttpError(status, { error, error_description: description });

export function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': `req_${crypto.randomBytes(8).toString('hex')}`, ...headers });
  res.end(text);
}

export function allowOnly(params: Params, allowed: string[]): void {
  for (const k of Object.keys(params)) {
    if (!allowed.includes(k)) throw apiError(400, 'invalid_request_error', `Received unknown parameter: ${k}`, { code: 'parameter_unknown', param: k });
  }
}

export function paginate(items: StripeObject[], q: Params, url: string): { object: 'list'; data: StripeObject[]; has_more: boolean; url: string } {
  const limitText = str(q.limit as ParamValue | undefined);
  const limit = limitText === undefined ? 10 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw apiError(400, 'invalid_request_error', 'Invalid integer: limit must be between 1 and 100', { param: 'limit' });
  const after = str(q.starting_after);
  const before = str(q.ending_before);
  let start = 0;
  let end = items.length;
  if (after) {
    const i = items.findIndex((o) => o.id === after);
    if (i < 0) throw apiError(400, 'invalid_request_error', `No such object: '${after}'`, { param: 'starting_after' });
    start = i + 1;
  }
  if (before) {
    const i = items.findIndex((o) => o.id === before);
    if (i < 0) throw apiError(400, 'invalid_request_error', `No such object: '${before}'`, { param: 'ending_before' });
    end = i;
    start = Math.max(0, end - limit);
  }
  const data = items.slice(start, Math.min(end, start + limit));
  return { object: 'list', data, has_more: before ? start > 0 : start + limit < end, url };
}
