// What a merchant does by hand: assign an unattributed sale to a partner, re-bind a customer.
// Both are recorded in the audit log; assignment credits as if the referral had been there.
import type { AppContext } from '../deps';
import { AppError } from '../http/errors';
import { audit } from '../audit';
import { getSettings } from '../accounts/store';
import { findPartner } from '../partners/store';
import { attributeConversion, creditConversion } from './ledger';
import { bindCustomer } from '../attribution/bindings';
import { wake } from './parking';
import { clawBackEarlierApiRefunds } from './api-refund-clawback';
import * as store from './store';

export async function assignConversion(ctx: AppContext, merchantId: string, conversionId: string, partnerId: string, actor: string) {
  const db = ctx.db.kysely;
  const result = await db.transaction().execute(async (trx) => {
    const conversion = await store.findConversion(trx, merchantId, conversionId);
    if (!conversion) throw new AppError(404, 'conversion_not_found', 'No such sale.', 'conversionId');
    // A repeated submit for the same partner changes nothing and answers like the first.
    if (conversion.partnerId === partnerId) return { conversion, credit: await store.findCredit(trx, conversion.id) };
    if (conversion.partnerId) throw new AppError(409, 'conflict', 'This sale is already attributed to a partner.');
    const partner = await findPartner(trx, merchantId, partnerId);
    if (!partner) throw new AppError(404, 'affiliate_not_found', 'No such partner.', 'partnerId');
    const program = await getSettings(trx, merchantId);
    let bindingId: string | null = null;
    if (conversion.customerKey) {
      const { binding } = await bindCustomer(trx, ctx.clock, {
        merchantId,
        livemode: conversion.livemode,
        customerKey: conversion.customerKey,
        stripeCustomerId: conversion.stripeCustomerId,
        customerEmail: conversion.customerEmail,
        partnerId,
        referralValue: null,
        foundIn: 'manual assignment',
        source: 'manual',
      });
      if (binding.partnerId !== partnerId) throw new AppError(409, 'conflict', 'This customer is already bound to another partner: re-bind the customer instead.');
      bindingId = binding.id;
    }
    const json = { via: 'manual', assignedBy: actor, value: null, foundIn: 'manual assignment' };
    const attributed = await attributeConversion(trx, conversion, partnerId, bindingId, json, ctx.clock.now());
    const connection = await trx.selectFrom('stripeConnections').select('disconnectedAt').where('merchantId', '=', merchantId).orderBy('connectedAt', 'desc').executeTakeFirst();
    const cause = { type: 'manual' as const, id: actor };
    const credit = await creditConversion(trx, ctx.clock, attributed, {
      program,
      partner,
      disconnectedAt: attributed.source === 'stripe' ? (connection?.disconnectedAt ?? null) : null,
      cause,
      referral: { value: null, foundIn: 'manual assignment', source: 'manual' },
    });
    // Refunds from before the assignment: API ones are taken back here; Stripe refunds and disputes were
    // parked under `conv:<id>` and re-run by the wake below, against Stripe's current state.
    if (credit) await clawBackEarlierApiRefunds(trx, ctx.clock, attributed, credit, cause);
    await audit(trx, { merchantId, actor, action: 'conversion.assigned', subjectType: 'conversion', subjectId: conversion.id, before: { partnerId: null, reason: conversion.unattributedReason }, after: { partnerId, commissionId: credit?.id ?? null }, at: ctx.clock.now() });
    return { conversion: attributed, credit };
  });
  await wake(db, ctx.clock, ctx.jobs, merchantId, result.conversion.livemode, [`conv:${result.conversion.id}`]);
  return result;
}

/** Move a customer's future payments to another partner. Existing commissions stay where they are. */
export async function rebindCustomer(ctx: AppContext, merchantId: string, bindingId: string, partnerId: string, actor: string) {
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const binding = await trx.selectFrom('referralBindings').selectAll().where('merchantId', '=', merchantId).where('id', '=', bindingId).executeTakeFirst();
    if (!binding) throw new AppError(404, 'not_found', 'No such referred customer.', 'bindingId');
    const partner = await findPartner(trx, merchantId, partnerId);
    if (!partner) throw new AppError(404, 'affiliate_not_found', 'No such partner.', 'partnerId');
    if (binding.partnerId === partnerId) return;
    await trx.updateTable('referralBindings').set({ partnerId, source: 'manual', updatedAt: ctx.clock.now().toISOString() }).where('id', '=', binding.id).execute();
    await audit(trx, { merchantId, actor, action: 'customer.rebound', subjectType: 'binding', subjectId: binding.id, before: { partnerId: binding.partnerId }, after: { partnerId }, at: ctx.clock.now() });
  });
}
