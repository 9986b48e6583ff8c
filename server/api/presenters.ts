// Rows → API shapes, written out field by field so the table layout never leaks into the API.
import type { Merchant, ProgramSettings } from '../../db/schema';
import type { ProgramResponse } from './schema';
import type { StripeConnectionStatus } from './stripe-status';
import type { Application, Link, Partner } from '../../db/tables/partners';
import type { Binding, Commission, Conversion } from '../commissions/store';
import type { ApiRefund } from '../commissions/api-refunds';
import type { Affiliate } from './endpoints/affiliates-schema';
import type { Application as ApiApplication } from './endpoints/applications-schema';
import type { Conversion as ApiConversion, ManualConversionResponse } from './endpoints/conversions-schema';
import type { ConversionRow } from './endpoints/conversions-store';
import type { TrackLeadResponse, TrackRefundResponse, TrackSaleResponse } from './endpoints/track-schema';

/** Stored times are ISO strings already; re-serialising guarantees the API's UTC `Z` form. */
export const isoUtc = (t: string) => new Date(t).toISOString();

export function presentProgram(p: { merchant: Merchant; settings: ProgramSettings; stripe: StripeConnectionStatus; livemode: boolean }): ProgramResponse {
  const s = p.settings;
  return {
    id: p.merchant.publicId,
    name: p.merchant.name,
    mode: p.livemode ? 'live' : 'test',
    settings: {
      currency: s.currency,
      commissionType: s.commissionType,
      commissionValue: s.commissionValue,
      durationType: s.durationType,
      durationValue: s.durationValue,
      cookieDays: s.cookieDays,
      attributionModel: s.attributionModel,
      holdingDays: s.holdingDays,
      minPayout: s.minPayout,
      platformFeeBps: s.platformFeeBps,
      destinationUrl: s.destinationUrl,
      extraMetadataKeys: JSON.parse(s.extraMetadataKeys) as string[],
      timeZone: s.timeZone,
      brandColor: s.brandColor,
      updatedAt: isoUtc(s.updatedAt),
    },
    stripe: p.stripe.connected ? { connected: true, accountId: p.stripe.accountId, livemode: p.stripe.livemode } : { connected: false },
    createdAt: isoUtc(p.merchant.createdAt),
  };
}

// Affiliates, applications, conversions and tracking (the endpoints in ./endpoints).

/** A link's absolute `/r/` URL and where it sends visitors (a link without its own destination follows the program's). */
export function presentAffiliate(p: Partner, links: Link[], site: { publicUrl: string; destinationUrl: string | null }): Affiliate {
  return {
    id: p.id,
    name: p.name,
    email: p.email,
    code: p.code,
    status: p.status,
    statusReason: p.statusReason,
    commissionOverride: p.commissionOverrideType && p.commissionOverrideValue !== null ? { type: p.commissionOverrideType, value: p.commissionOverrideValue } : null,
    payoutEmail: p.payoutEmail,
    links: links
      .filter((l) => l.partnerId === p.id)
      .map((l) => ({
        id: l.id,
        slug: l.slug,
        url: `${site.publicUrl}/r/${l.slug}`,
        destination: l.destinationUrl ?? site.destinationUrl,
        campaign: l.campaign,
        isDefault: l.isDefault === 1,
        disabledAt: l.disabledAt === null ? null : isoUtc(l.disabledAt),
      })),
    createdAt: isoUtc(p.createdAt),
    updatedAt: isoUtc(p.updatedAt),
  };
}

export function presentApplication(a: Application): ApiApplication {
  return {
    id: a.id,
    email: a.email,
    name: a.name,
    company: a.company,
    website: a.website,
    reason: a.reason,
    status: a.status,
    rejectionReason: a.rejectionReason,
    affiliateId: a.partnerId,
    createdAt: isoUtc(a.createdAt),
    decidedAt: a.decidedAt === null ? null : isoUtc(a.decidedAt),
  };
}

/** How the API names a customer: the Stripe customer id, else the ledger's key (`ext:<external id>`), as webhook events do. */
const customerIdOf = (c: { stripeCustomerId: string | null; customerKey: string | null }) => c.stripeCustomerId ?? c.customerKey;
const metadataOf = (json: string | null) => (json === null ? null : (JSON.parse(json) as Record<string, unknown>));

export function presentConversion(r: ConversionRow): ApiConversion {
  return {
    id: r.id,
    affiliateId: r.partnerId!,
    customerId: customerIdOf(r),
    source: r.source,
    stripeObjectId: r.stripeObjectId,
    externalId: r.externalId,
    amount: r.amount,
    currency: r.currency,
    commission: r.commission ?? 0,
    platformFee: r.platformFee ?? 0,
    netCommission: r.netCommission ?? 0,
    commissionCurrency: r.commissionCurrency ?? r.currency,
    reversed: -Number(r.reversedSum ?? 0),
    status: r.status,
    statusReason: r.statusReason,
    metadata: metadataOf(r.metadata),
    occurredAt: isoUtc(r.occurredAt),
    createdAt: isoUtc(r.createdAt),
  };
}

export function presentCommission(c: Commission) {
  return { id: c.id, affiliateId: c.partnerId, amount: c.amount, platformFee: c.fee, netCommission: c.net, currency: c.currency, status: c.status, statusReason: c.statusReason };
}

export function presentManualConversion(conversion: Conversion, credit: Commission): ManualConversionResponse {
  const { id: _creditId, amount, ...rest } = presentCommission(credit);
  return { id: conversion.id, commission: amount, ...rest };
}

export function presentSale(conversion: Conversion, credit: Commission | undefined): TrackSaleResponse {
  return {
    eventName: conversion.eventName ?? 'Purchase',
    conversionId: conversion.id,
    affiliateId: conversion.partnerId,
    customer: {
      id: conversion.customerKey!,
      name: conversion.customerName,
      email: conversion.customerEmail,
      avatar: conversion.customerAvatar,
      externalId: conversion.customerKey!.slice('ext:'.length),
    },
    sale: {
      amount: conversion.amountPaid,
      currency: conversion.currency,
      paymentProcessor: (conversion.paymentProcessor ?? 'custom') as TrackSaleResponse['sale']['paymentProcessor'],
      invoiceId: conversion.externalId,
      metadata: metadataOf(conversion.metadata),
    },
    commission: credit ? presentCommission(credit) : null,
  };
}

export function presentLead(eventName: string, binding: Binding, partner: Partner): TrackLeadResponse {
  return {
    eventName,
    customer: { id: binding.customerKey, externalId: binding.externalCustomerId ?? binding.customerKey.slice('ext:'.length), name: binding.customerName, email: binding.customerEmail },
    affiliate: { id: partner.id, code: partner.code },
    clickId: binding.clickId,
    boundAt: isoUtc(binding.createdAt),
  };
}

export function presentRefund(r: { refund: ApiRefund; conversion: Conversion; reversal?: Commission }): TrackRefundResponse {
  const refunded = r.refund.refundedBefore + r.refund.amount;
  const v = r.reversal;
  return {
    id: r.refund.id,
    refundId: r.refund.refundId,
    conversionId: r.conversion.id,
    invoiceId: r.conversion.source === 'api' ? r.conversion.externalId : null,
    amount: r.refund.amount,
    currency: r.refund.currency,
    refunded,
    remaining: r.conversion.amountPaid - refunded,
    reversal: v ? { id: v.id, affiliateId: v.partnerId, commission: -v.amount, platformFee: -v.fee, netCommission: -v.net, currency: v.currency } : null,
    createdAt: isoUtc(r.refund.createdAt),
  };
}
