import type { RequestHandler, Response } from 'express';
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import { newId, sha256 } from '../lib/ids';
import { AppError } from '../http/errors';
import { apiAuth } from './auth';
import * as store from './store';

export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** How long a claim protects a request in flight before another process may assume its process died. */
export const IDEMPOTENCY_LEASE_MS = 60_000;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** JSON with object keys sorted, so the same body sent with its fields in another order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export type Claim =
  | { kind: 'claimed'; id: string }
  | { kind: 'replay'; status: number; body: string | null }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

/**
 * Claim (API key, Idempotency-Key) for this request. The unique index decides the race between two
 * processes; the loser reads the winner's record and replays it, refuses it, or waits for it.
 */
export async function claimIdempotencyKey(db: DB, clock: Clock, input: { apiKeyId: string; merchantId: string; key: string; requestHash: string }): Promise<Claim> {
  for (let round = 0; round < 3; round++) {
    const now = clock.now();
    const nowIso = now.toISOString();
    const lockedUntil = new Date(now.getTime() + IDEMPOTENCY_LEASE_MS).toISOString();
    const inserted = await store.insertIdempotencyClaim(db, {
      id: newId('idk'),
      apiKeyId: input.apiKeyId,
      merchantId: input.merchantId,
      idempotencyKey: input.key,
      requestHash: input.requestHash,
      state: 'in_flight',
      lockedUntil,
      responseStatus: null,
      responseBody: null,
      createdAt: nowIso,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString(),
    });
    if (inserted) return { kind: 'claimed', id: inserted.id };
    const row = await store.findIdempotency(db, input.apiKeyId, input.key);
    if (!row) continue; // swept in between: claim again
    if (row.expiresAt <= nowIso) {
      await store.deleteExpiredIdempotency(db, row.id, nowIso);
      continue;
    }
    if (row.requestHash !== input.requestHash) return { kind: 'mismatch' };
    if (row.state === 'done') return { kind: 'replay', status: row.responseStatus ?? 200, body: row.responseBody };
    if (row.lockedUntil !== null && row.lockedUntil > nowIso) return { kind: 'in_flight' };
    return (await store.takeOverIdempotency(db, row.id, row.lockedUntil, lockedUntil)) ? { kind: 'claimed', id: row.id } : { kind: 'in_flight' };
  }
  return { kind: 'in_flight' };
}

/**
 * `Idempotency-Key` on writes: the first request's response (status and JSON body) is stored and replayed
 * for 24 h to retries with the same key and body. Runs after validation, so a refused request never
 * uses up a key; server errors (5xx) release the key so the client can retry for real.
 */
export function idempotency(db: DB, clock: Clock, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    if (!WRITE_METHODS.has(req.method)) return next();
    const key = req.get('idempotency-key');
    if (key === undefined) return next();
    if (!KEY_PATTERN.test(key)) throw new AppError(400, 'invalid_request', 'Idempotency-Key must be 1 to 255 printable ASCII characters.', 'Idempotency-Key');
    const auth = apiAuth(res);
    const requestHash = sha256(`${req.method} ${req.originalUrl}\n${canonicalJson(req.body)}`);
    const claim = await claimIdempotencyKey(db, clock, { apiKeyId: auth.keyId, merchantId: auth.merchantId, key, requestHash });
    switch (claim.kind) {
      case 'mismatch':
        throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request. Use a new key for a new request.', 'Idempotency-Key');
      case 'in_flight':
        throw new AppError(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed. Retry shortly.', 'Idempotency-Key');
      case 'replay':
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(claim.status);
        if (claim.body === null) res.end();
        else res.type('json').send(claim.body);
        return;
      case 'claimed':
        recordResponse(res, claim.id, db, logger);
        return next();
    }
  };
}

/** Store the response before it is sent, so a retry arriving right after the answer finds it. */
function recordResponse(res: Response, id: string, db: DB, logger: Logger): void {
  let recorded = false;
  const save = async (status: number, body: unknown) => {
    if (status >= 500) await store.releaseIdempotency(db, id);
    else await store.completeIdempotency(db, id, status, body === undefined ? null : JSON.stringify(body));
  };
  const sendJson = res.json.bind(res);
  res.json = (body: unknown) => {
    if (recorded) return sendJson(body);
    recorded = true;
    save(res.statusCode, body).then(
      () => sendJson(body),
      (err: unknown) => {
        logger.error({ err, idempotencyId: id }, 'could not record the idempotent response');
        sendJson(body);
      },
    );
    return res;
  };
  // A response that is not JSON (an empty 204) is recorded after it is sent.
  res.on('finish', () => {
    if (recorded) return;
    recorded = true;
    save(res.statusCode, undefined).catch((err: unknown) => logger.error({ err, idempotencyId: id }, 'could not record the idempotent response'));
  });
}
