import { exponentOf, parseMajor, toMajorString, formatMoney as format } from '../../server/lib/money';

describe('currency exponents follow Stripe', () => {
  it.each([
    ['usd', 2], ['eur', 2], ['jpy', 0], ['krw', 0], ['kwd', 3], ['bhd', 3], ['isk', 2], ['ugx', 2], ['huf', 2], ['twd', 2],
  ])('%s has %i decimals', (c, e) => expect(exponentOf(c)).toBe(e));
});

describe('parsing amounts typed by people', () => {
  it.each([
    ['12.50', 'usd', 1250], ['12.5', 'usd', 1250], ['1,000', 'usd', 100000], ['0.01', 'usd', 1],
    ['1500', 'jpy', 1500], ['1.250', 'kwd', 1250], ['20', 'kwd', 20000], ['-3.10', 'eur', -310],
  ])('%s %s → %i', (text, c, minor) => expect(parseMajor(text, c)).toBe(minor));
  it.each([['1.005', 'usd'], ['10.5', 'jpy'], ['abc', 'usd'], ['1e3', 'usd'], ['', 'usd'], ['1.0001', 'kwd']])('refuses %s %s', (text, c) =>
    expect(parseMajor(text, c)).toBeUndefined());
});

describe('formatting', () => {
  it('writes plain decimals for exports', () => {
    expect(toMajorString(1250, 'usd')).toBe('12.50');
    expect(toMajorString(5, 'usd')).toBe('0.05');
    expect(toMajorString(-5, 'usd')).toBe('-0.05');
    expect(toMajorString(1500, 'jpy')).toBe('1500');
    expect(toMajorString(1250, 'kwd')).toBe('1.250');
  });
  it('formats for people with symbols and the real decimals', () => {
    const formatMoney = (a: number, c: string) => format(a, c).replace(/\u00a0/g, ' ');
    expect(formatMoney(123456, 'usd')).toBe('$1,234.56');
    expect(formatMoney(-500, 'usd')).toBe('-$5.00');
    expect(formatMoney(1500, 'jpy')).toBe('¥1,500');
    expect(formatMoney(1250, 'kwd')).toBe('KWD 1.250');
    expect(formatMoney(12345, 'isk')).toBe('ISK 123.45');
  });
});
