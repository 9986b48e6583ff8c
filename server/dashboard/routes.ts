// The merchant's home: overview, partner performance, integration check; plus the CSV exports of the
// lists, referred customers and email notifications, mounted together from server/routes.ts.
import type { Request, Response } from 'express';
import type { AppContext } from '../deps';
import type { Job } from '../jobs';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { pageContext } from '../http/page-context';
import { render } from '../../web/views/render';
import { DashboardPage } from '../../web/views/pages/dashboard';
import { PartnerPerformancePage } from '../../web/views/pages/dashboard-partners';
import { IntegrationPage } from '../../web/views/pages/dashboard-integration';
import { getSettings } from '../accounts/store';
import { viewLivemode } from '../commissions/queries';
import { customerRoutes } from '../customers/routes';
import { notificationRoutes } from '../notifications/routes';
import { notificationJobs } from '../notifications/jobs';
import { OverviewQuery } from './schema';
import { allPartners, overview, partnerPage } from './service';
import { gettingStarted } from './checklist';
import { integrationCheck } from './integration';
import { dailyCsv, performanceCsv } from './csv';
import { exportRoutes, sendCsv } from './exports';
import { rollupAll } from './rollup';

const PAGE_SIZE = 50;
/** Partners on the overview; the partner performance page pages through all of them. */
const TOP_PARTNERS = 10;
const CHECK_DAYS = 30;

export const ROLLUP_JOB = 'dashboard.rollup';

export function dashboardRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  const { clock, config } = ctx;

  const check = async (merchantId: string, livemode: number) => {
    const settings = await getSettings(db, merchantId);
    const since = new Date(clock.now().getTime() - CHECK_DAYS * 86_400_000).toISOString();
    return integrationCheck(db, merchantId, livemode, since, JSON.parse(settings.extraMetadataKeys) as string[]);
  };
  const overviewFor = (req: Request, res: Response) => overview(db, clock, merchantAuth(res).merchant.id, OverviewQuery.parse(req.query), TOP_PARTNERS);

  return [
    route('get', '/dashboard', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const o = await overviewFor(req, res);
      const [steps, integration] = await Promise.all([gettingStarted(db, auth.merchant.id), check(auth.merchant.id, o.livemode)]);
      render(res, DashboardPage({ ctx: pageContext(req, res), overview: o, steps, check: integration, publicUrl: config.publicUrl, publicId: auth.merchant.publicId }));
    }),
    route('get', '/dashboard/partners', 'member', async (req, res) => {
      const q = OverviewQuery.parse(req.query);
      const p = await partnerPage(db, clock, merchantAuth(res).merchant.id, q, PAGE_SIZE);
      render(res, PartnerPerformancePage({ ctx: pageContext(req, res), data: p, sort: q.sort }));
    }),
    route('get', '/dashboard/partners.csv', 'member', async (req, res) => {
      const o = await allPartners(db, clock, merchantAuth(res).merchant.id, OverviewQuery.parse(req.query));
      sendCsv(res, 'partner-performance', `${o.range.from}-to-${o.range.to}`, performanceCsv(o.partners));
    }),
    route('get', '/dashboard/daily.csv', 'member', async (req, res) => {
      const o = await overviewFor(req, res);
      sendCsv(res, 'daily', `${o.range.from}-to-${o.range.to}`, dailyCsv(o));
    }),
    route('get', '/dashboard/integration', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = OverviewQuery.parse(req.query);
      const [livemode, settings] = await Promise.all([viewLivemode(db, auth.merchant.id, q.mode), getSettings(db, auth.merchant.id)]);
      render(res, IntegrationPage({ ctx: pageContext(req, res), check: await check(auth.merchant.id, livemode), mode: livemode === 1 ? 'live' : 'test', timeZone: settings.timeZone }));
    }),
    ...exportRoutes(ctx),
    ...customerRoutes(ctx),
    ...notificationRoutes(ctx),
  ];
}

/** The rollups (see rollup.ts) and the notification jobs. */
export function dashboardJobs(ctx: AppContext): Job[] {
  return [{ name: ROLLUP_JOB, intervalMs: 60_000, run: () => rollupAll(ctx.db.kysely, ctx.clock) }, ...notificationJobs(ctx)];
}
