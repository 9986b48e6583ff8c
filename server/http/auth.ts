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

/** The signed-in partner of a portal session; set by the guard for `'partner'` routes. */
export interface PartnerAuth {
  partner: { id: string; name: string; email: string; code: string; payoutEmail: string | null; status: string };
  merchant: { id: string; name: string; publicId: string; brandColor: string };
}

export function partnerAuth(res: Response): PartnerAuth {
  const auth = res.locals.partnerAuth as PartnerAuth | undefined;
  if (!auth) throw new AppError(401, 'unauthenticated', 'Please sign in to the partner portal.');
  return auth;
}

/** The session's partner, read on every request so a banned (or deleted) partner loses the portal at once. */
export async function loadPartnerAuth(db: DB, req: Request): Promise<PartnerAuth | undefined> {
  const partnerId = req.session?.partnerId;
  if (!partnerId) return undefined;
  const row = await db
    .selectFrom('partners')
    .innerJoin('merchants', 'merchants.id', 'partners.merchantId')
    .innerJoin('programSettings', 'programSettings.merchantId', 'partners.merchantId')
    .select(['partners.id', 'partners.name', 'partners.email', 'partners.code', 'partners.payoutEmail', 'partners.status', 'merchants.id as merchantId', 'merchants.name as merchantName', 'merchants.publicId', 'programSettings.brandColor'])
    .where('partners.id', '=', partnerId)
    .where('partners.status', 'in', ['active', 'paused'])
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    partner: { id: row.id, name: row.name, email: row.email, code: row.code, payoutEmail: row.payoutEmail, status: row.status },
    merchant: { id: row.merchantId, name: row.merchantName, publicId: row.publicId, brandColor: row.brandColor },
  };
}

/**
 * Portal routes live under /portal/:programPublicId. Only a partner session of THAT program passes;
 * a merchant session (userId) is never looked at here, and a partner session never passes the merchant
 * guard (it has no userId), so neither kind of session grants the other's pages.
 */
function partnerGuard(db: DB): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const program = String(req.params.programPublicId ?? '');
    const auth = await loadPartnerAuth(db, req);
    if (!auth || auth.merchant.publicId !== program) {
      if (req.method === 'GET') return res.redirect(303, `/portal/${encodeURIComponent(program)}/login`);
      throw new AppError(401, 'unauthenticated', 'Please sign in to the partner portal.');
    }
    res.locals.partnerAuth = auth;
    next();
  };
}

const ROLE_RANK: Record<Role, number> = { read_only: 0, admin: 1, owner: 2 };

/** The guard the app mounts in front of a UI route, chosen by its declared access level. */
export function uiGuard(db: DB, access: Access): RequestHandler {
  if (access === 'partner') return partnerGuard(db);
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
