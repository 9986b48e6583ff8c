import { convertMinor, normaliseRate, parseRate, rateFromNumber } from '../../server/payouts/rates';
import { merchantRateOn, priceRow } from '../../server/payouts/pricing';

describe('exchange rates as exact decimals', () => {
  it('parses and normalises decimal rates, and refuses what is not a positive decimal', () => {
    expect(normaliseRate('1.083400')).toBe('1.0834');
    expect(normaliseRate('155')).toBe('155');
    expect(normaliseRate('0.0000001')).toBe('0.0000001');
    expect(rateFromNumber(1.2e-7)).toBe('0.00000012');
    expect(rateFromNumber(1.08341)).toBe('1.08341');
    for (const bad of ['0', '-1', '1,5', 'abc', '', '1.', '.5', '1.1234567890123456789']) expect(parseRate(bad)).toBeUndefined();
  });

  it('converts minor units across exponents with one rounding, half away from zero', () => {
    expect(convertMinor(2000, 'eur', 'usd', '1.0834')).toBe(2167); // 2166.8
    expect(convertMinor(1000, 'gbp', 'usd', '1.27125')).toBe(1271); // 1271.25
    expect(convertMinor(10_000, 'jpy', 'usd', '0.0067')).toBe(6700); // ¥10,000 → $67.00
    expect(convertMinor(1234, 'usd', 'jpy', '155.5')).toBe(1919); // $12.34 → ¥1918.87
    expect(convertMinor(1000, 'usd', 'kwd', '0.3075')).toBe(3075); // $10.00 → 3.075 KWD
    expect(convertMinor(-2000, 'eur', 'usd', '1.0834')).toBe(-2167); // reversals round symmetrically
    expect(convertMinor(5, 'usd', 'eur', '0.5')).toBe(3); // 2.5 → 3
    expect(convertMinor(-5, 'usd', 'eur', '0.5')).toBe(-3);
  });
});

describe('choosing the rate of a row', () => {
  const rates = [
    { fromCurrency: 'eur', toCurrency: 'usd', effectiveOn: '2026-11-01', rate: '1.08' },
    { fromCurrency: 'eur', toCurrency: 'usd', effectiveOn: '2026-11-20', rate: '1.10' },
  ];
  const row = { net: 1000, currency: 'eur', saleAt: '2026-11-19T23:59:59.000Z', stripeRate: null, stripeRateFrom: null, stripeRateTo: null, stripeRateDate: null };

  it('uses the newest merchant rate dated on or before the sale day', () => {
    expect(merchantRateOn(rates, 'eur', 'usd', '2026-11-19')?.rate).toBe('1.08');
    expect(merchantRateOn(rates, 'eur', 'usd', '2026-11-20')?.rate).toBe('1.10');
    expect(merchantRateOn(rates, 'eur', 'usd', '2026-10-31')).toBeUndefined();
    expect(priceRow(row, 'usd', rates)).toEqual({ kind: 'priced', amount: 1080, rate: '1.08', source: 'merchant', rateDate: '2026-11-01' });
  });

  it('prefers the rate Stripe applied, but only for the same pair', () => {
    const withStripe = { ...row, stripeRate: '1.0912', stripeRateFrom: 'eur', stripeRateTo: 'usd', stripeRateDate: '2026-11-19' };
    expect(priceRow(withStripe, 'usd', rates)).toEqual({ kind: 'priced', amount: 1091, rate: '1.0912', source: 'stripe_balance_transaction', rateDate: '2026-11-19' });
    expect(priceRow({ ...withStripe, stripeRateTo: 'gbp' }, 'usd', [])).toEqual({ kind: 'needs_rate', from: 'eur', to: 'usd', date: '2026-11-19' });
  });
});
