import { z } from 'zod';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { pageContext, setFlash } from '../http/page-context';
import { AppError } from '../http/errors';
import { parse } from '../http/validate';
import { render } from '../../web/views/render';
import { CommissionsPage, CommissionExplainPage, UnattributedPage } from '../../web/views/pages/commissions';
import { findPartnerByCodeOrId } from '../partners/store';
import { commissionStory, listCommissions, listUnattributed, viewLivemode } from './queries';
import { assignConversion, rebindCustomer } from './manual';

const PAGE_SIZE = 50;
const ListQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  status: z.enum(['pending', 'approved', 'paid', 'rejected', 'on_hold']).optional().catch(undefined),
  mode: z.enum(['live', 'test']).optional().catch(undefined),
});
const PartnerField = z.object({ partner: z.string().trim().min(1, 'Enter a partner code or id.').max(60) });

export function commissionRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  const partnerFrom = async (merchantId: string, body: unknown) => {
    const { partner } = parse(PartnerField, body);
    const found = await findPartnerByCodeOrId(db, merchantId, partner);
    if (!found) throw new AppError(404, 'affiliate_not_found', `No partner with the code or id “${partner}”.`, 'partner');
    return found;
  };
  return [
    route('get', '/commissions', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = ListQuery.parse(req.query);
      const { rows, total } = await listCommissions(db, auth.merchant.id, { livemode: await viewLivemode(db, auth.merchant.id, q.mode), status: q.status, offset: (q.page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
      render(res, CommissionsPage({ ctx: pageContext(req, res), rows, status: q.status, page: q.page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), total }));
    }),
    route('get', '/commissions/:id', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const story = await commissionStory(db, auth.merchant.id, String(req.params.id));
      if (!story) throw new AppError(404, 'not_found', 'No such commission.');
      render(res, CommissionExplainPage({ ctx: pageContext(req, res), story, canEdit: auth.role !== 'read_only' }));
    }),
    route('get', '/unattributed', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = ListQuery.parse(req.query);
      const { rows, total } = await listUnattributed(db, auth.merchant.id, { livemode: await viewLivemode(db, auth.merchant.id, q.mode), offset: (q.page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
      render(res, UnattributedPage({ ctx: pageContext(req, res), rows, page: q.page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), total, canEdit: auth.role !== 'read_only' }));
    }),
    route('post', '/conversions/:id/assign', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const partner = await partnerFrom(auth.merchant.id, req.body);
      const { credit } = await assignConversion(ctx, auth.merchant.id, String(req.params.id), partner.id, auth.user.id);
      setFlash(req, 'ok', `Assigned to ${partner.name}.`);
      res.redirect(303, credit ? `/commissions/${credit.id}` : '/unattributed');
    }),
    route('post', '/customers/:id/rebind', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const partner = await partnerFrom(auth.merchant.id, req.body);
      await rebindCustomer(ctx, auth.merchant.id, String(req.params.id), partner.id, auth.user.id);
      setFlash(req, 'ok', `Future payments of this customer now earn for ${partner.name}.`);
      res.redirect(303, typeof req.body?.back === 'string' && req.body.back.startsWith('/commissions/') ? req.body.back : '/commissions');
    }),
  ];
}
