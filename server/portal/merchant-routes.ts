// The merchant's side of the portal: generating a partner's portal link, and deciding registered deals.
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { AppError } from '../http/errors';
import { pageContext, setFlash } from '../http/page-context';
import { render } from '../../web/views/render';
import { DealsPage, PortalLinkCreatedPage } from '../../web/views/pages/portal-merchant';
import { decideDeal } from './deals';
import { listDeals } from './deals-store';
import { DealDecisionForm, DealListQuery } from './schema';
import { createPortalLink, type PortalDeps } from './service';

const PAGE_SIZE = 50;

export function merchantPortalRoutes(ctx: AppContext, deps: PortalDeps): RouteDef[] {
  const db = ctx.db.kysely;
  const { clock } = ctx;
  return [
    route('post', '/partners/:id/portal-link', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const link = await createPortalLink(deps, auth.merchant.id, String(req.params.id), auth.user.id);
      // The link is on this response only: the token is never stored, so it cannot be shown again.
      res.setHeader('Cache-Control', 'no-store');
      render(res, PortalLinkCreatedPage({ ctx: pageContext(req, res), partner: link.partner, url: link.url, expiresAt: link.expiresAt }), 201);
    }),

    route('get', '/deals', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = DealListQuery.parse(req.query);
      const { rows, total } = await listDeals(db, auth.merchant.id, { status: q.status, offset: (q.page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
      render(res, DealsPage({ ctx: pageContext(req, res), rows, status: q.status, page: q.page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), total, canEdit: auth.role !== 'read_only' }));
    }),
    route('post', '/deals/:id/:decision', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const decision = String(req.params.decision);
      if (decision !== 'accept' && decision !== 'reject') throw new AppError(404, 'route_not_found', 'There is nothing at this address.');
      const { reason } = DealDecisionForm.parse({ reason: String(req.body?.reason ?? '') });
      try {
        const deal = await decideDeal(db, clock, auth.merchant.id, String(req.params.id), decision, reason, auth.user.id);
        setFlash(req, 'ok', `Deal for ${deal.email} ${deal.status}.`);
      } catch (err) {
        if (!(err instanceof AppError) || err.status !== 409) throw err;
        setFlash(req, 'error', err.message);
      }
      res.redirect(303, '/deals');
    }),
  ];
}
