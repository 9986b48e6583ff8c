// The referred customers page and its CSV export.
import { stringify } from 'csv-stringify/sync';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { pageContext } from '../http/page-context';
import { render } from '../../web/views/render';
import { CustomersPage } from '../../web/views/pages/customers';
import { viewLivemode } from '../commissions/queries';
import { cell } from '../payouts/exports';
import { EXPORT_LIMIT, sendCsv } from '../dashboard/exports';
import { CustomersQuery } from './schema';
import { customerRows, customersPage, type CustomerRow } from './service';

export const customersCsv = (rows: CustomerRow[]) =>
  stringify(
    rows.map((r) => ({
      binding_id: r.id,
      customer: r.stripeCustomerId ?? cell(r.externalCustomerId ?? ''),
      email: cell(r.customerEmail ?? ''),
      name: cell(r.customerName ?? ''),
      partner_id: r.partnerId,
      partner: cell(r.partnerName),
      state: r.state,
      subscriptions: r.subscriptions.map((s) => `${s.subscriptionId}:${s.status}`).join(' '),
      source: r.source,
      referred_at: r.createdAt,
    })),
    { header: true, columns: ['binding_id', 'customer', 'email', 'name', 'partner_id', 'partner', 'state', 'subscriptions', 'source', 'referred_at'] },
  );

export function customerRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  return [
    route('get', '/customers', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = CustomersQuery.parse(req.query);
      const page = await customersPage(db, ctx.clock, auth.merchant.id, q);
      render(res, CustomersPage({ ctx: pageContext(req, res), page, filter: { partner: q.partner, state: q.state } }));
    }),
    route('get', '/customers.csv', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = CustomersQuery.parse(req.query);
      const { rows } = await customerRows(db, auth.merchant.id, await viewLivemode(db, auth.merchant.id, q.mode), q, 0, EXPORT_LIMIT);
      sendCsv(res, 'referred-customers', ctx.clock.now().toISOString().slice(0, 10), customersCsv(rows));
    }),
  ];
}
