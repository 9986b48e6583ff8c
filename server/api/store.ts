import type { DB } from '../../db';
import type { ApiKeysTable, IdempotencyKeysTable } from '../../db/tables/api';
import type { Insertable } from 'kysely';

// API keys

export const insertKey = (db: DB, row: Insertable<ApiKeysTable>) => db.insertInto('apiKeys').values(row).execute();

export const listKeys = (db: DB, merchantId: string) =>
  db
    .selectFrom('apiKeys')
    .select(['id', 'name', 'mode', 'lastFour', 'createdAt', 'lastUsedAt', 'revokedAt'])
    .where('merchantId', '=', merchantId)
    .orderBy('createdAt', 'desc')
    .orderBy('id')
    .execute();

export const findKey = (db: DB, merchantId: string, id: string) =>
  db.selectFrom('apiKeys').selectAll().where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();

/** The unrevoked key with this hash. The hash is the unique index, so this is one indexed lookup. */
export const findActiveKeyByHash = (db: DB, keyHash: string) =>
  db
    .selectFrom('apiKeys')
    .select(['id', 'merchantId', 'mode', 'lastUsedAt'])
    .where('keyHash', '=', keyHash)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();

export async function revokeKey(db: DB, merchantId: string, id: string, by: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('apiKeys')
    .set({ revokedAt: at, revokedBy: by })
    .where('merchantId', '=', merchantId)
    .where('id', '=', id)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Conditional, so several processes serving the same key write it once per interval, not once each. */
export const touchKey = (db: DB, id: string, at: string, staleBefore: string) =>
  db
    .updateTable('apiKeys')
    .set({ lastUsedAt: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('lastUsedAt', 'is', null), eb('lastUsedAt', '<', staleBefore)]))
    .execute();

// Idempotency records

/** Insert a claim; returns undefined when a record for this (API key, Idempotency-Key) already exists. */
export const insertIdempotencyClaim = (db: DB, row: Insertable<IdempotencyKeysTable>) =>
  db
    .insertInto('idempotencyKeys')
    .values(row)
    .onConflict((oc) => oc.columns(['apiKeyId', 'idempotencyKey']).doNothing())
    .returning('id')
    .executeTakeFirst();

export const findIdempotency = (db: DB, apiKeyId: string, idempotencyKey: string) =>
  db.selectFrom('idempotencyKeys').selectAll().where('apiKeyId', '=', apiKeyId).where('idempotencyKey', '=', idempotencyKey).executeTakeFirst();

export async function deleteExpiredIdempotency(db: DB, id: string, nowIso: string): Promise<void> {
  await db.deleteFrom('idempotencyKeys').where('id', '=', id).where('expiresAt', '<=', nowIso).execute();
}

/** Take over an in-flight claim whose lease ran out (its process died); exactly one taker wins. */
export async function takeOverIdempotency(db: DB, id: string, expectedLock: string | null, lockedUntil: string): Promise<boolean> {
  const r = await db
    .updateTable('idempotencyKeys')
    .set({ lockedUntil })
    .where('id', '=', id)
    .where('state', '=', 'in_flight')
    .where((eb) => (expectedLock === null ? eb('lockedUntil', 'is', null) : eb('lockedUntil', '=', expectedLock)))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const completeIdempotency = (db: DB, id: string, status: number, body: string | null) =>
  db.updateTable('idempotencyKeys').set({ state: 'done', lockedUntil: null, responseStatus: status, responseBody: body }).where('id', '=', id).execute();

export const releaseIdempotency = (db: DB, id: string) => db.deleteFrom('idempotencyKeys').where('id', '=', id).where('state', '=', 'in_flight').execute();

export async function sweepIdempotency(db: DB, nowIso: string, batch: number): Promise<number> {
  const ids = await db.selectFrom('idempotencyKeys').select('id').where('expiresAt', '<=', nowIso).limit(batch).execute();
  if (ids.length === 0) return 0;
  const r = await db
    .deleteFrom('idempotencyKeys')
    .where(
      'id',
      'in',
      ids.map((i) => i.id),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
