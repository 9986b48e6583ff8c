import type { Request, Response } from 'express';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { fieldErrors } from '../http/errors';
import { pageContext, setFlash } from '../http/page-context';
import { render } from '../../web/views/render';
import { ApiKeysPage } from '../../web/views/pages/api-keys';
import { ApiKeyForm } from './schema';
import * as service from './service';
import * as store from './store';
import { programEndpoints } from './endpoints/program';
import { affiliateEndpoints } from './endpoints/affiliates';
import { applicationEndpoints } from './endpoints/applications';
import { conversionEndpoints } from './endpoints/conversions';
import { trackEndpoints } from './endpoints/track';
import { payoutEndpoints } from '../payouts/api';
import { portalEndpoints } from '../portal/api';

/** Every route of the API feature: the key settings pages, then the REST API v1 endpoints. */
export function apiRoutes(ctx: AppContext): RouteDef[] {
  return [...apiKeyPages(ctx), ...apiEndpoints(ctx)];
}

/** REST API v1 endpoints. Adding one is an `apiRoute(...)` in endpoints/<topic>.ts, listed here. */
export function apiEndpoints(ctx: AppContext): RouteDef[] {
  return [...programEndpoints(ctx), ...affiliateEndpoints(ctx), ...applicationEndpoints(ctx), ...conversionEndpoints(ctx), ...trackEndpoints(ctx), ...payoutEndpoints(ctx), ...portalEndpoints(ctx)];
}

function apiKeyPages({ db: { kysely: db }, clock }: AppContext): RouteDef[] {
  const page = async (req: Request, res: Response, extra: Partial<Parameters<typeof ApiKeysPage>[0]> = {}, status = 200) => {
    const auth = merchantAuth(res);
    const keys = await store.listKeys(db, auth.merchant.id);
    render(res, ApiKeysPage({ ctx: pageContext(req, res), keys, canEdit: auth.role !== 'read_only', ...extra }), status);
  };
  return [
    route('get', '/settings/api-keys', 'member', (req, res) => page(req, res)),
    route('post', '/settings/api-keys', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const parsed = ApiKeyForm.safeParse(req.body);
      if (!parsed.success) {
        return page(req, res, { values: { name: String(req.body?.name ?? ''), mode: String(req.body?.mode ?? '') }, errors: fieldErrors(parsed.error) }, 400);
      }
      const { key } = await service.createKey(db, clock, auth.merchant.id, auth.user.id, parsed.data);
      // The key is on this response only: it is never stored, so it cannot be shown again.
      res.setHeader('Cache-Control', 'no-store');
      return page(req, res, { newKey: { name: parsed.data.name, mode: parsed.data.mode, key } }, 201);
    }),
    route('post', '/settings/api-keys/:id/revoke', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      await service.revokeKey(db, clock, auth.merchant.id, auth.user.id, String(req.params.id));
      setFlash(req, 'ok', 'API key revoked: it stops working at once.');
      res.redirect(303, '/settings/api-keys');
    }),
  ];
}
