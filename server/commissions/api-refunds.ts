// Refunds reported through the REST API: proportional, cumulative clawbacks of API sales and manual conversions.
import type { DB } from '../../db';
import { AppError } from '../http/errors';
import { newId } from '../lib/ids';
import { isUniqueViolation } from '../accounts/service';
import { clawBackApiRefund } from './api-refund-clawback';
import { commit, type ApiCaller, type Deps } from './api-sales';
import * as store from './store';
import type { Commission, Conversion } from './store';

export interface ApiRefundInput {
  /** Exactly one of invoiceId (an API sale) and conversionId (an API sale or manual conversion). */
  invoiceId?: string;
  conversionId?: string;
  amount: number;
  refundId?: string;
  /** The request's Idempotency-Key, which names the refund when refundId is absent. */
  idempotencyKey?: string;
  apiKeyId: string;
}

export type ApiRefund = { id: string; refundId: string | null; amount: number; refundedBefore: number; currency: string; createdAt: string };

export interface ApiRefundOutcome {
  refund: ApiRefund;
  conversion: Conversion;
  reversal?: Commission;
  duplicate: boolean;
}

/**
 * The natural key of a refund: the caller's refundId; else the Idempotency-Key (so a retry after the
 * 24-hour replay window still cannot refund twice); else a new key, since two refunds of the same
 * amount without an id are indistinguishable from two real refunds.
 */
export const refundKeyOf = (input: Pick<ApiRefundInput, 'refundId' | 'idempotencyKey' | 'apiKeyId'>) =>
  input.refundId !== undefined ? `id:${input.refundId}` : input.idempotencyKey !== undefined ? `idem:${input.apiKeyId}:${input.idempotencyKey}` : `gen:${newId('arf')}`;

/**
 * POST /api/v1/track/refund: claw back the credit in proportion, cumulatively, so the parts of several
 * refunds always sum to round(C × R ÷ P) and a full refund reverses exactly C. P is the sale amount and
 * R the running total of API refunds of that sale. Concurrent refunds of one sale cannot both use the
 * same running total (a unique index): the loser re-reads and runs again.
 */
export async function recordApiRefund(deps: Deps, caller: ApiCaller, input: ApiRefundInput): Promise<ApiRefundOutcome> {
  const refundKey = refundKeyOf(input);
  for (let attempt = 1; ; attempt++) {
    try {
      return await commit(deps, caller, async (trx) => ({ result: await refundOnce(trx, deps, caller, input, refundKey), wakeKeys: [] }));
    } catch (err) {
      if (attempt >= 5 || !isUniqueViolation(err)) throw err;
    }
  }
}

async function refundOnce(trx: DB, deps: Deps, caller: ApiCaller, input: ApiRefundInput, refundKey: string): Promise<ApiRefundOutcome> {
  const conversion =
    input.invoiceId !== undefined
      ? await store.findConversionByKey(trx, caller.merchantId, caller.livemode, `sale:${input.invoiceId}`)
      : await store.findConversion(trx, caller.merchantId, input.conversionId!).then((c) => (c?.livemode === caller.livemode ? c : undefined));
  const param = input.invoiceId !== undefined ? 'invoiceId' : 'conversionId';
  if (!conversion) throw new AppError(404, 'conversion_not_found', `No sale with this ${param}.`, param);

  const earlier = await trx.selectFrom('apiRefunds').selectAll().where('merchantId', '=', caller.merchantId).where('livemode', '=', caller.livemode).where('refundKey', '=', refundKey).executeTakeFirst();
  if (earlier) {
    if (earlier.conversionId !== conversion.id || earlier.amount !== input.amount) {
      throw new AppError(409, 'duplicate_refund_id', 'This refundId was already used for another refund.', input.refundId !== undefined ? 'refundId' : 'Idempotency-Key');
    }
    const reversal = earlier.reversalId ? await store.findCommission(trx, caller.merchantId, earlier.reversalId) : undefined;
    return { refund: earlier, conversion, reversal, duplicate: true };
  }

  if (conversion.source === 'stripe') {
    throw new AppError(422, 'unprocessable', 'This sale was paid through Stripe: its refunds come from Stripe, not from the API.', param);
  }
  // Hold the sale's row (PostgreSQL): a concurrent refund or assignment of it waits, so either the
  // assignment's credit is visible below, or the assignment sees this refund and claws it back itself.
  await trx.updateTable('conversions').set((eb) => ({ partnerId: eb.ref('partnerId') })).where('id', '=', conversion.id).execute();
  const paid = conversion.amountPaid;
  const refunded = await trx
    .selectFrom('apiRefunds')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('total'))
    .where('conversionId', '=', conversion.id)
    .executeTakeFirstOrThrow();
  const before = Number(refunded.total);
  if (input.amount > paid - before) {
    throw new AppError(422, 'refund_exceeds_sale', `Only ${paid - before} of this sale's ${paid} is left to refund.`, 'amount');
  }

  const now = deps.clock.now().toISOString();
  const credit = await store.findCredit(trx, conversion.id);
  const reversal = credit ? await clawBackApiRefund(trx, deps.clock, credit, paid, { refundKey, amount: input.amount, refundedBefore: before }, { type: 'api', id: caller.causeId }) : undefined;
  const refund = {
    id: newId('arf'),
    merchantId: caller.merchantId,
    livemode: caller.livemode,
    refundKey,
    refundId: input.refundId ?? null,
    conversionId: conversion.id,
    amount: input.amount,
    refundedBefore: before,
    currency: conversion.currency,
    reversalId: reversal?.id ?? null,
    createdAt: now,
  };
  await trx.insertInto('apiRefunds').values(refund).execute();
  return { refund, conversion, reversal, duplicate: false };
}
