// The rate Stripe applied to a sale in another currency, captured while the sale is processed: after a
// disconnect the API refuses every call, and payouts may run months later. Called by the ledger's sale
// path (server/commissions/from-stripe/session.ts and invoice.ts): gather before the transaction,
// record inside it.
import Stripe from 'stripe';
import type { DB } from '../../db';
import type { ProgramSettings } from '../../db/schema';
import type { HandlerContext } from '../stripe/handlers/types';
import { idOf } from '../stripe/fields';
import { rateFromNumber } from './rates';
import { insertSaleRate } from './store';

export interface CapturedRate {
  fromCurrency: string;
  toCurrency: string;
  rate: string;
  balanceTransactionId: string;
  rateDate: string;
}

/** Refusals that retrying cannot fix (access revoked, object gone): the sale then waits for a merchant rate. */
const isPermanent = (err: unknown) =>
  err instanceof Stripe.errors.StripePermissionError ||
  err instanceof Stripe.errors.StripeAuthenticationError ||
  (err instanceof Stripe.errors.StripeInvalidRequestError && (err.code === 'resource_missing' || err.code === 'account_invalid'));

async function chargeOf(h: HandlerContext, sale: { paymentIntentId: string | null; invoiceId: string | null }): Promise<Stripe.Charge | undefined> {
  let paymentIntentId = sale.paymentIntentId;
  if (!paymentIntentId && sale.invoiceId) {
    // Invoice payloads do not carry their payments (an includable field): list them.
    const payments = await h.stripe.invoicePayments.list({ invoice: sale.invoiceId, status: 'paid', limit: 1 }, h.requestOptions);
    const payment = payments.data[0]?.payment;
    paymentIntentId = idOf(payment?.payment_intent);
    const chargeId = idOf(payment?.charge);
    if (!paymentIntentId && chargeId) return h.stripe.charges.retrieve(chargeId, { expand: ['balance_transaction'] }, h.requestOptions);
  }
  if (!paymentIntentId) return undefined;
  const pi = await h.stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge.balance_transaction'] }, h.requestOptions);
  return typeof pi.latest_charge === 'object' && pi.latest_charge ? pi.latest_charge : undefined;
}

/**
 * Only when the sale's currency differs from the program's payout currency: fetch the charge's balance
 * transaction and keep its exchange rate when the account settled the sale in the payout currency.
 * Returns undefined otherwise (no call at all for same-currency sales).
 */
export async function gatherSaleRate(h: HandlerContext, program: ProgramSettings, sale: { currency: string; paymentIntentId: string | null; invoiceId: string | null }): Promise<CapturedRate | undefined> {
  const from = sale.currency.toLowerCase();
  const to = program.currency;
  if (from === to) return undefined;
  try {
    const charge = await chargeOf(h, sale);
    const bt = charge?.balance_transaction;
    if (!bt || typeof bt !== 'object' || bt.currency !== to || bt.exchange_rate === null) return undefined;
    const rate = rateFromNumber(bt.exchange_rate);
    if (!rate) return undefined;
    return { fromCurrency: from, toCurrency: to, rate, balanceTransactionId: bt.id, rateDate: new Date(bt.created * 1000).toISOString().slice(0, 10) };
  } catch (err) {
    if (!isPermanent(err)) throw err;
    h.logger.warn({ merchantId: h.merchantId, accountId: h.accountId, err: (err as Error).message }, 'sale rate not captured: Stripe refused');
    return undefined;
  }
}

/** Keep the captured rate with its conversion, once (a replay changes nothing). */
export async function recordSaleRate(trx: DB, conversion: { id: string; merchantId: string }, captured: CapturedRate | undefined, nowIso: string): Promise<void> {
  if (!captured) return;
  await insertSaleRate(trx, { conversionId: conversion.id, merchantId: conversion.merchantId, ...captured, createdAt: nowIso });
}
