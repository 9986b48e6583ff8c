// The ledger side of the REST API: sales, leads and manual conversions reported by the merchant's
// backend go through the same attribution, duration and ledger rules as Stripe's (refunds: api-refunds.ts).
import type { DB } from '../../db';
import type { Partner } from '../../db/tables/partners';
import type { AppContext } from '../deps';
import { AppError } from '../http/errors';
import { newId } from '../lib/ids';
import { getSettings } from '../accounts/store';
import { findPartner } from '../partners/store';
import { externalCustomerKey } from '../attribution/bindings';
import { resolveReferral } from '../attribution/resolve';
import { dealResolution } from '../portal/deals';
import { applySale, bindOnly, type SaleAttribution, type SaleEnv } from './sales';
import { wake, type WaitKey } from './parking';
import * as store from './store';
import type { Binding, Commission, Conversion } from './store';

export type Deps = Pick<AppContext, 'db' | 'clock' | 'jobs'>;

/** Who is calling and in which ledger: partners are shared by both modes, the ledger is not. */
export interface ApiCaller {
  merchantId: string;
  livemode: number;
  /** Recorded as the cause of ledger rows: the API key and request (`key_…/<request id>`). */
  causeId: string;
}

const apiEnv = async (trx: DB, deps: Deps, caller: ApiCaller): Promise<SaleEnv> => ({
  clock: deps.clock,
  program: await getSettings(trx, caller.merchantId),
  // A Stripe disconnect stops Stripe payments from earning, not revenue the merchant reports itself.
  disconnectedAt: null,
  cause: { type: 'api', id: caller.causeId },
});

/** Run the changes in one transaction, then re-run anything parked that they unblocked. */
export async function commit<T>(deps: Deps, caller: ApiCaller, fn: (trx: DB) => Promise<{ result: T; wakeKeys: WaitKey[] }>): Promise<T> {
  const { result, wakeKeys } = await deps.db.kysely.transaction().execute(fn);
  if (wakeKeys.length > 0) await wake(deps.db.kysely, deps.clock, deps.jobs, caller.merchantId, caller.livemode, [...new Set(wakeKeys)]);
  return result;
}

/** A referral value sent as `clickId` (a click id, or a partner code as the referral contract allows), resolved inside the merchant. */
const resolveClick = (trx: DB, deps: Deps, caller: ApiCaller, value: string, cookieDays: number) =>
  resolveReferral(trx, caller.merchantId, [{ value, foundIn: 'api.clickId' }], { at: deps.clock.now(), cookieDays });

export interface ApiSaleInput {
  customerExternalId: string;
  amount: number;
  currency?: string;
  eventName: string;
  paymentProcessor: string;
  invoiceId?: string;
  metadata?: Record<string, unknown>;
  clickId?: string;
  customerName?: string;
  customerEmail?: string;
  customerAvatar?: string;
}

export interface ApiSaleOutcome {
  conversion: Conversion;
  credit?: Commission;
  /** True when this invoiceId was already recorded: nothing was written, the first sale is returned. */
  duplicate: boolean;
}

/**
 * POST /api/v1/track/sale. Attribution: the customer's binding, else `clickId` (a direct sale, which
 * binds the customer), else an accepted deal for `customerEmail` (binds too), else unattributed (still
 * recorded, with the reason). One sale per invoiceId.
 */
export async function recordApiSale(deps: Deps, caller: ApiCaller, input: ApiSaleInput): Promise<ApiSaleOutcome> {
  const sourceKey = input.invoiceId !== undefined ? `sale:${input.invoiceId}` : `api-sale:${newId('sal')}`;
  const customerKey = externalCustomerKey(input.customerExternalId);
  return commit<ApiSaleOutcome>(deps, caller, async (trx) => {
    const first = await store.findConversionByKey(trx, caller.merchantId, caller.livemode, sourceKey);
    if (first) return { result: { conversion: first, credit: await store.findCredit(trx, first.id), duplicate: true }, wakeKeys: [] };
    const env = await apiEnv(trx, deps, caller);
    const binding = await store.findBinding(trx, caller.merchantId, caller.livemode, customerKey);
    let attribution: SaleAttribution;
    if (binding) attribution = { kind: 'bound', binding };
    else if (input.clickId !== undefined) {
      const r = await resolveClick(trx, deps, caller, input.clickId, env.program.cookieDays);
      attribution = r.kind === 'partner' ? { kind: 'resolved', resolution: r } : { kind: 'none', reason: r.reason, tried: r.tried };
    } else attribution = { kind: 'none', reason: 'no_referral_value', tried: [] };
    // Last, as on Stripe sales: an accepted deal for the customer's email (a new customer only).
    if (attribution.kind === 'none') {
      const deal = await dealResolution(trx, caller.merchantId, caller.livemode, input.customerEmail, deps.clock.now(), attribution.tried);
      if (deal) attribution = { kind: 'resolved', resolution: deal };
    }

    const outcome = await applySale(
      trx,
      env,
      {
        merchantId: caller.merchantId,
        livemode: caller.livemode,
        sourceKey,
        source: 'api',
        kind: 'api_sale',
        stripeObjectId: null,
        externalId: input.invoiceId ?? null,
        paymentIntentId: null,
        invoiceId: null,
        subscriptionId: null,
        stripeCustomerId: null,
        customerEmail: input.customerEmail ?? null,
        amount: input.amount,
        amountPaid: input.amount,
        currency: input.currency ?? env.program.currency,
        total: null,
        totalExcludingTax: null,
        periodStart: null,
        occurredAt: deps.clock.now().toISOString(),
        stripeEventId: null,
        metadata: input.metadata === undefined ? null : JSON.stringify(input.metadata),
        eventName: input.eventName,
        paymentProcessor: input.paymentProcessor,
        customerName: input.customerName ?? null,
        customerAvatar: input.customerAvatar ?? null,
      },
      attribution,
      { customerKey, externalCustomerId: input.customerExternalId, email: input.customerEmail ?? null, name: input.customerName ?? null },
      'api',
    );
    return { result: { conversion: outcome.conversion, credit: outcome.credit, duplicate: false }, wakeKeys: outcome.wakeKeys };
  });
}

