// The lean path for `POST /webhooks/stripe`: the same receiver (./intake.ts) and the same answer as the
// route in ./routes.ts, taken before Express builds its request and response objects and walks its
// router and body parser (which cost as much as verifying and storing the event). It only takes the
// plain case, a body with a Content-Length within the limit and no Content-Encoding, and it only ever
// answers the 200 itself: a bad signature, a bad body or a failure to store hands the request, with the
// body already read, to the Express route, which decides and answers (400, or 500 so Stripe retries).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../http/errors';
import { EARLY_HEADERS } from '../http/early-headers';
import { WEBHOOK_BODY_LIMIT } from './intake';

const PATH = '/webhooks/stripe';
const RECEIVED = JSON.stringify({ received: true });

/** Express's `etag fn` setting (`app.get('etag fn')`, undefined when ETags are off): the route's answer carries the ETag it computes. */
export type EtagFn = ((body: Buffer, encoding?: BufferEncoding) => string | undefined) | undefined;

export interface FastIntakeDeps {
  receive: (raw: Buffer, signature: string | undefined) => Promise<void>;
  etag: () => EtagFn;
  /** pino-http's middleware: the same request id header and log line as every other request. */
  logRequest: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  onError: (err: unknown) => void;
}

/** The 200 the route sends with `res.json({ received: true })`, header for header. */
function receivedHeaders(etag: EtagFn): Record<string, string> {
  const body = Buffer.from(RECEIVED);
  const tag = etag?.(body);
  return {
    ...EARLY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(body.length),
    ...(tag ? { ETag: tag } : {}),
  };
}

/** Whether express.raw would read this body as it arrives: no decoding, a declared length, within the limit. */
function plainBody(req: IncomingMessage): boolean {
  const h = req.headers;
  // Compressed or chunked bodies, and bodies over the limit (413), are the route's to handle.
  if (h['content-encoding'] !== undefined || h['transfer-encoding'] !== undefined) return false;
  const declared = h['content-length'];
  return declared !== undefined && /^\d{1,8}$/.test(declared) && Number(declared) <= WEBHOOK_BODY_LIMIT;
}

/**
 * Returns a handler that either takes the request (returns true and answers it, or hands it to
 * `fallback` when the route must decide) or declines it at once (returns false).
 */
export function fastIntake(deps: FastIntakeDeps) {
  const noop = () => {};
  let headers: Record<string, string> | undefined;
  return (req: IncomingMessage, res: ServerResponse, fallback: () => void): boolean => {
    if (req.method !== 'POST' || req.url !== PATH) return false;
    if (!plainBody(req)) return false;
    deps.logRequest(req, res, noop);
    const chunks: Buffer[] = [];
    let settled = false;
    // A body read to its end counts as parsed for express.raw (the request is finished), so the route
    // reads the same bytes from req.body. An aborted upload goes to the route with no body at all.
    const toRoute = (raw?: Buffer) => {
      if (settled) return;
      settled = true;
      if (raw) (req as IncomingMessage & { body?: Buffer }).body = raw;
      fallback();
    };
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => toRoute());
    req.on('end', () => {
      if (settled) return;
      const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      deps.receive(raw, req.headers['stripe-signature'] as string | undefined).then(
        () => {
          settled = true;
          res.writeHead(200, (headers ??= receivedHeaders(deps.etag())));
          res.end(RECEIVED);
        },
        (err: unknown) => {
          // Nothing was stored: the route runs the receiver again and answers the 400 or 500 itself.
          if (!(err instanceof AppError)) deps.onError(err);
          toRoute(raw);
        },
      );
    });
    return true;
  };
}
