// Which rule applies to a sale, whether it is inside the program's duration, and whether it earns.
// Pure functions: the ledger service gathers the inputs and stores the outcome with its reasons.
import type { CommissionRule } from './math';

export interface ProgramTerms {
  commissionType: 'percent' | 'flat';
  commissionValue: number;
  currency: string;
  durationType: 'lifetime' | 'first_payment' | 'months' | 'invoices';
  durationValue: number | null;
  platformFeeBps: number;
  holdingDays: number;
}

export interface PartnerTerms {
  status: 'pending' | 'active' | 'paused' | 'banned';
  email: string;
  commissionOverrideType: 'percent' | 'flat' | null;
  commissionOverrideValue: number | null;
}

/** The partner's override replaces the program rate; a flat amount is in the program currency. */
export function ruleFor(program: ProgramTerms, partner: PartnerTerms, productRateBps?: number | null): CommissionRule {
  if (partner.commissionOverrideType && partner.commissionOverrideValue !== null) {
    return partner.commissionOverrideType === 'percent'
      ? { type: 'percent', bps: partner.commissionOverrideValue }
      : { type: 'flat', amount: partner.commissionOverrideValue, currency: program.currency };
  }
  if (productRateBps !== undefined && productRateBps !== null) return { type: 'percent', bps: productRateBps };
  return program.commissionType === 'percent'
    ? { type: 'percent', bps: program.commissionValue }
    : { type: 'flat', amount: program.commissionValue, currency: program.currency };
}

export interface PriorPayments {
  /** Earlier payments of this binding with a base above zero (rejected and refunded ones included). */
  earlierCount: number;
  /** The earliest period start (or payment time) among this binding's payments with a base above zero, this one included. */
  firstPeriodStart: Date | null;
}

export type DurationOutcome = { inside: true } | { inside: false; reason: string };

/**
 * Is this payment inside the program's commission duration? Trials and zero-amount payments never
 * start the clock (callers only count payments with a base above zero).
 */
export function checkDuration(program: ProgramTerms, prior: PriorPayments, periodStart: Date, addMonths: (d: Date, n: number) => Date): DurationOutcome {
  switch (program.durationType) {
    case 'lifetime':
      return { inside: true };
    case 'first_payment':
      return prior.earlierCount === 0 ? { inside: true } : { inside: false, reason: 'The program pays on the first payment only.' };
    case 'invoices': {
      const n = program.durationValue ?? 0;
      return prior.earlierCount < n ? { inside: true } : { inside: false, reason: `The program pays on the first ${n} payments; this is payment ${prior.earlierCount + 1}.` };
    }
    case 'months': {
      const n = program.durationValue ?? 0;
      const first = prior.firstPeriodStart ?? periodStart;
      const end = addMonths(first, n);
      return periodStart.getTime() < end.getTime()
        ? { inside: true }
        : { inside: false, reason: `The program pays for ${n} months from ${first.toISOString().slice(0, 10)}; this period starts ${periodStart.toISOString().slice(0, 10)}.` };
    }
  }
}

export type EarningOutcome = { earns: true } | { earns: false; reason: string };

/** Only active partners earn, never on their own purchases, and never on payments after a disconnect. */
export function checkEarning(partner: PartnerTerms, customerEmail: string | null, paidAt: Date, disconnectedAt: Date | null): EarningOutcome {
  if (disconnectedAt && paidAt.getTime() >= disconnectedAt.getTime()) return { earns: false, reason: 'Paid after the Stripe account was disconnected.' };
  if (partner.status !== 'active') return { earns: false, reason: `Partner is ${partner.status}.` };
  if (customerEmail && customerEmail.trim().toLowerCase() === partner.email.trim().toLowerCase()) {
    return { earns: false, reason: 'Self-referral: the customer’s email is the partner’s.' };
  }
  return { earns: true };
}
