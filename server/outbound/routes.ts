import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { fieldErrors } from '../http/errors';
import { pageContext, setFlash } from '../http/page-context';
import { render } from '../../web/views/render';
import { WebhooksPage, type EndpointValues } from '../../web/views/pages/webhooks';
import { WebhookDeliveriesPage } from '../../web/views/pages/webhooks-deliveries';
import { paginate, pageFields } from '../api/pagination';
import { AppError } from '../http/errors';
import { endpointForm, OUTBOUND_EVENT_TYPES } from './schema';
import { DELIVER_JOB } from './jobs';
import * as service from './service';
import * as store from './store';

const DeliveriesQuery = z.object({ page: pageFields.page.catch(1) });
const PER_PAGE = 50;

/** The webhook settings pages: endpoints, their deliveries, resend. Editors only: URLs and payloads are the program's integration. */
export function outboundRoutes({ db: { kysely: db }, clock, config, jobs }: AppContext): RouteDef[] {
  const Form = endpointForm({ requireHttps: config.env === 'production', allowPrivate: config.outbound.allowPrivate });
  const listPage = async (req: Request, res: Response, extra: Partial<Parameters<typeof WebhooksPage>[0]> = {}, status = 200) => {
    const endpoints = await store.listEndpoints(db, merchantAuth(res).merchant.id);
    render(res, WebhooksPage({ ctx: pageContext(req, res), endpoints, eventTypes: OUTBOUND_EVENT_TYPES, ...extra }), status);
  };
  const endpointId = (req: Request) => String(req.params.id);

  return [
    route('get', '/settings/webhooks', 'editor', (req, res) => listPage(req, res)),
    route('post', '/settings/webhooks', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const parsed = Form.safeParse(req.body);
      if (!parsed.success) {
        const raw = req.body as Record<string, unknown> | undefined;
        const values: EndpointValues = { url: String(raw?.url ?? ''), mode: String(raw?.mode ?? 'live'), events: ([] as unknown[]).concat(raw?.events ?? []).map(String) };
        const errors = fieldErrors(parsed.error);
        // A bad checkbox value is reported at events.<n>: show it next to the events fieldset.
        for (const k of Object.keys(errors)) if (k.startsWith('events.')) errors.events ??= errors[k]!;
        return listPage(req, res, { values, errors }, 400);
      }
      const { id, secret } = await service.createEndpoint(db, clock, auth.merchant.id, auth.user.id, parsed.data);
      res.setHeader('Cache-Control', 'no-store');
      return listPage(req, res, { created: { id, url: parsed.data.url, secret } }, 201);
    }),
    route('post', '/settings/webhooks/:id/enable', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      await service.setEnabled(db, clock, auth.merchant.id, auth.user.id, endpointId(req), true);
      setFlash(req, 'ok', 'Endpoint enabled: new events will be delivered to it.');
      res.redirect(303, '/settings/webhooks');
    }),
    route('post', '/settings/webhooks/:id/disable', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      await service.setEnabled(db, clock, auth.merchant.id, auth.user.id, endpointId(req), false);
      setFlash(req, 'ok', 'Endpoint disabled: it receives nothing until you enable it again.');
      res.redirect(303, '/settings/webhooks');
    }),
    route('post', '/settings/webhooks/:id/delete', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      await service.deleteEndpoint(db, clock, auth.merchant.id, auth.user.id, endpointId(req));
      setFlash(req, 'ok', 'Endpoint deleted, with its delivery history.');
      res.redirect(303, '/settings/webhooks');
    }),
    route('get', '/settings/webhooks/:id', 'editor', async (req, res) => {
      const merchantId = merchantAuth(res).merchant.id;
      const endpoint = await store.findEndpoint(db, merchantId, endpointId(req));
      if (!endpoint) throw new AppError(404, 'not_found', 'No such webhook endpoint.');
      const { page } = DeliveriesQuery.parse(req.query);
      const deliveries = await paginate(db, store.listDeliveries(db, merchantId, endpoint.id), { page, limit: PER_PAGE }, (d) => d);
      render(res, WebhookDeliveriesPage({ ctx: pageContext(req, res), endpoint, deliveries }));
    }),
    route('post', '/settings/webhooks/deliveries/:deliveryId/resend', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const { endpointId: id } = await service.resendDelivery(db, clock, auth.merchant.id, auth.user.id, String(req.params.deliveryId));
      jobs.kick(DELIVER_JOB);
      setFlash(req, 'ok', 'Delivery queued: it is sent again now.');
      res.redirect(303, `/settings/webhooks/${id}`);
    }),
  ];
}
