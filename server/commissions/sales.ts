// Turning a paid sale into ledger rows: record the conversion, bind the customer on first attribution,
// credit the partner, and credit earlier sales of that customer that were waiting for a binding.
import type { DB } from '../../db';
import type { ProgramSettings } from '../../db/schema';
import type { UnattributedReason } from '../../db/tables/ledger';
import type { Clock } from '../lib/clock';
import { findPartner } from '../partners/store';
import { bindCustomer, type NewBinding } from '../attribution/bindings';
import type { Resolution, Tried } from '../attribution/resolve';
import { attributeConversion, creditConversion, recordConversion, type NewConversion } from './ledger';
import type { WaitKey } from './parking';
import { clawBackEarlierApiRefunds } from './api-refund-clawback';
import * as store from './store';
import type { Binding, Commission, Conversion } from './store';

export interface SaleEnv {
  clock: Clock;
  program: ProgramSettings;
  /** When the merchant's Stripe account was disconnected (payments after it earn nothing). */
  disconnectedAt: string | null;
  cause: { type: 'stripe_event' | 'api' | 'manual'; id: string };
}

export type SaleAttribution =
  | { kind: 'bound'; binding: Binding }
  | { kind: 'resolved'; resolution: Extract<Resolution, { kind: 'partner' }> }
  | { kind: 'none'; reason: UnattributedReason; tried: Tried[] };

export interface CustomerRef {
  customerKey: string;
  stripeCustomerId?: string | null;
  externalCustomerId?: string | null;
  email?: string | null;
  name?: string | null;
}

export type SaleInput = Omit<NewConversion, 'partnerId' | 'bindingId' | 'unattributedReason' | 'attribution' | 'customerKey'>;

export interface SaleOutcome {
  conversion: Conversion;
  credit?: Commission;
  binding?: Binding;
  /** Parked events to re-run once this transaction has committed. */
  wakeKeys: WaitKey[];
}

const bindingJson = (b: Binding) => ({ via: 'binding', bindingId: b.id, value: b.referralValue, foundIn: b.foundIn, source: b.source, clickId: b.clickId });

/** Record a paid sale (once per natural key) and credit it when someone referred the customer. */
export async function applySale(trx: DB, env: SaleEnv, sale: SaleInput, attribution: SaleAttribution, customer?: CustomerRef, bindingSource: NewBinding['source'] = 'stripe'): Promise<SaleOutcome> {
  let binding: Binding | undefined;
  let newBinding = false;
  let partnerId: string | null = null;
  let json: unknown;
  if (attribution.kind === 'bound') {
    binding = attribution.binding;
    partnerId = binding.partnerId;
    json = bindingJson(binding);
  } else if (attribution.kind === 'resolved') {
    const r = attribution.resolution;
    if (customer) {
      const bound = await bindCustomer(trx, env.clock, {
        merchantId: sale.merchantId,
        livemode: sale.livemode,
        customerKey: customer.customerKey,
        stripeCustomerId: customer.stripeCustomerId,
        externalCustomerId: customer.externalCustomerId,
        customerEmail: customer.email,
        customerName: customer.name,
        partnerId: r.partner.id,
        clickId: r.clickId,
        referralValue: r.value,
        foundIn: r.foundIn,
        source: r.source ?? bindingSource,
      });
      binding = bound.binding;
      newBinding = bound.created;
      partnerId = binding.partnerId;
      json = bound.created ? { via: 'referral', value: r.value, foundIn: r.foundIn, clickId: r.clickId, tried: r.tried } : bindingJson(binding);
    } else {
      partnerId = r.partner.id;
      json = { via: 'referral', value: r.value, foundIn: r.foundIn, clickId: r.clickId, tried: r.tried };
    }
  } else {
    json = { via: 'none', reason: attribution.reason, tried: attribution.tried };
  }

  const recorded = await recordConversion(trx, env.clock, {
    ...sale,
    customerKey: customer?.customerKey ?? null,
    partnerId,
    bindingId: binding?.id ?? null,
    unattributedReason: partnerId ? null : attribution.kind === 'none' ? attribution.reason : 'no_referral_value',
    attribution: JSON.stringify(json),
  });
  let conversion = recorded.conversion;
  // A replay after the customer got bound: the stored conversion is still unattributed, attribute it now.
  if (!conversion.partnerId && partnerId) conversion = await attributeConversion(trx, conversion, partnerId, binding?.id ?? null, json, env.clock.now());

  const wakeKeys: WaitKey[] = [];
  if (sale.paymentIntentId) wakeKeys.push(`pi:${sale.paymentIntentId}`);
  if (sale.invoiceId) wakeKeys.push(`in:${sale.invoiceId}`);
  let credit: Commission | undefined;
  if (conversion.partnerId) {
    credit = await creditWithPartner(trx, env, conversion, json, recorded.created);
    if (credit) wakeKeys.push(`conv:${conversion.id}`);
  }
  if (binding && newBinding) wakeKeys.push(...(await creditWaitingSales(trx, env, binding, conversion.id)));
  return { conversion, credit, binding, wakeKeys };
}

async function creditWithPartner(trx: DB, env: SaleEnv, conversion: Conversion, json: unknown, fresh = false): Promise<Commission | undefined> {
  const partner = await findPartner(trx, conversion.merchantId, conversion.partnerId!);
  if (!partner) return undefined;
  const j = json as { value?: string | null; foundIn?: string | null; source?: string };
  const credit = await creditConversion(trx, env.clock, conversion, {
    program: env.program,
    partner,
    disconnectedAt: env.disconnectedAt,
    cause: env.cause,
    referral: { value: j.value ?? null, foundIn: j.foundIn ?? null, source: j.source },
    fresh,
  });
  // A sale credited late (its customer got bound afterwards) may already have API refunds to take back.
  if (credit) await clawBackEarlierApiRefunds(trx, env.clock, conversion, credit, env.cause);
  return credit;
}

/** A new binding credits the customer's earlier sales that were waiting unattributed (invoice before session). */
export async function creditWaitingSales(trx: DB, env: SaleEnv, binding: Binding, exceptConversionId?: string): Promise<WaitKey[]> {
  const waiting = await store.unattributedOfCustomer(trx, binding.merchantId, binding.livemode, binding.customerKey);
  const keys: WaitKey[] = [];
  for (const c of waiting) {
    if (c.id === exceptConversionId) continue;
    const json = bindingJson(binding);
    const attributed = await attributeConversion(trx, c, binding.partnerId, binding.id, json, env.clock.now());
    const credit = await creditWithPartner(trx, env, attributed, json);
    if (credit) keys.push(`conv:${c.id}`);
  }
  return keys;
}

/**
 * Bind a customer without a sale (subscription checkout, trial, lead, manual assignment). With
 * `creditEarlier`, sales of that customer already waiting unattributed (an invoice that arrived before
 * its Checkout Session) are credited now; a referral that only shows up later (customer metadata
 * edited afterwards) binds future payments only.
 */
export async function bindOnly(trx: DB, env: SaleEnv, b: NewBinding, creditEarlier = true): Promise<{ binding: Binding; created: boolean; wakeKeys: WaitKey[] }> {
  const { binding, created } = await bindCustomer(trx, env.clock, b);
  const wakeKeys = created && creditEarlier ? await creditWaitingSales(trx, env, binding) : [];
  return { binding, created, wakeKeys };
}