export interface ManualConversionInput {
  affiliateId: string;
  amount: number;
  currency?: string;
  externalId?: string;
}

/** POST /api/v1/conversions: revenue outside Stripe credited to a named partner (no customer, so no duration clock). */
export async function recordManualConversion(deps: Deps, caller: ApiCaller, input: ManualConversionInput): Promise<{ conversion: Conversion; credit: Commission }> {
  const sourceKey = input.externalId !== undefined ? `ext:${input.externalId}` : `manual:${newId('man')}`;
  const duplicate = () => new AppError(409, 'duplicate_external_id', 'A conversion with this externalId already exists.', 'externalId');
  return commit(deps, caller, async (trx) => {
    const partner = await findPartner(trx, caller.merchantId, input.affiliateId);
    if (!partner) throw new AppError(404, 'affiliate_not_found', 'No such affiliate.', 'affiliateId');
    if (await store.findConversionByKey(trx, caller.merchantId, caller.livemode, sourceKey)) throw duplicate();
    const env = await apiEnv(trx, deps, caller);
    const outcome = await applySale(
      trx,
      env,
      {
        merchantId: caller.merchantId,
        livemode: caller.livemode,
        sourceKey,
        source: 'manual',
        kind: 'manual',
        stripeObjectId: null,
        externalId: input.externalId ?? null,
        paymentIntentId: null,
        invoiceId: null,
        subscriptionId: null,
        stripeCustomerId: null,
        customerEmail: null,
        amount: input.amount,
        amountPaid: input.amount,
        currency: input.currency ?? env.program.currency,
        total: null,
        totalExcludingTax: null,
        periodStart: null,
        occurredAt: deps.clock.now().toISOString(),
        stripeEventId: null,
      },
      { kind: 'resolved', resolution: { kind: 'partner', partner, value: partner.id, foundIn: 'api.affiliateId', clickId: null, tried: [] } },
    );
    // Lost a race with the same externalId on another connection: the credit is the other request's.
    if (!outcome.credit || outcome.credit.causeId !== caller.causeId) throw duplicate();
    return { result: { conversion: outcome.conversion, credit: outcome.credit }, wakeKeys: outcome.wakeKeys };
  });
}

export interface LeadInput {
  clickId: string;
  customerExternalId: string;
  customerEmail?: string;
  customerName?: string;
}

/**
 * POST /api/v1/track/lead: bind the customer to the click's partner. A customer already bound stays
 * with its first partner (a repeated lead is a no-op). Earlier unattributed sales are not credited:
 * a sign-up after a purchase does not prove the partner referred that purchase.
 */
export async function trackLead(deps: Deps, caller: ApiCaller, input: LeadInput): Promise<{ binding: Binding; partner: Partner; created: boolean }> {
  const customerKey = externalCustomerKey(input.customerExternalId);
  return commit(deps, caller, async (trx) => {
    let binding = await store.findBinding(trx, caller.merchantId, caller.livemode, customerKey);
    let created = false;
    if (!binding) {
      const env = await apiEnv(trx, deps, caller);
      const r = await resolveClick(trx, deps, caller, input.clickId, env.program.cookieDays);
      if (r.kind === 'none') {
        if (r.reason === 'expired_click') throw new AppError(422, 'click_expired', 'This click is older than the program’s cookie window, so it can no longer attribute a lead.', 'clickId');
        throw new AppError(404, 'click_not_found', 'No click or partner code of this program matches clickId.', 'clickId');
      }
      const bound = await bindOnly(
        trx,
        env,
        {
          merchantId: caller.merchantId,
          livemode: caller.livemode,
          customerKey,
          externalCustomerId: input.customerExternalId,
          customerEmail: input.customerEmail ?? null,
          customerName: input.customerName ?? null,
          partnerId: r.partner.id,
          clickId: r.clickId,
          referralValue: r.value,
          foundIn: r.foundIn,
          source: 'lead',
        },
        false,
      );
      binding = bound.binding;
      created = bound.created;
    }
    const partner = await findPartner(trx, caller.merchantId, binding.partnerId);
    if (!partner) throw new Error(`binding ${binding.id} names a missing partner`);
    return { result: { binding, partner, created }, wakeKeys: [] };
  });
}
