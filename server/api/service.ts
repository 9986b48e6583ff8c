import type { DB } from '../../db';
import type { ApiMode } from '../../db/tables/api';
import type { Clock } from '../lib/clock';
import { newId, randomToken, sha256 } from '../lib/ids';
import { AppError } from '../http/errors';
import { audit } from '../audit';
import * as store from './store';
import type { ApiKeyForm } from './schema';

// 40 base62 characters carry about 238 bits: far beyond guessing, so a fast unsalted SHA-256 is the right
// hash (a slow password hash would only add latency to every API call without adding safety).
const KEY_LENGTH = 40;
const KEY_PATTERN = /^rc_(live|test)_[0-9A-Za-z]{40}$/;
/** lastUsedAt is a "recently used" hint, not an access log: refreshing it once a minute is enough. */
const TOUCH_INTERVAL_MS = 60_000;

export interface ApiKeyIdentity {
  keyId: string;
  merchantId: string;
  livemode: boolean;
}

/** Create a key; returns the full key, which is shown once and never stored (only its hash is). */
export async function createKey(db: DB, clock: Clock, merchantId: string, actor: string, input: ApiKeyForm): Promise<{ id: string; key: string }> {
  const key = `rc_${input.mode}_${randomToken(KEY_LENGTH)}`;
  const id = newId('key');
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    await store.insertKey(trx, {
      id,
      merchantId,
      name: input.name,
      mode: input.mode,
      keyHash: sha256(key),
      lastFour: key.slice(-4),
      createdBy: actor,
      createdAt: now.toISOString(),
      lastUsedAt: null,
      revokedAt: null,
      revokedBy: null,
    });
    await audit(trx, { merchantId, actor, action: 'api_key.created', subjectType: 'api_key', subjectId: id, after: { name: input.name, mode: input.mode, lastFour: key.slice(-4) }, at: now });
  });
  return { id, key };
}

export async function revokeKey(db: DB, clock: Clock, merchantId: string, actor: string, keyId: string): Promise<void> {
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    const key = await store.findKey(trx, merchantId, keyId);
    if (!key) throw new AppError(404, 'not_found', 'No such API key.');
    if (!(await store.revokeKey(trx, merchantId, keyId, actor, now.toISOString()))) return; // already revoked: nothing to do
    await audit(trx, { merchantId, actor, action: 'api_key.revoked', subjectType: 'api_key', subjectId: keyId, before: { name: key.name, mode: key.mode, lastFour: key.lastFour }, at: now });
  });
}

/**
 * Who a presented key belongs to, or undefined when it is malformed, unknown or revoked. The lookup is by
 * SHA-256 of the key, so response time depends on the hash, which an attacker cannot steer byte by byte:
 * constant-time by construction, with no string comparison of secrets.
 */
export async function authenticateKey(db: DB, clock: Clock, presented: string): Promise<ApiKeyIdentity | undefined> {
  if (!KEY_PATTERN.test(presented)) return undefined;
  const key = await store.findActiveKeyByHash(db, sha256(presented));
  if (!key) return undefined;
  const now = clock.now();
  const staleBefore = new Date(now.getTime() - TOUCH_INTERVAL_MS).toISOString();
  if (key.lastUsedAt === null || key.lastUsedAt < staleBefore) await store.touchKey(db, key.id, now.toISOString(), staleBefore);
  return { keyId: key.id, merchantId: key.merchantId, livemode: key.mode === ('live' satisfies ApiMode) };
}
