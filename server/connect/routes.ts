import type { Request, Response } from 'express';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { pageContext, setFlash } from '../http/page-context';
import { AppError } from '../http/errors';
import { getSettings } from '../accounts/store';
import { render } from '../../web/views/render';
import { StripeNotConnectedPage, StripePage, type ConnectionView } from '../../web/views/pages/stripe';
import { OAuthCallbackQuery } from './schema';
import * as service from './service';
import * as store from './store';
import { latestBackfill } from '../attribution/store';

const toView = (c: store.StripeConnection): ConnectionView => ({
  accountId: c.accountId,
  livemode: c.livemode === 1,
  connectedAt: c.connectedAt,
  disconnectedAt: c.disconnectedAt,
  disconnectReason: c.disconnectReason,
});

const oauthUser = (req: Request, res: Response): service.OAuthUser => {
  const auth = merchantAuth(res);
  return { merchantId: auth.merchant.id, userId: auth.user.id, sessionId: req.sessionID };
};

export function connectRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  const deps: service.ConnectDeps = { db, clock: ctx.clock, stripe: ctx.stripe, config: ctx.config, logger: ctx.logger };

  return [
    route('get', '/stripe', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const history = await store.listConnections(db, auth.merchant.id);
      const active = history.find((c) => c.activeMerchantId === auth.merchant.id);
      const backfill = await latestBackfill(db, auth.merchant.id);
      render(res, StripePage({ ctx: pageContext(req, res), active: active && toView(active), history: history.map(toView), canEdit: auth.role !== 'read_only', backfill: backfill && { ...backfill, livemode: backfill.livemode === 1 } }));
    }),

    // Send the browser to Stripe's authorize page with a fresh single-use state.
    route('get', '/connect/stripe', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const current = await store.findActiveConnection(db, auth.merchant.id);
      if (current) {
        setFlash(req, 'error', `Stripe account ${current.accountId} is already connected. Disconnect it first to connect another.`);
        return res.redirect(303, '/stripe');
      }
      const settings = await getSettings(db, auth.merchant.id);
      const url = await service.startOAuth(deps, { ...oauthUser(req, res), email: auth.user.email, businessName: auth.merchant.name, websiteUrl: settings.destinationUrl });
      res.redirect(302, url);
    }),

    // Stripe sends the merchant back here. The state is checked (and used up) before anything else.
    route('get', '/connect/stripe/callback', 'member', async (req, res) => {
      const parsed = OAuthCallbackQuery.safeParse(req.query);
      const q = parsed.success ? parsed.data : {};
      const who = oauthUser(req, res);
      await service.consumeState(deps, q.state, who);
      if (q.error) {
        ctx.logger.info({ merchantId: who.merchantId, error: q.error }, 'stripe connect declined');
        return render(res, StripeNotConnectedPage({ ctx: pageContext(req, res), reason: q.error, description: q.error_description }));
      }
      if (!q.code) throw new AppError(400, 'invalid_request', 'Stripe did not send an authorization code. Please connect again.', 'code');
      const conn = await service.finishOAuth(deps, who, q.code);
      setFlash(req, 'ok', `Stripe connected: ${conn.accountId} (${conn.livemode === 1 ? 'live' : 'test'} mode).`);
      res.redirect(303, '/stripe');
    }),

    route('post', '/stripe/disconnect', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      try {
        const conn = await service.disconnect(deps, auth.merchant.id, auth.user.id);
        setFlash(req, 'ok', `Stripe account ${conn.accountId} disconnected. Past commissions stay as they are.`);
      } catch (err) {
        if (!(err instanceof AppError) || err.status < 409) throw err;
        setFlash(req, 'error', err.message);
      }
      res.redirect(303, '/stripe');
    }),
  ];
}
