import type { AppContext } from '../../deps';
import { findMerchant, getSettings } from '../../accounts/store';
import { AppError } from '../../http/errors';
import { apiRoute, type ApiRouteDef } from '../api-route';
import { presentProgram } from '../presenters';
import { ProgramResponse } from '../schema';
import { stripeConnectionStatus } from '../stripe-status';

export function programEndpoints(ctx: AppContext): ApiRouteDef[] {
  const db = ctx.db.kysely;
  return [
    apiRoute(ctx, {
      method: 'get',
      path: '/api/v1/program',
      summary: 'Retrieve your program',
      description: 'The program of the API key’s merchant: its public id, settings and Stripe connection status.',
      tags: ['Program'],
      response: ProgramResponse,
      handler: async ({ api }) => {
        const [merchant, settings, stripe] = await Promise.all([findMerchant(db, api.merchantId), getSettings(db, api.merchantId), stripeConnectionStatus(db, api.merchantId)]);
        if (!merchant) throw new AppError(404, 'program_not_found', 'This API key’s program no longer exists.');
        return presentProgram({ merchant, settings, stripe, livemode: api.livemode });
      },
    }),
  ];
}
