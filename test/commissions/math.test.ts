import { roundDiv, applyBps, sessionCommission, invoiceCommission, splitFee, refundClawback, remainingAfterReversals, addMonthsUtc, withinMonths } from '../../server/commissions/math';

describe('rounding: half away from zero, once', () => {
  it.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [4n, 2n, 2n],
    [24999n, 10000n, 2n],
    [25000n, 10000n, 3n],
    [-25000n, 10000n, -3n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [5n, -2n, -3n],
    [0n, 7n, 0n],
  ])('%p ÷ %p = %p', (n, d, expected) => {
    expect(roundDiv(n, d)).toBe(expected);
  });

  it('never goes through floating point', () => {
    // 0.1 + 0.2 style trouble: 2^53 + 1 cannot be represented as a double, BigInt keeps it exact.
    expect(roundDiv(2n ** 53n * 10n + 15n, 10n)).toBe(2n ** 53n + 2n);
  });
});

describe('commission in basis points across currencies', () => {
  it('usd: 20% of $19.99 is $4.00 (399.8 → 400)', () => expect(applyBps(1999, 2000)).toBe(400));
  it('usd: 12.5% of $0.04 rounds half away (0.5 → 1)', () => expect(applyBps(4, 1250)).toBe(1));
  it('jpy (zero-decimal): 20% of ¥1,234 is ¥247 (246.8)', () => expect(applyBps(1234, 2000)).toBe(247));
  it('jpy: 15% of ¥1,230 is ¥185 (184.5 rounds up)', () => expect(applyBps(1230, 1500)).toBe(185));
  it('kwd (three-decimal): 20% of 12.345 KWD is 2.469 KWD', () => expect(applyBps(12345, 2000)).toBe(2469));
  it('krw: 33.33% of ₩10,000 is ₩3,333', () => expect(applyBps(10000, 3333)).toBe(3333));
});

describe('one-off Checkout purchase', () => {
  it('excludes tax and includes shipping', () => {
    // amount_total 12,000 includes 1,000 tax and 500 shipping → base 11,000
    expect(sessionCommission({ amountTotal: 12000, amountTax: 1000 }, { type: 'percent', bps: 2000 })).toEqual({ base: 11000, commission: 2200 });
  });
  it('pays a flat amount regardless of base, and nothing on a zero base', () => {
    expect(sessionCommission({ amountTotal: 5000, amountTax: 0 }, { type: 'flat', amount: 700, currency: 'usd' })).toEqual({ base: 5000, commission: 700 });
    expect(sessionCommission({ amountTotal: 0, amountTax: 0 }, { type: 'flat', amount: 700, currency: 'usd' })).toEqual({ base: 0, commission: 0 });
  });
});

describe('invoice commission', () => {
  const pct = { type: 'percent' as const, bps: 2000 };
  it('fully paid invoice: tax-excluded base', () => {
    expect(invoiceCommission({ total: 11900, totalExcludingTax: 10000, amountPaid: 11900 }, pct)).toEqual({ base: 10000, commission: 2000 });
  });
  it('partial payment scales the tax-excluded base, rounding once', () => {
    // 10000 × 5000 × 2000 / (11900 × 10000) = 840.336… → 840
    expect(invoiceCommission({ total: 11900, totalExcludingTax: 10000, amountPaid: 5000 }, pct)).toEqual({ base: 4202, commission: 840 });
  });
  it('overpayment is capped at the total', () => {
    expect(invoiceCommission({ total: 1000, totalExcludingTax: 1000, amountPaid: 1500 }, pct).commission).toBe(200);
  });
  it('nothing for $0 trials, 100% coupons, credit-balance invoices', () => {
    expect(invoiceCommission({ total: 0, totalExcludingTax: 0, amountPaid: 0 }, pct).commission).toBe(0);
    expect(invoiceCommission({ total: 2000, totalExcludingTax: 2000, amountPaid: 0 }, pct).commission).toBe(0);
    expect(invoiceCommission({ total: -500, totalExcludingTax: -500, amountPaid: 0 }, pct).commission).toBe(0);
  });
  it('kwd partial payment', () => {
    // 10.000 KWD excl. tax, 10.500 total, 5.250 paid at 20%: 10000×5250×2000/(10500×10000) = 1000
    expect(invoiceCommission({ total: 10500, totalExcludingTax: 10000, amountPaid: 5250 }, pct)).toEqual({ base: 5000, commission: 1000 });
  });
});

describe('platform fee', () => {
  it('is rounded on the commission and net is the rest', () => {
    expect(splitFee(2000, 250)).toEqual({ fee: 50, net: 1950 });
    expect(splitFee(333, 1000)).toEqual({ fee: 33, net: 300 });
    expect(splitFee(335, 1000)).toEqual({ fee: 34, net: 301 });
  });
});

describe('refund clawbacks sum to the whole', () => {
  const original = { commission: 1000, fee: 100, net: 900 };
  it('two partial refunds then the rest reverse exactly C, fee and net', () => {
    const paid = 3000;
    const steps = [[0, 1000], [1000, 1700], [1700, 3000]] as const;
    const parts = steps.map(([b, a]) => refundClawback(original, paid, b, a));
    expect(parts).toEqual([
      { commission: 333, fee: 33, net: 300 },
      { commission: 234, fee: 24, net: 210 },
      { commission: 433, fee: 43, net: 390 },
    ]);
    const sum = parts.reduce((s, p) => ({ commission: s.commission + p.commission, fee: s.fee + p.fee, net: s.net + p.net }), { commission: 0, fee: 0, net: 0 });
    expect(sum).toEqual(original);
  });
  it('a full refund at once reverses exactly C', () => {
    expect(refundClawback({ commission: 2469, fee: 0, net: 2469 }, 12345, 0, 12345)).toEqual({ commission: 2469, fee: 0, net: 2469 });
  });
  it('never claws back beyond what was paid', () => {
    expect(refundClawback(original, 3000, 0, 9000)).toEqual(original);
  });
  it('a lost dispute takes only what is left', () => {
    expect(remainingAfterReversals(original, { commission: 333, fee: 33, net: 300 })).toEqual({ commission: 667, fee: 67, net: 600 });
  });
});

describe('calendar months for durations (UTC, clamped to month end)', () => {
  it('adds months and clamps', () => {
    expect(addMonthsUtc(new Date('2026-01-31T10:00:00Z'), 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addMonthsUtc(new Date('2028-01-31T00:00:00Z'), 1).toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(addMonthsUtc(new Date('2026-11-15T00:00:00Z'), 3).toISOString()).toBe('2027-02-15T00:00:00.000Z');
  });
  it('3 months from Jan 15: Apr 14 is inside, Apr 15 is not', () => {
    const first = new Date('2026-01-15T00:00:00Z');
    expect(withinMonths(first, new Date('2026-04-14T23:59:59Z'), 3)).toBe(true);
    expect(withinMonths(first, new Date('2026-04-15T00:00:00Z'), 3)).toBe(false);
  });
});
