// REST API endpoint of the portal (listed in apiEndpoints() in server/api/routes.ts).
import { z } from 'zod';
import type { AppContext } from '../deps';
import { apiRoute, type ApiRouteDef } from '../api/api-route';
import { PortalLinkResponse } from './schema';
import { createPortalLink } from './service';
import { signInLinkSender } from './delivery';

export function portalEndpoints(ctx: AppContext): ApiRouteDef[] {
  const deps = { db: ctx.db.kysely, clock: ctx.clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl, sendSignInLink: signInLinkSender(ctx) };
  return [
    apiRoute(ctx, {
      method: 'get',
      path: '/api/v1/affiliates/:id/portal-link',
      summary: 'Create a partner portal sign-in link',
      description:
        'A new one-time link that signs the affiliate in to your partner portal, valid for 24 hours. Each call creates a new link (earlier ones keep working until used or expired); only a hash of it is stored, so send it on and do not keep it. Only active or paused affiliates can sign in.',
      tags: ['Affiliates'],
      params: z.strictObject({ id: z.string().min(1).max(200).describe('The affiliate id (aff_…).') }),
      response: PortalLinkResponse,
      errors: [
        { status: 404, code: 'affiliate_not_found', description: 'No affiliate with this id in your program.' },
        { status: 422, code: 'unprocessable', description: 'The affiliate is banned or pending, so cannot sign in.' },
      ],
      handler: async ({ params, api, res }) => {
        const link = await createPortalLink(deps, api.merchantId, params.id, api.keyId);
        res.setHeader('Cache-Control', 'no-store');
        return { url: link.url, expiresAt: link.expiresAt };
      },
    }),
  ];
}
