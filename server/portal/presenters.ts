// Rows → what a partner may see. Pure: customer emails leave here masked, and nothing of the merchant's
// internals (rules JSON, explanations, Stripe customer ids) reaches a portal page.
import type { CommissionStory } from '../commissions/queries';
import type { CommissionRule } from '../commissions/math';
import { bpsToPercent } from '../accounts/settings-schema';
import { formatMoney } from '../lib/money';
import type { PortalCommissionView } from '../../web/views/pages/portal-money';
import type { PortalCustomerRow } from '../../web/views/pages/portal-account';
import { maskEmail } from './mask';

export function rateText(ruleJson: string, explanationJson: string): string {
  const rule = JSON.parse(ruleJson) as CommissionRule;
  const byProduct = Boolean((JSON.parse(explanationJson) as { lines?: unknown }).lines);
  if (rule.type === 'flat') return `${formatMoney(rule.amount, rule.currency)} per sale`;
  return `${bpsToPercent(rule.bps)}% of the sale${byProduct ? ' (some products at their own rate)' : ''}`;
}

export function presentCommission(story: CommissionStory): PortalCommissionView {
  const { credit, conversion, reversals } = story;
  return {
    credit: {
      id: credit.id,
      amount: credit.amount,
      fee: credit.fee,
      net: credit.net,
      currency: credit.currency,
      status: credit.status,
      statusReason: credit.statusReason,
      holdUntil: credit.holdUntil,
      occurredAt: credit.occurredAt,
      rate: rateText(credit.rule, credit.explanation),
    },
    sale: { kind: conversion.kind, amount: conversion.amount, currency: conversion.currency, occurredAt: conversion.occurredAt, customer: maskEmail(conversion.customerEmail) },
    reversals: reversals.map((r) => ({ id: r.id, net: r.net, currency: r.currency, status: r.status, reason: r.statusReason, occurredAt: r.occurredAt })),
  };
}

export function presentCustomer(r: { id: string; customerEmail: string | null; createdAt: string; source: string; sales: number; lastSaleAt: string | null; subscriptionStatus: string | null }): PortalCustomerRow {
  return { id: r.id, email: maskEmail(r.customerEmail), since: r.createdAt, sales: r.sales, lastSaleAt: r.lastSaleAt, subscriptionStatus: r.subscriptionStatus, viaDeal: r.source === 'deal' };
}

/** Every UTC day from `from` to `to` (YYYY-MM-DD, inclusive), with the counted clicks or 0. */
export function fillDays(rows: { day: string; clicks: number }[], from: string, to: string): { day: string; clicks: number }[] {
  const byDay = new Map(rows.map((r) => [r.day, r.clicks]));
  const out: { day: string; clicks: number }[] = [];
  for (let d = new Date(`${from}T00:00:00.000Z`); d.toISOString().slice(0, 10) <= to; d = new Date(d.getTime() + 86_400_000)) {
    const day = d.toISOString().slice(0, 10);
    out.push({ day, clicks: byDay.get(day) ?? 0 });
  }
  return out;
}
