import express from 'express';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { pageContext, setFlash } from '../http/page-context';
import { AppError, fieldErrors } from '../http/errors';
import { findActiveConnection } from '../connect/store';
import { render } from '../../web/views/render';
import { EventDetailPage, EventsPage, type EventRowView } from '../../web/views/pages/events';
import { EventsQuery, SyncForm } from './schema';
import { WEBHOOK_BODY_LIMIT, webhookReceiver } from './intake';
import { dashboardUrl } from './dashboard-links';
import * as service from './service';
import * as store from './store';

const PAGE_SIZE = 50;

const toView = (e: store.EventListRow): EventRowView => ({ ...e, livemode: e.livemode === 1, objectHref: dashboardUrl(e.objectId, e.livemode === 1) });

/** Only our own events pages are valid places to come back to after a re-run. */
const safeBack = (v: unknown) => (typeof v === 'string' && /^\/events(?:[/?][^\s\\]*)?$/.test(v) && !v.startsWith('//') ? v : '/events');

export function stripeRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  const deps = { db, clock: ctx.clock, stripe: ctx.stripe, logger: ctx.logger };
  const receiveWebhook = webhookReceiver(ctx);

  const eventsPage = async (req: express.Request, res: express.Response, extra: { syncError?: string; status?: number } = {}) => {
    const auth = merchantAuth(res);
    const query = EventsQuery.parse(req.query);
    const [list, conn] = await Promise.all([
      store.listEvents(db, auth.merchant.id, { status: query.status, type: query.type }, { limit: PAGE_SIZE, offset: (query.page - 1) * PAGE_SIZE }),
      findActiveConnection(db, auth.merchant.id),
    ]);
    const since = new Date(ctx.clock.now().getTime() - 3 * 86_400_000).toISOString().slice(0, 10);
    render(
      res,
      EventsPage({
        ctx: pageContext(req, res),
        events: list.rows.map(toView),
        filter: { status: query.status, type: query.type },
        page: query.page,
        hasMore: list.hasMore,
        canEdit: auth.role !== 'read_only',
        connected: conn !== undefined,
        syncSince: since,
        syncError: extra.syncError,
      }),
      extra.status,
    );
  };

  return [
    // Stripe's Connect endpoint: raw body (the signature covers the exact bytes), no session, no CSRF.
    route('post', '/webhooks/stripe', 'webhook', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
      // Acknowledge once stored; a failure to store throws and answers 500, so Stripe retries.
      // Most deliveries never get here: server/stripe/fast-intake.ts answers them the same way first.
      await receiveWebhook(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.get('stripe-signature'));
      res.status(200).json({ received: true });
    }),

    route('get', '/events', 'member', (req, res) => eventsPage(req, res)),

    route('post', '/events/sync', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const parsed = SyncForm.safeParse(req.body);
      if (!parsed.success) return eventsPage(req, res, { syncError: fieldErrors(parsed.error).since ?? 'Enter a date.', status: 400 });
      const conn = await findActiveConnection(db, auth.merchant.id);
      if (!conn) throw new AppError(409, 'stripe_not_connected', 'Connect Stripe first.');
      let result: Awaited<ReturnType<typeof service.syncAccountEvents>>;
      try {
        result = await service.syncAccountEvents(deps, conn.accountId, new Date(`${parsed.data.since}T00:00:00Z`));
      } catch (err) {
        ctx.logger.error({ err, merchantId: auth.merchant.id, accountId: conn.accountId }, 'stripe events sync failed');
        setFlash(req, 'error', 'Stripe could not be reached to list events. Nothing was lost: try again in a moment.');
        return res.redirect(303, '/events');
      }
      if (result.stored > 0) ctx.jobs.kick(service.STRIPE_EVENTS_JOB);
      setFlash(req, 'ok', `Checked ${result.fetched} event${result.fetched === 1 ? '' : 's'} since ${result.since.toISOString().slice(0, 10)}: ${result.stored} new.`);
      res.redirect(303, '/events');
    }),

    route('get', '/events/:id', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const e = await store.getMerchantEvent(db, auth.merchant.id, String(req.params.id));
      if (!e) throw new AppError(404, 'event_not_found', 'No such event.');
      render(res, EventDetailPage({ ctx: pageContext(req, res), event: { ...e, livemode: e.livemode === 1, objectHref: dashboardUrl(e.objectId, e.livemode === 1) }, canEdit: auth.role !== 'read_only' }));
    }),

    route('post', '/events/:id/rerun', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const id = String(req.params.id);
      await service.rerunEvent(db, auth.merchant.id, id, ctx.clock.now());
      ctx.jobs.kick(service.STRIPE_EVENTS_JOB);
      setFlash(req, 'ok', `Event ${id} queued to run again.`);
      res.redirect(303, safeBack(req.body?.back));
    }),
  ];
}
