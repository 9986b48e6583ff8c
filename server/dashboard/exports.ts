// CSV downloads of the merchant's lists, with the same filters and the same queries as their pages
// (every page at once, up to EXPORT_LIMIT rows). The audit log and payout runs have their own.
import type { Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { PartnerListQuery, ApplicationListQuery } from '../partners/schema';
import * as partnerStore from '../partners/store';
import { listCommissions, listUnattributed, viewLivemode } from '../commissions/queries';
import { listPayouts } from '../payouts/store';
import { findActiveConnection } from '../connect/store';
import { listEvents } from '../stripe/store';
import { EventsQuery } from '../stripe/schema';
import { applicationsCsv, commissionsCsv, eventsCsv, partnersCsv, payoutsCsv, unattributedCsv } from './csv';

export const EXPORT_LIMIT = 50_000;

/** Send a CSV as a download named `<name>-<day>.csv`. */
export function sendCsv(res: Response, name: string, day: string, body: string): void {
  res.setHeader('Content-Disposition', `attachment; filename="${name}-${day}.csv"`);
  res.type('text/csv; charset=utf-8').send(body);
}

const ModeQuery = z.object({ mode: z.enum(['live', 'test']).optional().catch(undefined) });
const CommissionQuery = ModeQuery.extend({ status: z.enum(['pending', 'approved', 'paid', 'rejected', 'on_hold']).optional().catch(undefined) });

export function exportRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  const today = () => ctx.clock.now().toISOString().slice(0, 10);
  return [
    route('get', '/partners.csv', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = PartnerListQuery.parse({ search: req.query.search ?? '', status: req.query.status || undefined });
      const { rows } = await partnerStore.listPartners(db, auth.merchant.id, { search: q.search ?? '', status: q.status, offset: 0, limit: EXPORT_LIMIT });
      sendCsv(res, 'partners', today(), partnersCsv(rows));
    }),
    route('get', '/applications.csv', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = ApplicationListQuery.parse({ status: req.query.status || undefined });
      const { rows } = await partnerStore.listApplications(db, auth.merchant.id, { status: q.status, offset: 0, limit: EXPORT_LIMIT });
      sendCsv(res, 'applications', today(), applicationsCsv(rows));
    }),
    route('get', '/commissions.csv', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = CommissionQuery.parse(req.query);
      const livemode = await viewLivemode(db, auth.merchant.id, q.mode);
      const { rows } = await listCommissions(db, auth.merchant.id, { livemode, status: q.status, offset: 0, limit: EXPORT_LIMIT });
      sendCsv(res, 'commissions', today(), commissionsCsv(rows));
    }),
    route('get', '/unattributed.csv', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = ModeQuery.parse(req.query);
      const { rows } = await listUnattributed(db, auth.merchant.id, { livemode: await viewLivemode(db, auth.merchant.id, q.mode), offset: 0, limit: EXPORT_LIMIT });
      sendCsv(res, 'unattributed-sales', today(), unattributedCsv(rows));
    }),
    route('get', '/payouts.csv', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = ModeQuery.parse(req.query);
      // The payouts page's rule: without ?mode, test only while a test-mode account is connected.
      const livemode = q.mode ? (q.mode === 'live' ? 1 : 0) : (await findActiveConnection(db, auth.merchant.id))?.livemode === 0 ? 0 : 1;
      const { rows } = await listPayouts(db, auth.merchant.id, { livemode, offset: 0, limit: EXPORT_LIMIT });
      sendCsv(res, 'payouts', today(), payoutsCsv(rows));
    }),
    route('get', '/events.csv', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = EventsQuery.parse(req.query);
      const { rows } = await listEvents(db, auth.merchant.id, { status: q.status, type: q.type }, { limit: EXPORT_LIMIT, offset: 0 });
      sendCsv(res, 'stripe-events', today(), eventsCsv(rows));
    }),
  ];
}
