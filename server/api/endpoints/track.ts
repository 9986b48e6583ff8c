import type { Response } from 'express';
import type { AppContext } from '../../deps';
import { recordApiSale, trackLead } from '../../commissions/api-sales';
import { recordApiRefund } from '../../commissions/api-refunds';
import { apiRoute, type ApiRouteDef } from '../api-route';
import { presentLead, presentRefund, presentSale } from '../presenters';
import { TrackLeadBody, TrackLeadResponse, TrackRefundBody, TrackRefundResponse, TrackSaleBody, TrackSaleResponse } from './track-schema';
import { callerOf } from './caller';

/** A repeat of a natural key (invoiceId, refundId) answers the first result, marked the way Idempotency-Key replays are. */
const markReplay = (res: Response, replayed: boolean) => {
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
};

/**
 * Leads, sales and refunds from the merchant's own backend. They answer 200 whether they recorded
 * something or found it already recorded, so a retry gets exactly the first answer.
 */
export function trackEndpoints(ctx: AppContext): ApiRouteDef[] {
  return [
    apiRoute(ctx, {
      method: 'post',
      path: '/api/v1/track/lead',
      summary: 'Track a lead',
      description:
        'Binds your customer to the affiliate of the click (or partner code) that brought them, in this key’s mode: their later sales (/track/sale) are credited to that affiliate. A customer already bound stays with the first affiliate; repeating a lead changes nothing and answers the same.',
      tags: ['Tracking'],
      body: TrackLeadBody,
      response: TrackLeadResponse,
      status: 200,
      errors: [
        { status: 404, code: 'click_not_found', description: 'clickId is neither a click nor a partner code of your program.' },
        { status: 422, code: 'click_expired', description: 'The click is older than your program’s cookie window.' },
      ],
      handler: async ({ body, api, req, res }) => {
        const { binding, partner, created } = await trackLead(ctx, callerOf(api, req), body);
        markReplay(res, !created);
        return presentLead(body.eventName, binding, partner);
      },
    }),
    apiRoute(ctx, {
      method: 'post',
      path: '/api/v1/track/sale',
      summary: 'Track a sale',
      description:
        'Records a sale and credits the customer’s affiliate with the same rules as Stripe payments (override, duration, platform fee, holding period). Attribution: the customer’s lead, else clickId (which binds the customer), else an accepted deal for customerEmail (which binds too), else none (the sale is recorded unattributed, commission null). One sale per invoiceId.',
      tags: ['Tracking'],
      body: TrackSaleBody,
      response: TrackSaleResponse,
      status: 200,
      handler: async ({ body, api, req, res }) => {
        const outcome = await recordApiSale(ctx, callerOf(api, req), body);
        markReplay(res, outcome.duplicate);
        return presentSale(outcome.conversion, outcome.credit);
      },
    }),
    apiRoute(ctx, {
      method: 'post',
      path: '/api/v1/track/refund',
      summary: 'Track a refund',
      description:
        'Refunds part or all of an API sale or manual conversion and claws back the commission in proportion: across several refunds the clawbacks always add up to round(commission × refunded ÷ sale amount), so a full refund reverses the commission exactly.',
      tags: ['Tracking'],
      body: TrackRefundBody,
      response: TrackRefundResponse,
      status: 200,
      errors: [
        { status: 404, code: 'conversion_not_found', description: 'No sale with this invoiceId or conversionId in this key’s mode.' },
        { status: 409, code: 'duplicate_refund_id', description: 'This refundId was already used for a different refund.' },
        { status: 422, code: 'refund_exceeds_sale', description: 'amount is more than what is left to refund.' },
        { status: 422, code: 'unprocessable', description: 'The sale was paid through Stripe: its refunds come from Stripe.' },
      ],
      handler: async ({ body, api, req, res }) => {
        const outcome = await recordApiRefund(ctx, callerOf(api, req), { ...body, idempotencyKey: req.get('idempotency-key'), apiKeyId: api.keyId });
        markReplay(res, outcome.duplicate);
        return presentRefund(outcome);
      },
    }),
  ];
}
