import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import type { AppContext } from '../../server/deps';
import type { RouteDef } from '../../server/http/routes';
import { apiRouter } from '../../server/api/router';
import { errorHandler, notFoundHandler } from '../../server/http/error-handler';
import { createLogger } from '../../server/lib/logger';
import type { SignedUpMerchant, TestApp } from './app';

const KEY_IN_PAGE = /rc_(?:live|test)_[0-9A-Za-z]{40}/;

/** Create an API key through the settings page, as a merchant would; returns the key shown once. */
export async function createApiKey(m: SignedUpMerchant, options: { name?: string; mode?: 'live' | 'test' } = {}): Promise<string> {
  const res = await m.browser.submit('/settings/api-keys', { name: options.name ?? 'Backend', mode: options.mode ?? 'live' });
  if (res.status !== 201) throw new Error(`creating an API key failed: ${res.status} ${res.text.slice(0, 300)}`);
  const key = KEY_IN_PAGE.exec(res.text)?.[0];
  if (!key) throw new Error('no API key on the page');
  return key;
}

/** supertest calls that carry `Authorization: Bearer <key>`. */
export function apiAs(target: TestApp | express.Express, key: string) {
  const app = 'http' in target ? target.http : target;
  const auth = `Bearer ${key}`;
  return {
    get: (path: string) => request(app).get(path).set('Authorization', auth),
    post: (path: string, body?: unknown) => {
      const r = request(app).post(path).set('Authorization', auth);
      return body === undefined ? r : r.send(body as object);
    },
  };
}

/** The app's dependencies as features receive them, for mounting extra routes in a test's own app. */
export function contextOf(t: TestApp): AppContext {
  return { db: t.db, config: t.config, clock: t.clock, stripe: t.stripe, logger: createLogger('silent'), jobs: t.app.jobs, shared: t.app.shared };
}

/**
 * A test's own express app serving `routes` through the real API router (key auth, rate limits, JSON
 * body limit, validation, idempotency, JSON errors), on the same database as `t`.
 */
export function mountApiRoutes(t: TestApp, routes: (ctx: AppContext) => RouteDef[]): express.Express {
  const ctx = contextOf(t);
  const app = express();
  app.set('query parser', 'simple');
  app.use(apiRouter(ctx, routes(ctx)));
  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger));
  return app;
}

export interface ReceivedRequest {
  headers: http.IncomingHttpHeaders;
  rawBody: Buffer;
  body: unknown;
}

/**
 * A merchant's webhook endpoint on 127.0.0.1: records every request and answers with the status
 * `respond` returns for the n-th request (1-based).
 */
export async function webhookReceiver(respond: (n: number) => number = () => 200) {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      received.push({ headers: req.headers, rawBody, body: JSON.parse(rawBody.toString('utf8') || 'null') as unknown });
      const status = respond(received.length);
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status >= 400 ? 'receiver says no' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/refcut`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type WebhookReceiver = Awaited<ReturnType<typeof webhookReceiver>>;
