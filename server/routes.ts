// The app's route table and background jobs: every feature's, in one list the app mounts and the tests read.
import type { AppContext } from './deps';
import type { RouteDef } from './http/routes';
import type { Job } from './jobs';
import { healthRoutes } from './health/routes';
import { accountRoutes } from './accounts/routes';
import { partnerRoutes } from './partners/routes';
import { connectRoutes } from './connect/routes';
import { stripeRoutes } from './stripe/routes';
import { stripeJobs } from './stripe/jobs';
import { apiRoutes } from './api/routes';
import { outboundJobs } from './outbound/jobs';
import { ledgerJobs } from './commissions/jobs';
import { commissionRoutes } from './commissions/routes';
import { outboundRoutes } from './outbound/routes';
import { apiJobs } from './api/jobs';
import { payoutRoutes } from './payouts/routes';
import { payoutJobs } from './payouts/jobs';
import { auditRoutes } from './audit-routes';
import { attributionRoutes } from './attribution/routes';
import { portalRoutes } from './portal/routes';
import { attributionJobs } from './attribution/jobs';
import { dashboardJobs, dashboardRoutes } from './dashboard/routes';
import { privacyRoutes } from './privacy/routes';
import { httpJobs } from './http/jobs';

export function allRoutes(ctx: AppContext): RouteDef[] {
  return [...healthRoutes(ctx), ...accountRoutes(ctx), ...partnerRoutes(ctx), ...connectRoutes(ctx), ...stripeRoutes(ctx), ...commissionRoutes(ctx), ...apiRoutes(ctx), ...outboundRoutes(ctx), ...payoutRoutes(ctx), ...auditRoutes(ctx), ...attributionRoutes(ctx), ...portalRoutes(ctx), ...dashboardRoutes(ctx), ...privacyRoutes(ctx)];
}

export function allJobs(ctx: AppContext): Job[] {
  return [...stripeJobs(ctx), ...outboundJobs(ctx), ...apiJobs(ctx), ...ledgerJobs(ctx), ...payoutJobs(ctx), ...attributionJobs(ctx), ...dashboardJobs(ctx), ...httpJobs(ctx)];
}
