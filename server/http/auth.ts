import type { Request, Response, NextFunction, RequestHandler } from 'express';
import type { DB } from '../../db';
import type { Role } from '../../db/schema';
import { AppError } from './errors';
import type { Access } from './routes';

export interface MerchantAuth {
  user: { id: string; name: string; email: string };
  merchant: { id: string; name: string; publicId: string };
  role: Role;
}

/** The logged-in merchant user; set by the guard for member/editor/owner routes. */
export function merchantAuth(res: Response): MerchantAuth {
  const auth = res.locals.auth as MerchantAuth | undefined;
  if (!auth) throw new AppError(401, 'unauthenticated', 'Please log in.');
  return auth;
}

/** Load the session's user and active membership (every request, so removed members lose access at once). */
export async function loadMerchantAuth(db: DB, req: Request): Promise<MerchantAuth | undefined> {
  const { userId, merchantId } = req.session ?? {};
  if (!userId || !merchantId) return undefined;
  const row = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.userId')
    .innerJoin('merchants', 'merchants.id', 'memberships.merchantId')
    .select([
      'users.id as userId',
      'users.name as userName',
      'users.email as email',
      'merchants.id as merchantId',
      'merchants.name as merchantName',
      'merchants.publicId as publicId',
      'memberships.role as role',
    ])
    .where('memberships.userId', '=', userId)
    .where('memberships.merchantId', '=', merchantId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    user: { id: row.userId, name: row.userName, email: row.email },
    merchant: { id: row.merchantId, name: row.merchantName, publicId: row.publicId },
    role: row.role,
  };
}

const ROLE_RANK: Record<Role, number> = { read_only: 0, admin: 1, owner: 2 };

/** The guard the app mounts in front of a UI route, chosen by its declared access level. */
export function uiGuard(db: DB, access: Access): RequestHandler {
  const minimum: Role | undefined = access === 'member' ? 'read_only' : access === 'editor' ? 'admin' : access === 'owner' ? 'owner' : undefined;
  return async (req: Request, res: Response, next: NextFunction) => {
    const auth = await loadMerchantAuth(db, req);
    if (auth) res.locals.auth = auth;
    if (!minimum) return next();
    if (!auth) {
      if (req.method === 'GET') return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      throw new AppError(401, 'unauthenticated', 'Please log in.');
    }
    if (ROLE_RANK[auth.role] < ROLE_RANK[minimum]) {
      throw new AppError(403, 'forbidden', auth.role === 'read_only' ? 'Your role is read-only: ask an owner or admin to make this change.' : 'Only the account owner can do that.');
    }
    next();
  };
}
