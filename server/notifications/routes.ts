// The Outbox (every email Refcut sent, or logged when no SMTP is configured) and the notification switches.
import { z } from 'zod';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { pageContext, setFlash } from '../http/page-context';
import { render } from '../../web/views/render';
import { NotificationSettingsPage, OutboxPage } from '../../web/views/pages/dashboard-outbox';
import { getSettings } from '../accounts/store';
import { NotificationSettingsForm } from './schema';
import * as store from './store';

const PAGE_SIZE = 50;
const PageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1) });

export function notificationRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  const smtp = ctx.config.mail.smtpUrl !== null;
  return [
    route('get', '/notifications', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const { page } = PageQuery.parse(req.query);
      const [{ rows, total }, settings] = await Promise.all([store.listNotifications(db, auth.merchant.id, (page - 1) * PAGE_SIZE, PAGE_SIZE), getSettings(db, auth.merchant.id)]);
      render(
        res,
        OutboxPage({ ctx: pageContext(req, res), rows, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), total, smtp, timeZone: settings.timeZone, showSecrets: auth.role !== 'read_only', from: ctx.config.mail.from }),
      );
    }),
    route('get', '/settings/notifications', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      render(res, NotificationSettingsPage({ ctx: pageContext(req, res), toggles: await store.getToggles(db, auth.merchant.id), canEdit: auth.role !== 'read_only', smtp }));
    }),
    route('post', '/settings/notifications', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      await store.saveToggles(db, auth.merchant.id, NotificationSettingsForm.parse(req.body ?? {}), ctx.clock.now().toISOString());
      setFlash(req, 'ok', 'Notification settings saved.');
      res.redirect(303, '/settings/notifications');
    }),
  ];
}
