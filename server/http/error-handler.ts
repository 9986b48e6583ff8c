import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { AppError, fromZodError } from './errors';
import type { Logger } from '../lib/logger';
import { render } from '../../web/views/render';
import { ErrorPage } from '../../web/views/pages/error';
import { pageContext } from './page-context';

const wantsJson = (req: Request) => req.path.startsWith('/api/') || req.path.startsWith('/webhooks/');

/** Turn anything thrown into an AppError; unknown errors become a generic 500 (logged, never shown). */
function normalize(err: unknown): { appError: AppError; unexpected: boolean } {
  if (err instanceof AppError) return { appError: err, unexpected: false };
  if (err instanceof ZodError) return { appError: fromZodError(err), unexpected: false };
  const e = err as { type?: string; status?: number; statusCode?: number; code?: string; message?: string };
  if (e?.code === 'EBADCSRFTOKEN') {
    return { appError: new AppError(403, 'csrf_invalid', 'This form has expired or was not sent from this site. Reload the page and try again.'), unexpected: false };
  }
  if (e?.type === 'entity.too.large') return { appError: new AppError(413, 'body_too_large', 'Request body is too large.'), unexpected: false };
  if (e?.type === 'entity.parse.failed') return { appError: new AppError(400, 'invalid_json', 'Request body is not valid JSON.'), unexpected: false };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { appError: new AppError(status, 'invalid_request', 'The request could not be understood.'), unexpected: false };
  }
  return { appError: new AppError(500, 'internal_error', 'Something went wrong on our side. It has been logged.'), unexpected: true };
}

const TITLES: Record<number, string> = {
  400: 'That did not look right',
  401: 'Please log in',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'Already exists',
  413: 'Too large',
  429: 'Slow down',
};

/** `maskPath` hides secrets carried in the path (see ./log-redaction) before the path is logged. */
export function errorHandler(logger: Logger, maskPath: (path: string) => string = (p) => p): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const { appError, unexpected } = normalize(err);
    if (unexpected) logger.error({ err, reqId: req.id, path: maskPath(req.path) }, 'unhandled error');
    for (const [k, v] of Object.entries(appError.headers ?? {})) res.setHeader(k, v);
    sendError(req, res, appError);
  };
}

export function sendError(req: Request, res: Response, e: AppError): void {
  if (wantsJson(req)) {
    res.status(e.status).json({ error: { code: e.code, message: e.message, ...(e.param ? { param: e.param } : {}) } });
    return;
  }
  render(res, ErrorPage({ ctx: pageContext(req, res), status: e.status, title: TITLES[e.status] ?? 'Something went wrong', message: e.message }), e.status);
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(req, res, new AppError(404, 'route_not_found', wantsJson(req) ? `No route for ${req.method} ${req.path}.` : 'There is nothing at this address.'));
};
