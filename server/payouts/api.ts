// REST API endpoints of the payouts feature (listed in apiEndpoints() in server/api/routes.ts).
import { z } from 'zod';
import type { AppContext } from '../deps';
import { AppError } from '../http/errors';
import { findPartner } from '../partners/store';
import { apiRoute, type ApiRouteDef } from '../api/api-route';
import { fromZodError } from '../http/errors';
import { balancesOf } from './balances';
import { setRate } from './exchange-rates';
import type { ExchangeRate } from './store';
import { BalanceResponse, ExchangeRateResponse, RateBody, RateForm } from './schema';

const presentRate = (r: ExchangeRate) => ({
  id: r.id,
  fromCurrency: r.fromCurrency,
  toCurrency: r.toCurrency,
  effectiveOn: r.effectiveOn,
  rate: r.rate,
  createdAt: new Date(r.createdAt).toISOString(),
  updatedAt: new Date(r.updatedAt).toISOString(),
});

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
    apiRoute(ctx, {
      method: 'post',
      path: '/api/v1/exchange-rates',
      summary: 'Set an exchange rate',
      description: 'Set the rate of a currency pair from a day on. A second call for the same pair and day replaces the rate. Audited like a change on the rates page.',
      tags: ['Payouts'],
      body: RateBody,
      response: ExchangeRateResponse,
      handler: async ({ body, api }) => {
        const parsed = RateForm.safeParse(body);
        if (!parsed.success) throw fromZodError(parsed.error);
        return presentRate(await setRate({ db, clock: ctx.clock }, api.merchantId, api.keyId, parsed.data));
      },
    }),
  ];
}
