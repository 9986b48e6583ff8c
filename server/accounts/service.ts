import type { DB } from '../../db';
import type { Role } from '../../db/schema';
import type { Clock } from '../lib/clock';
import { addDays } from '../lib/clock';
import { newId, randomToken, sha256 } from '../lib/ids';
import { AppError } from '../http/errors';
import { audit } from '../audit';
import { dummyHash, hashPassword, verifyPassword } from './password';
import * as store from './store';
import { DEFAULT_SETTINGS, type SettingsInput } from './settings-schema';
import type { SignUpForm } from './schema';

const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};
export { isUniqueViolation };

/** Create a merchant, its default program settings and its owner, in one transaction. */
export async function signUp(db: DB, clock: Clock, input: SignUpForm) {
  const passwordHash = await hashPassword(input.password);
  const now = clock.now().toISOString();
  const merchantId = newId('mer');
  const userId = newId('usr');
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('users').values({ id: userId, email: input.email, name: input.name, passwordHash, createdAt: now }).execute();
      await trx.insertInto('merchants').values({ id: merchantId, name: input.name, publicId: newId('prg', 16), createdAt: now }).execute();
      await trx.insertInto('programSettings').values({ merchantId, ...DEFAULT_SETTINGS, updatedAt: now }).execute();
      await trx.insertInto('memberships').values({ userId, merchantId, role: 'owner', createdAt: now }).execute();
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError(409, 'email_taken', 'An account with this email already exists. Log in instead.', 'email');
    throw err;
  }
  return { userId, merchantId };
}

/** Check credentials; the same work is done for unknown emails so timing does not reveal them. */
export async function authenticate(db: DB, email: string, password: string) {
  const user = await store.findUserByEmail(db, email);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok) return undefined;
  const memberships = await store.listMemberships(db, user.id);
  const first = memberships[0];
  if (!first) return undefined;
  return { userId: user.id, merchantId: first.merchantId };
}

/** Record the new settings and an audit entry with before and after. Not retroactive for commissions. */
export async function saveSettings(db: DB, clock: Clock, merchantId: string, actor: string, input: SettingsInput) {
  await db.transaction().execute(async (trx) => {
    const before = await store.getSettings(trx, merchantId);
    const after = { ...input, extraMetadataKeys: JSON.stringify(input.extraMetadataKeys), updatedAt: clock.now().toISOString() };
    await store.updateSettings(trx, merchantId, after);
    const { updatedAt: _b, merchantId: _m, ...beforeShown } = before;
    const { updatedAt: _a, ...afterShown } = after;
    await audit(trx, { merchantId, actor, action: 'settings.updated', subjectType: 'program', subjectId: merchantId, before: beforeShown, after: afterShown, at: clock.now() });
  });
}

const INVITE_DAYS = 7;

/** Create a one-time invite link. Only the token's hash is stored; the link is shown once. */
export async function createInvite(db: DB, clock: Clock, merchantId: string, createdBy: string, role: Role) {
  const token = randomToken(32);
  const now = clock.now();
  await db
    .insertInto('invites')
    .values({ id: newId('inv'), merchantId, role, tokenHash: sha256(token), createdBy, createdAt: now.toISOString(), expiresAt: addDays(now, INVITE_DAYS).toISOString(), acceptedAt: null, acceptedBy: null })
    .execute();
  await audit(db, { merchantId, actor: createdBy, action: 'team.invited', subjectType: 'invite', subjectId: role, after: { role }, at: now });
  return token;
}

export async function findUsableInvite(db: DB, clock: Clock, token: string) {
  const invite = await db
    .selectFrom('invites')
    .innerJoin('merchants', 'merchants.id', 'invites.merchantId')
    .select(['invites.id', 'invites.merchantId', 'invites.role', 'invites.expiresAt', 'invites.acceptedAt', 'merchants.name as merchantName'])
    .where('tokenHash', '=', sha256(token))
    .executeTakeFirst();
  if (!invite || invite.acceptedAt || invite.expiresAt <= clock.now().toISOString()) {
    throw new AppError(404, 'invite_invalid', 'This invite link is invalid, expired or already used. Ask for a new one.');
  }
  return invite;
}

/**
 * Accept an invite: a new user signs up, or an existing user (logged in as that user) joins.
 * The invite is claimed with a conditional update, so a link can be used exactly once.
 */
export async function acceptInvite(db: DB, clock: Clock, token: string, who: { existingUserId?: string; newUser?: { name: string; email: string; password: string } }) {
  const invite = await findUsableInvite(db, clock, token);
  const now = clock.now().toISOString();
  const passwordHash = who.newUser ? await hashPassword(who.newUser.password) : undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      let userId = who.existingUserId;
      if (!userId && who.newUser && passwordHash) {
        userId = newId('usr');
        await trx.insertInto('users').values({ id: userId, email: who.newUser.email, name: who.newUser.name, passwordHash, createdAt: now }).execute();
      }
      if (!userId) throw new AppError(400, 'invalid_request', 'Log in or create an account to accept the invite.');
      const claimed = await trx
        .updateTable('invites')
        .set({ acceptedAt: now, acceptedBy: userId })
        .where('id', '=', invite.id)
        .where('acceptedAt', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) throw new AppError(404, 'invite_invalid', 'This invite link was already used.');
      const existing = await trx.selectFrom('memberships').select('role').where('userId', '=', userId).where('merchantId', '=', invite.merchantId).executeTakeFirst();
      if (!existing) await trx.insertInto('memberships').values({ userId, merchantId: invite.merchantId, role: invite.role, createdAt: now }).execute();
      await audit(trx, { merchantId: invite.merchantId, actor: userId, action: 'team.joined', subjectType: 'user', subjectId: userId, after: { role: invite.role }, at: clock.now() });
      return { userId, merchantId: invite.merchantId };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError(409, 'email_taken', 'An account with this email already exists: log in first, then open the invite link again.', 'email');
    throw err;
  }
}

/** Change a member's role or remove them; the last owner can never be demoted or removed. */
export async function changeMember(db: DB, clock: Clock, merchantId: string, actor: string, userId: string, change: { role: Role } | { remove: true }) {
  await db.transaction().execute(async (trx) => {
    const team = await store.listTeam(trx, merchantId);
    const member = team.find((m) => m.id === userId);
    if (!member) throw new AppError(404, 'not_found', 'No such team member.');
    const losesOwner = member.role === 'owner' && ('remove' in change || change.role !== 'owner');
    if (losesOwner && (await store.countOwners(trx, merchantId)) <= 1) {
      throw new AppError(422, 'unprocessable', 'A program needs at least one owner: make someone else owner first.');
    }
    if ('remove' in change) await store.removeMember(trx, merchantId, userId);
    else await store.setRole(trx, merchantId, userId, change.role);
    await audit(trx, { merchantId, actor, action: 'remove' in change ? 'team.removed' : 'team.role_changed', subjectType: 'user', subjectId: userId, before: { role: member.role }, after: 'remove' in change ? null : { role: change.role }, at: clock.now() });
  });
}
