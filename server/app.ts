import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { csrfSync } from 'csrf-sync';
import type { AppContext, AppDeps } from './deps';
import { allJobs, allRoutes } from './routes';
import { Jobs } from './jobs';
import { isEarlyAccess, type RouteDef } from './http/routes';
import { sharedState, type SharedState } from './http/shared-state';
import { uiGuard } from './http/auth';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { PUBLIC_DIR } from './lib/paths';
import { apiRouter } from './api/router';
import { fastRedirect, type TrustFn } from './tracking/fast-redirect';
import { fastIntake, type EtagFn } from './stripe/fast-intake';
import { webhookReceiver } from './stripe/intake';
import { ipHasher } from './tracking/visitor';
import { safeEqual } from './lib/ids';
import { earlyHeaders } from './http/early-headers';
import { secretPathMasker } from './http/log-redaction';

export interface App {
  express: Express;
  routes: RouteDef[];
  jobs: Jobs;
  shared: SharedState;
}

const BODY_LIMIT = '100kb';

/** Build the whole HTTP app from its dependencies. No module reads process.env: config arrives here. */
export function createApp(deps: AppDeps): App {
  const { config, db, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');

  const jobs = new Jobs(logger);
  const shared = sharedState(db, deps.redis);
  const ctx: AppContext = { ...deps, jobs, shared };
  const routes = allRoutes(ctx);
  jobs.register(...allJobs(ctx));
  const maskPath = secretPathMasker(routes);

  // Early routes (webhooks, the click redirect, the snippet, public JSON) run before sessions and helmet,
  // which are the costliest middleware on the hottest paths. They set their own headers.
  const httpLog = pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = crypto.randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: maskPath(req.url.split('?')[0]!) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
  // A request a lean path (redirect, webhook) handed back to Express is already logged (it has its id).
  app.use((req, res, next) => (req.id ? next() : httpLog(req, res, next)));

  // `GET /r/:slug` is answered before Express's own request handling (see server/tracking/fast-redirect.ts).
  const fast = fastRedirect({
    db: db.kysely,
    clock: deps.clock,
    secure: config.publicUrl.startsWith('https://'),
    hashIp: ipHasher(config.sessionSecret),
    trust: () => app.get('trust proxy fn') as TrustFn,
    logRequest: httpLog,
    onError: (err) => logger.warn({ err }, 'redirect fast path failed; the route retries'),
  });
  // `POST /webhooks/stripe` likewise (see server/stripe/fast-intake.ts).
  const intake = fastIntake({
    receive: webhookReceiver(ctx),
    etag: () => app.get('etag fn') as EtagFn,
    logRequest: httpLog,
    onError: (err) => logger.warn({ err }, 'webhook fast path failed; the route retries'),
  });
  const handled = app as unknown as { handle(req: IncomingMessage, res: ServerResponse, next?: unknown): void };
  const handle = handled.handle.bind(app);
  handled.handle = (req, res, next) => {
    const viaExpress = () => handle(req, res, next);
    if (!fast(req, res, viaExpress) && !intake(req, res, viaExpress)) viaExpress();
  };

  const early = express.Router();
  for (const r of routes.filter((r) => isEarlyAccess(r.access))) {
    const parsers = r.access === 'public_api' ? [express.json({ limit: BODY_LIMIT })] : [];
    early[r.method](r.path, earlyHeaders, ...parsers, ...r.handlers);
  }
  app.use(early);

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
        },
      },
      strictTransportSecurity: config.publicUrl.startsWith('https://'),
    }),
  );
  app.use('/static', express.static(PUBLIC_DIR, { maxAge: config.env === 'production' ? '1h' : 0, index: false }));

  const api = apiRouter(ctx, routes.filter((r) => r.access === 'api'));
  if (api) app.use(api);

  // Pages: sessions in the database, a CSRF token per session, form bodies.
  const ui = express.Router();
  ui.use(
    session({
      name: 'refcut.sid',
      secret: config.sessionSecret,
      store: shared.sessionStore,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.publicUrl.startsWith('https://'), maxAge: 7 * 86_400_000 },
    }),
  );
  ui.use(express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 200 }));
  // express-session stores a changed session only after the response's headers are out, so a browser can
  // follow a redirect before a flash message or a fresh login is saved (expressjs/session#360; seen with
  // PostgreSQL in the browser tests). A redirect after a change therefore waits for the save.
  ui.use((req, res, next) => {
    const snapshot = () => JSON.stringify({ ...req.session, cookie: undefined });
    const before = snapshot();
    const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
    res.redirect = ((...args: unknown[]) => {
      if (!req.session || snapshot() === before) return redirect(...args);
      req.session.save((err) => (err ? next(err) : redirect(...args)));
    }) as typeof res.redirect;
    next();
  });
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const sent =
        ((req.body as Record<string, unknown> | undefined)?._csrf as string | undefined) ??
        (req.headers['x-csrf-token'] as string | undefined) ??
        // File uploads (multipart) are parsed by their route, after this check: their form carries the token in its action URL.
        (req.is('multipart/form-data') ? (req.query._csrf as string | undefined) : undefined);
      // csrf-sync compares with ===: compare in constant time here, and hand it the stored token only on a match.
      const stored = req.session?.csrfToken;
      return typeof sent === 'string' && typeof stored === 'string' && safeEqual(sent, stored) ? stored : undefined;
    },
  });
  ui.use((req, res, next) => {
    // Only mint a token (and so a session) when a page will be rendered or one already exists.
    if (req.session.csrfToken || req.method === 'GET') res.locals.csrfToken = generateToken(req);
    next();
  });
  ui.use(csrfSynchronisedProtection);
  for (const r of routes.filter((r) => !isEarlyAccess(r.access) && r.access !== 'api')) {
    ui[r.method](r.path, uiGuard(db.kysely, r.access), ...r.handlers);
  }
  app.use(ui);

  app.use(notFoundHandler);
  app.use(errorHandler(logger, maskPath));
  return { express: app, routes, jobs, shared };
}
