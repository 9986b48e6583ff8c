// Applications: the merchant's review page and the public application page /apply/<program public id>.
import type { Request, Response } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { pageContext, setFlash } from '../http/page-context';
import { AppError, fieldErrors } from '../http/errors';
import { render } from '../../web/views/render';
import { ApplicationsPage } from '../../web/views/pages/applications';
import { ApplyPage, EMPTY_APPLY, type ApplyValues } from '../../web/views/pages/apply';
import { findMerchantByPublicId } from '../accounts/store';
import { ApplicationInput, ApplicationListQuery, type ApplicationInput as ApplicationInputType } from './schema';
import { listApplications, reviewApplication, submitApplication } from './applications';

declare module 'express-session' {
  interface SessionData {
    /** "<program public id>:<email>" of applications sent from this browser, to answer it plainly if it applies again. */
    appliedFrom?: string[];
  }
}

export function applicationRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  const { clock, config } = ctx;

  const applyLimiter = rateLimit({
    windowMs: 60 * 60_000,
    limit: 20,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: ctx.shared.rateLimitStore('apply-ip'),
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    handler: (_req, _res, next) => next(new AppError(429, 'rate_limited', 'Too many applications from this address. Try again in an hour.')),
  });

  const listPage = async (req: Request, res: Response, error?: string, status = 200) => {
    const auth = merchantAuth(res);
    const q = ApplicationListQuery.parse({ status: req.query.status || undefined, page: req.query.page ?? 1 });
    const list = await listApplications(db, auth.merchant.id, q);
    render(res, ApplicationsPage({ ctx: pageContext(req, res), list, status: q.status, canEdit: auth.role !== 'read_only', applyUrl: `${config.publicUrl}/apply/${auth.merchant.publicId}`, error }), status);
  };

  const decide = (action: 'approve' | 'reject') =>
    route('post', `/applications/:id/${action}`, 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const decision = action === 'approve' ? { action, code: String(req.body?.code ?? '') } : { action, reason: String(req.body?.reason ?? '') };
      try {
        const { application, partner } = await reviewApplication(db, clock, auth.merchant.id, String(req.params.id), decision, auth.user.id);
        setFlash(req, 'ok', partner ? `${application.name} approved: partner created with code ${partner.code}.` : `${application.name} rejected.`);
        res.redirect(303, '/applications');
      } catch (err) {
        if (err instanceof AppError && (err.status === 400 || err.status === 409)) return listPage(req, res, err.message, err.status);
        throw err;
      }
    });

  const program = async (publicId: string) => {
    const merchant = await findMerchantByPublicId(db, publicId);
    if (!merchant) throw new AppError(404, 'program_not_found', 'There is no partner program at this address.');
    return merchant;
  };

  return [
    route('get', '/applications', 'member', (req, res) => listPage(req, res)),
    decide('approve'),
    decide('reject'),

    route('get', '/apply/:publicId', 'public', async (req, res) => {
      const merchant = await program(String(req.params.publicId));
      render(res, ApplyPage({ ctx: pageContext(req, res), programName: merchant.name, publicId: merchant.publicId }));
    }),
    route('post', '/apply/:publicId', 'public', applyLimiter, async (req, res) => {
      const merchant = await program(String(req.params.publicId));
      const values = Object.fromEntries(Object.keys(EMPTY_APPLY).map((k) => [k, String(req.body?.[k] ?? '')])) as unknown as ApplyValues;
      const page = (extra: { errors?: Record<string, string>; outcome?: 'received' | 'already' }, status: number) =>
        render(res, ApplyPage({ ctx: pageContext(req, res), programName: merchant.name, publicId: merchant.publicId, values, ...extra }), status);
      const parsed = ApplicationInput.safeParse(req.body);
      if (!parsed.success) return page({ errors: fieldErrors(parsed.error) }, 400);
      const key = `${merchant.publicId}:${parsed.data.email}`;
      values.email = parsed.data.email;
      try {
        await submitApplication(db, clock, merchant.id, req.body as ApplicationInputType);
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'duplicate_application')) throw err;
        // Only the browser that sent the first application is told plainly; anyone else gets the same
        // answer as a new application, so the form cannot be used to test which emails have applied.
        if (req.session.appliedFrom?.includes(key)) return page({ outcome: 'already' }, 409);
        return page({ outcome: 'received' }, 200);
      }
      req.session.appliedFrom = [...(req.session.appliedFrom ?? []), key].slice(-10);
      page({ outcome: 'received' }, 200);
    }),
  ];
}
