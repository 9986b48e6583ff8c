import type { AppContext } from '../../deps';
import { recordManualConversion } from '../../commissions/api-sales';
import { apiRoute, type ApiRouteDef } from '../api-route';
import { presentConversion, presentManualConversion } from '../presenters';
import { ConversionListQuery, ConversionPage, ManualConversionBody, ManualConversionResponse } from './conversions-schema';
import { listConversions } from './conversions-store';
import { callerOf, modeOf } from './caller';

export function conversionEndpoints(ctx: AppContext): ApiRouteDef[] {
  const db = ctx.db.kysely;
  return [
    apiRoute(ctx, {
      method: 'get',
      path: '/api/v1/conversions',
      summary: 'List conversions',
      description:
        'Sales attributed to an affiliate (from Stripe, /track/sale and manual conversions) in this key’s mode, newest first, each with its commission as credited and what was clawed back since. Unattributed sales are not listed.',
      tags: ['Conversions'],
      query: ConversionListQuery,
      response: ConversionPage,
      handler: async ({ query, api }) => {
        const { rows, total } = await listConversions(db, api.merchantId, modeOf(api), query, query);
        return { data: rows.map(presentConversion), page: query.page, limit: query.limit, total };
      },
    }),
    apiRoute(ctx, {
      method: 'post',
      path: '/api/v1/conversions',
      summary: 'Record a manual conversion',
      description:
        'Credits an affiliate for revenue outside Stripe with your program’s commission rules (their override, the platform fee, the holding period). Refund it with POST /track/refund and its conversion id.',
      tags: ['Conversions'],
      body: ManualConversionBody,
      response: ManualConversionResponse,
      errors: [
        { status: 404, code: 'affiliate_not_found', description: 'No affiliate with this id in your program.' },
        { status: 409, code: 'duplicate_external_id', description: 'A conversion with this externalId was already recorded (in this mode).' },
      ],
      handler: async ({ body, api, req }) => {
        const { conversion, credit } = await recordManualConversion(ctx, callerOf(api, req), body);
        return presentManualConversion(conversion, credit);
      },
    }),
  ];
}
