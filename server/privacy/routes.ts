// The privacy page: find a partner or a referred customer, download everything held about them, and
// (owners only) erase their personal data by pseudonym.
import type { Request, Response } from 'express';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { pageContext, setFlash } from '../http/page-context';
import { fieldErrors } from '../http/errors';
import { parse } from '../http/validate';
import { render } from '../../web/views/render';
import { PrivacyPage } from '../../web/views/pages/privacy';
import { CustomerExportQuery, EraseForm, LookupQuery } from './schema';
import { findCustomers, findPartners } from './store';
import * as service from './service';

function sendJson(res: Response, filename: string, doc: unknown): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`);
  res.type('application/json').send(JSON.stringify(doc, null, 2));
}

export function privacyRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;

  const page = async (req: Request, res: Response, extra: { error?: string; status?: number; lookup?: LookupQuery } = {}) => {
    const auth = merchantAuth(res);
    const q = extra.lookup ?? LookupQuery.parse(req.query);
    const partners = q.kind === 'partner' && q.q ? await findPartners(db, auth.merchant.id, q.q) : [];
    const customers = q.kind === 'customer' && q.q ? await findCustomers(db, auth.merchant.id, q.q) : [];
    render(res, PrivacyPage({ ctx: pageContext(req, res), lookup: q, partners, customers, isOwner: auth.role === 'owner', error: extra.error }), extra.status);
  };
  type LookupQuery = ReturnType<typeof LookupQuery.parse>;

  return [
    route('get', '/privacy', 'editor', (req, res) => page(req, res)),

    route('get', '/privacy/partners/:id/export.json', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const doc = await service.exportPartner(db, ctx.clock, auth.merchant, String(req.params.id));
      sendJson(res, `partner-${doc.partner.id}.json`, doc);
    }),

    route('post', '/privacy/partners/:id/erase', 'owner', async (req, res) => {
      const auth = merchantAuth(res);
      const id = String(req.params.id);
      const form = EraseForm.safeParse(req.body);
      if (!form.success) return page(req, res, { error: fieldErrors(form.error).confirm ?? 'Type ERASE to confirm.', status: 400, lookup: { kind: 'partner', q: id } });
      const { pseudonym } = await service.forgetPartner(db, ctx.clock, auth.merchant.id, id, auth.user.id);
      setFlash(req, 'ok', `The partner’s personal data was erased; they now appear as ${pseudonym}. Their commissions and payouts are unchanged.`);
      res.redirect(303, `/privacy?kind=partner&q=${encodeURIComponent(id)}`);
    }),

    route('get', '/privacy/customers/export.json', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const { ref } = parse(CustomerExportQuery, req.query);
      sendJson(res, 'customer-export.json', await service.exportCustomer(db, ctx.clock, auth.merchant, ref));
    }),

    route('post', '/privacy/customers/erase', 'owner', async (req, res) => {
      const auth = merchantAuth(res);
      const form = EraseForm.safeParse(req.body);
      const ref = typeof req.body?.ref === 'string' ? req.body.ref.slice(0, 300) : '';
      if (!form.success || !form.data.ref) {
        const errors = form.success ? { ref: 'Name a customer.' } : fieldErrors(form.error);
        return page(req, res, { error: errors.confirm ?? errors.ref ?? 'Type ERASE to confirm.', status: 400, lookup: { kind: 'customer', q: ref } });
      }
      const result = await service.forgetCustomer(db, ctx.clock, auth.merchant.id, form.data.ref, auth.user.id);
      setFlash(req, 'ok', `Erased the customer’s personal data from ${result.bindings + result.sales} records and ${result.events} stored Stripe events. Sales and commissions are unchanged.`);
      res.redirect(303, '/privacy?kind=customer');
    }),
  ];
}
