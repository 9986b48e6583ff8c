import type { AppContext } from '../../deps';
import type { Partner } from '../../../db/tables/partners';
import { getSettings } from '../../accounts/store';
import { createPartner, getPartner, setPartnerStatus, updatePartner } from '../../partners/service';
import { findPartner } from '../../partners/store';
import type { PartnerPatch } from '../../partners/schema';
import { apiRoute, type ApiRouteDef } from '../api-route';
import { paginate } from '../pagination';
import { presentAffiliate } from '../presenters';
import { Affiliate, AffiliateCreate, AffiliateListQuery, AffiliatePage, AffiliatePatch, ByCustomerParams, ByCustomerResponse, IdParams } from './affiliates-schema';
import { affiliatesQuery, bindingOfCustomer, earnedByCurrency, linksOf } from './affiliates-store';
import { modeOf } from './caller';

const NOT_FOUND = { status: 404, code: 'affiliate_not_found', description: 'No affiliate with this id in your program.' };

export function affiliateEndpoints(ctx: AppContext): ApiRouteDef[] {
  const db = ctx.db.kysely;
  const { clock } = ctx;
  const site = async (merchantId: string) => ({ publicUrl: ctx.config.publicUrl, destinationUrl: (await getSettings(db, merchantId)).destinationUrl });
  const present = async (merchantId: string, partner: Partner) => presentAffiliate(partner, await linksOf(db, merchantId, [partner.id]), await site(merchantId));

  return [
    apiRoute(ctx, {
      method: 'get',
      path: '/api/v1/affiliates',
      summary: 'List affiliates',
      description: 'Your affiliates (partners), newest first, each with its referral links.',
      tags: ['Affiliates'],
      query: AffiliateListQuery,
      response: AffiliatePage,
      handler: async ({ query, api }) => {
        const page = await paginate(db, affiliatesQuery(db, api.merchantId, query), query, (p) => p);
        const [links, s] = await Promise.all([linksOf(db, api.merchantId, page.data.map((p) => p.id)), site(api.merchantId)]);
        return { ...page, data: page.data.map((p) => presentAffiliate(p, links, s)) };
      },
    }),
    apiRoute(ctx, {
      method: 'post',
      path: '/api/v1/affiliates',
      summary: 'Create an affiliate',
      description: 'Adds an active affiliate with its default referral link (…/r/<code>).',
      tags: ['Affiliates'],
      body: AffiliateCreate,
      response: Affiliate,
      errors: [
        { status: 409, code: 'email_taken', description: 'Another affiliate of your program has this email.' },
        { status: 409, code: 'code_taken', description: 'Another affiliate of your program has this code.' },
      ],
      handler: async ({ body, api }) => {
        const partner = await createPartner(db, clock, api.merchantId, { ...body, status: 'active' }, api.keyId);
        return present(api.merchantId, partner);
      },
    }),
    apiRoute(ctx, {
      method: 'get',
      path: '/api/v1/affiliates/by-customer/:customerId',
      summary: 'Find the affiliate who referred a customer',
      description:
        'Looks the customer up among the customers bound to affiliates in this key’s mode (by a Stripe Checkout, a lead or an API sale). totalEarned is the affiliate’s net earnings in this mode, per currency.',
      tags: ['Affiliates'],
      params: ByCustomerParams,
      response: ByCustomerResponse,
      handler: async ({ params, api }) => {
        const binding = await bindingOfCustomer(db, api.merchantId, modeOf(api), params.customerId);
        const partner = binding ? await findPartner(db, api.merchantId, binding.partnerId) : undefined;
        if (!partner) return { enrolled: false as const };
        const earned = await earnedByCurrency(db, api.merchantId, modeOf(api), partner.id);
        return {
          enrolled: true as const,
          id: partner.id,
          code: partner.code,
          status: partner.status,
          totalEarned: earned.map((e) => ({ amount: Number(e.amount), currency: e.currency })),
        };
      },
    }),
    apiRoute(ctx, {
      method: 'get',
      path: '/api/v1/affiliates/:id',
      summary: 'Retrieve an affiliate',
      tags: ['Affiliates'],
      params: IdParams,
      response: Affiliate,
      errors: [NOT_FOUND],
      handler: async ({ params, api }) => present(api.merchantId, await getPartner(db, api.merchantId, params.id)),
    }),
    apiRoute(ctx, {
      method: 'patch',
      path: '/api/v1/affiliates/:id',
      summary: 'Update an affiliate',
      description: 'Changes the status (active, paused, banned), the commission override or the payout email; absent fields stay as they are. Every change is in your audit log.',
      tags: ['Affiliates'],
      params: IdParams,
      body: AffiliatePatch,
      response: Affiliate,
      errors: [NOT_FOUND],
      handler: async ({ params, body, api }) => {
        await getPartner(db, api.merchantId, params.id);
        const patch: PartnerPatch = {};
        if (body.commissionOverride !== undefined) patch.commissionOverride = body.commissionOverride;
        if (body.payoutEmail !== undefined) patch.payoutEmail = body.payoutEmail;
        if (Object.keys(patch).length > 0) await updatePartner(db, clock, api.merchantId, params.id, patch, api.keyId);
        if (body.status !== undefined) await setPartnerStatus(db, clock, api.merchantId, params.id, { status: body.status, reason: body.statusReason ?? null }, api.keyId);
        return present(api.merchantId, await getPartner(db, api.merchantId, params.id));
      },
    }),
  ];
}
