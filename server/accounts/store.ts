import type { DB } from '../../db';
import type { ProgramSettings, ProgramSettingsUpdate, Role } from '../../db/schema';

export const findUserByEmail = (db: DB, email: string) =>
  db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();

export const findMerchant = (db: DB, merchantId: string) =>
  db.selectFrom('merchants').selectAll().where('id', '=', merchantId).executeTakeFirst();

export const findMerchantByPublicId = (db: DB, publicId: string) =>
  db.selectFrom('merchants').selectAll().where('publicId', '=', publicId).executeTakeFirst();

/** The user's memberships, oldest first (the first is the default merchant at login). */
export const listMemberships = (db: DB, userId: string) =>
  db
    .selectFrom('memberships')
    .innerJoin('merchants', 'merchants.id', 'memberships.merchantId')
    .select(['memberships.merchantId', 'merchants.name', 'memberships.role'])
    .where('memberships.userId', '=', userId)
    .orderBy('memberships.createdAt')
    .execute();

export const listTeam = (db: DB, merchantId: string) =>
  db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.userId')
    .select(['users.id', 'users.name', 'users.email', 'memberships.role', 'memberships.createdAt'])
    .where('memberships.merchantId', '=', merchantId)
    .orderBy('memberships.createdAt')
    .execute();

export const listOpenInvites = (db: DB, merchantId: string, nowIso: string) =>
  db
    .selectFrom('invites')
    .select(['id', 'role', 'createdAt', 'expiresAt'])
    .where('merchantId', '=', merchantId)
    .where('acceptedAt', 'is', null)
    .where('expiresAt', '>', nowIso)
    .orderBy('createdAt', 'desc')
    .execute();

export const getSettings = async (db: DB, merchantId: string): Promise<ProgramSettings> =>
  db.selectFrom('programSettings').selectAll().where('merchantId', '=', merchantId).executeTakeFirstOrThrow();

export const updateSettings = (db: DB, merchantId: string, values: ProgramSettingsUpdate) =>
  db.updateTable('programSettings').set(values).where('merchantId', '=', merchantId).execute();

export const setRole = (db: DB, merchantId: string, userId: string, role: Role) =>
  db.updateTable('memberships').set({ role }).where('merchantId', '=', merchantId).where('userId', '=', userId).execute();

export const removeMember = (db: DB, merchantId: string, userId: string) =>
  db.deleteFrom('memberships').where('merchantId', '=', merchantId).where('userId', '=', userId).execute();

export const countOwners = async (db: DB, merchantId: string): Promise<number> => {
  const r = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('merchantId', '=', merchantId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(r.n);
};

export const hasAuditEntry = async (db: DB, merchantId: string, action: string): Promise<boolean> =>
  (await db.selectFrom('auditLog').select('id').where('merchantId', '=', merchantId).where('action', '=', action).limit(1).executeTakeFirst()) !== undefined;
