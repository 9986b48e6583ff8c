// The partner's money in the portal: commissions (with reversals), payouts and statements, CSV downloads.
// Each page by id checks that the row is the signed-in partner's; another partner's id is a 404.
import type { Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { partnerAuth, type PartnerAuth } from '../http/auth';
import { render } from '../../web/views/render';
import { PortalMessagePage } from '../../web/views/pages/portal';
import { PortalCommissionPage, PortalCommissionsPage } from '../../web/views/pages/portal-money';
import { PortalMonthPage, PortalPayoutPage, PortalPayoutsPage } from '../../web/views/pages/portal-payouts';
import { commissionStory, listCommissions } from '../commissions/queries';
import { listPayouts } from '../payouts/store';
import { monthStatement, payoutStatement } from '../payouts/statements';
import { statementCsv } from '../payouts/exports';
import { MonthParam, PageQuery } from './schema';
import { portalContext, sendCsv } from './http';
import { presentCommission } from './presenters';
import * as store from './store';

const P = '/portal/:programPublicId';
const PAGE_SIZE = 50;

export function moneyRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  const { clock } = ctx;

  const notFound = (req: Request, res: Response, auth: PartnerAuth, what: string) =>
    render(res, PortalMessagePage({ ctx: portalContext(req, res, auth.merchant, auth), title: `${what} not found`, message: `You have no ${what.toLowerCase()} with this id.` }), 404);

  /** The payout's statement when it is this partner's. */
  async function ownPayout(auth: PartnerAuth, id: string) {
    const statement = await payoutStatement(db, auth.merchant.id, id);
    return statement && statement.payout.partnerId === auth.partner.id ? statement : undefined;
  }

  async function ownMonth(auth: PartnerAuth, month: string) {
    if (!MonthParam.safeParse(month).success) return undefined;
    return monthStatement(db, auth.merchant.id, await store.programLivemode(db, auth.merchant.id), auth.partner.id, month, clock.now());
  }

  const handlers: [string, RequestHandler][] = [
    [
      '/commissions',
      async (req, res) => {
        const auth = partnerAuth(res);
        const { page } = PageQuery.parse(req.query);
        const livemode = await store.programLivemode(db, auth.merchant.id);
        const { rows, total } = await listCommissions(db, auth.merchant.id, { livemode, partnerId: auth.partner.id, offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
        render(res, PortalCommissionsPage({ ctx: portalContext(req, res, auth.merchant, auth), livemode, rows: rows.map(({ id, kind, net, currency, status, statusReason, occurredAt, saleAmount, saleCurrency }) => ({ id, kind, net, currency, status, statusReason, occurredAt, saleAmount, saleCurrency })), page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), total }));
      },
    ],
    [
      '/commissions/:id',
      async (req, res) => {
        const auth = partnerAuth(res);
        const story = await commissionStory(db, auth.merchant.id, String(req.params.id));
        if (!story || story.credit.partnerId !== auth.partner.id) return notFound(req, res, auth, 'Commission');
        render(res, PortalCommissionPage({ ctx: portalContext(req, res, auth.merchant, auth), view: presentCommission(story) }));
      },
    ],
    [
      '/payouts',
      async (req, res) => {
        const auth = partnerAuth(res);
        const livemode = await store.programLivemode(db, auth.merchant.id);
        const [payouts, months] = await Promise.all([
          listPayouts(db, auth.merchant.id, { livemode, partnerId: auth.partner.id, offset: 0, limit: 500 }),
          store.statementMonths(db, auth.merchant.id, livemode, auth.partner.id),
        ]);
        render(res, PortalPayoutsPage({ ctx: portalContext(req, res, auth.merchant, auth), livemode, payouts: payouts.rows, months, payoutEmail: auth.partner.payoutEmail ?? auth.partner.email }));
      },
    ],
    [
      '/payouts/:id',
      async (req, res) => {
        const auth = partnerAuth(res);
        const statement = await ownPayout(auth, String(req.params.id));
        if (!statement) return notFound(req, res, auth, 'Payout');
        render(res, PortalPayoutPage({ ctx: portalContext(req, res, auth.merchant, auth), statement }));
      },
    ],
    [
      '/payouts/:id/statement.csv',
      async (req, res) => {
        const auth = partnerAuth(res);
        const statement = await ownPayout(auth, String(req.params.id));
        if (!statement) return notFound(req, res, auth, 'Payout');
        sendCsv(res, `statement-${statement.payout.id}.csv`, statementCsv(statement));
      },
    ],
    [
      '/statements/:month',
      async (req, res) => {
        const auth = partnerAuth(res);
        const statement = await ownMonth(auth, String(req.params.month));
        if (!statement) return notFound(req, res, auth, 'Statement');
        render(res, PortalMonthPage({ ctx: portalContext(req, res, auth.merchant, auth), statement }));
      },
    ],
    [
      '/statements/:month/statement.csv',
      async (req, res) => {
        const auth = partnerAuth(res);
        const statement = await ownMonth(auth, String(req.params.month));
        if (!statement) return notFound(req, res, auth, 'Statement');
        sendCsv(res, `statement-${auth.partner.code}-${statement.month}.csv`, statementCsv(statement));
      },
    ],
  ];
  return handlers.map(([path, handler]) => route('get', `${P}${path}`, 'partner', handler));
}
