import { ruleFor, checkDuration, checkEarning, type ProgramTerms, type PartnerTerms } from '../../server/commissions/rules';
import { addMonthsUtc } from '../../server/commissions/math';

const program: ProgramTerms = { commissionType: 'percent', commissionValue: 2000, currency: 'usd', durationType: 'lifetime', durationValue: null, platformFeeBps: 0, holdingDays: 30 };
const partner: PartnerTerms = { status: 'active', email: 'jane@partner.test', commissionOverrideType: null, commissionOverrideValue: null };

describe('which rule applies', () => {
  it('uses the program rate, the partner override over it, and a product rate when no override', () => {
    expect(ruleFor(program, partner)).toEqual({ type: 'percent', bps: 2000 });
    expect(ruleFor(program, { ...partner, commissionOverrideType: 'percent', commissionOverrideValue: 3500 })).toEqual({ type: 'percent', bps: 3500 });
    expect(ruleFor(program, { ...partner, commissionOverrideType: 'flat', commissionOverrideValue: 900 })).toEqual({ type: 'flat', amount: 900, currency: 'usd' });
    expect(ruleFor(program, partner, 500)).toEqual({ type: 'percent', bps: 500 });
    expect(ruleFor({ ...program, commissionType: 'flat', commissionValue: 1000, currency: 'eur' }, partner)).toEqual({ type: 'flat', amount: 1000, currency: 'eur' });
  });
});

describe('duration', () => {
  const d = (s: string) => new Date(s);
  it('first payment only', () => {
    const p = { ...program, durationType: 'first_payment' as const };
    expect(checkDuration(p, { earlierCount: 0, firstPeriodStart: null }, d('2026-01-01T00:00:00Z'), addMonthsUtc).inside).toBe(true);
    expect(checkDuration(p, { earlierCount: 1, firstPeriodStart: d('2026-01-01T00:00:00Z') }, d('2026-02-01T00:00:00Z'), addMonthsUtc).inside).toBe(false);
  });
  it('N invoices counts earlier paid invoices', () => {
    const p = { ...program, durationType: 'invoices' as const, durationValue: 2 };
    expect(checkDuration(p, { earlierCount: 1, firstPeriodStart: null }, d('2026-02-01T00:00:00Z'), addMonthsUtc).inside).toBe(true);
    expect(checkDuration(p, { earlierCount: 2, firstPeriodStart: null }, d('2026-03-01T00:00:00Z'), addMonthsUtc)).toEqual({ inside: false, reason: 'The program pays on the first 2 payments; this is payment 3.' });
  });
  it('N months from the first commissioned period start, boundary excluded', () => {
    const p = { ...program, durationType: 'months' as const, durationValue: 3 };
    const first = d('2026-01-31T00:00:00Z');
    // Jan 31 + 3 months clamps to Apr 30 00:00: a period starting a second before is in, at it is out.
    expect(checkDuration(p, { earlierCount: 2, firstPeriodStart: first }, d('2026-04-29T23:59:59Z'), addMonthsUtc).inside).toBe(true);
    expect(checkDuration(p, { earlierCount: 3, firstPeriodStart: first }, d('2026-04-30T00:00:00Z'), addMonthsUtc).inside).toBe(false);
  });
});

describe('who earns', () => {
  const now = new Date('2026-11-25T00:00:00Z');
  it('refuses paused and banned partners, self-referrals and payments after a disconnect', () => {
    expect(checkEarning(partner, 'buyer@x.test', now, null)).toEqual({ earns: true });
    expect(checkEarning({ ...partner, status: 'paused' }, null, now, null)).toEqual({ earns: false, reason: 'Partner is paused.' });
    expect(checkEarning(partner, 'JANE@partner.test', now, null).earns).toBe(false);
    expect(checkEarning(partner, null, now, new Date('2026-11-24T00:00:00Z')).earns).toBe(false);
    expect(checkEarning(partner, null, new Date('2026-11-23T00:00:00Z'), new Date('2026-11-24T00:00:00Z')).earns).toBe(true);
  });
});
