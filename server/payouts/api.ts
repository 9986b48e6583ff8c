// REST API endpoints of the payouts feature (listed in apiEndpoints() in server/api/routes.ts).
import { z } from 'zod';
import type { AppContext } from '../deps';
import { AppError } from '../http/errors';
import { findPartner } from '../partners/store';
import { apiRoute, type ApiRouteDef } from '../api/api-route';
import { balancesOf } from './balances';
import { BalanceResponse } from './schema';

export function payoutEndpoints(ctx: AppContext): ApiRouteDef[] {
  const db = ctx.db.kysely;
  return [
    apiRoute(ctx, {
      method: 'get',
      path: '/api/v1/affiliates/:id/balance',
      summary: 'Retrieve an affiliate’s balance',
      description:
        'Pending, on hold, approved (payable), paid and earned amounts per commission currency, summed from the ledger at the time of the request (net of the platform fee), in the API key’s mode. The same figures as the balances page and the partner portal.',
      tags: ['Affiliates'],
      params: z.strictObject({ id: z.string().min(1).max(200).describe('The affiliate id (aff_…).') }),
      response: BalanceResponse,
      errors: [{ status: 404, code: 'affiliate_not_found', description: 'No affiliate with this id in your program.' }],
      handler: async ({ params, api }) => {
        const partner = await findPartner(db, api.merchantId, params.id);
        if (!partner) throw new AppError(404, 'affiliate_not_found', `No affiliate with the id ${params.id}.`, 'id');
        return { data: await balancesOf(db, api.merchantId, api.livemode ? 1 : 0, partner.id, ctx.clock.now()) };
      },
    }),
  ];
}
