import { z } from 'zod';
import { isKnownCurrency, parseMajor } from '../lib/money';

/** Percent text ("20", "12.5", "0.25") → basis points, exactly. */
export function percentToBps(text: string): number | undefined {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/%$/, ''));
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export const bpsToPercent = (bps: number): string => {
  const whole = Math.trunc(bps / 100);
  const frac = bps % 100;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
};

const intText = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,6}$/, `${label} must be a whole number.`)
    .transform(Number)
    .pipe(z.number().min(min, `${label} must be at least ${min}.`).max(max, `${label} must be at most ${max}.`));

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The settings form, as posted (every value a string). Cross-field rules run in the transform. */
export const SettingsForm = z
  .object({
    commissionType: z.enum(['percent', 'flat'], 'Choose percentage or flat amount.'),
    /** A percentage ("20" for 20%) or a flat amount in the program currency ("10.00"). */
    commissionValue: z.string().trim().min(1, 'Enter the commission.').max(20),
    durationType: z.enum(['lifetime', 'first_payment', 'months', 'invoices'], 'Choose how long partners earn.'),
    durationValue: z.string().trim().max(6).optional().default(''),
    cookieDays: intText('Cookie window', 1, 365),
    attributionModel: z.enum(['last_click', 'first_click'], 'Choose last click or first click.'),
    holdingDays: intText('Holding period', 0, 365),
    minPayout: z.string().trim().min(1, 'Enter the minimum payout.').max(20),
    currency: z
      .string()
      .trim()
      .toLowerCase()
      .refine((c) => /^[a-z]{3}$/.test(c) && isKnownCurrency(c), 'Enter a three-letter ISO currency code, like usd.'),
    platformFee: z.string().trim().max(8).optional().default('0'),
    destinationUrl: z
      .string()
      .trim()
      .max(2000, 'Keep the URL under 2000 characters.')
      .refine((v) => v === '' || /^https?:\/\/[^\s]+$/i.test(v) && URL.canParse(v), 'Enter a full http(s) URL, like https://example.com.'),
    extraMetadataKeys: z
      .string()
      .trim()
      .max(500)
      .transform((v) => v.split(/[\s,]+/).filter(Boolean))
      .refine((keys) => keys.length <= 10, 'At most 10 extra keys.')
      .refine((keys) => keys.every((k) => /^[A-Za-z0-9_\-]{1,40}$/.test(k)), 'Keys may use letters, digits, - and _ (up to 40 characters).'),
    timeZone: z.string().trim().max(64).refine(isTimeZone, 'Enter an IANA time zone, like Europe/Berlin.').optional().default('UTC'),
    brandColor: z.string().trim().regex(/^#[0-9a-fA-F]{6}$/, 'Enter a colour like #4f46e5.').optional().default('#4f46e5'),
  })
  .transform((f, ctx) => {
    const commissionValue = f.commissionType === 'percent' ? percentToBps(f.commissionValue) : parseMajor(f.commissionValue, f.currency);
    if (commissionValue === undefined || commissionValue <= 0 || (f.commissionType === 'percent' && commissionValue > 10_000)) {
      ctx.addIssue({
        code: 'custom',
        path: ['commissionValue'],
        message: f.commissionType === 'percent' ? 'Enter a percentage above 0 and at most 100, with up to two decimals.' : `Enter an amount above 0 in ${f.currency.toUpperCase()}.`,
      });
    }
    let durationValue: number | null = null;
    if (f.durationType === 'months' || f.durationType === 'invoices') {
      durationValue = /^\d{1,4}$/.test(f.durationValue) ? Number(f.durationValue) : NaN;
      if (!(durationValue >= 1 && durationValue <= 120)) {
        ctx.addIssue({ code: 'custom', path: ['durationValue'], message: `Enter how many ${f.durationType} (1 to 120).` });
      }
    }
    const minPayout = parseMajor(f.minPayout, f.currency);
    if (minPayout === undefined || minPayout < 0) ctx.addIssue({ code: 'custom', path: ['minPayout'], message: `Enter an amount of 0 or more in ${f.currency.toUpperCase()}.` });
    const platformFeeBps = percentToBps(f.platformFee || '0');
    if (platformFeeBps === undefined || platformFeeBps > 10_000) ctx.addIssue({ code: 'custom', path: ['platformFee'], message: 'Enter a percentage from 0 to 100.' });
    return {
      commissionType: f.commissionType,
      commissionValue: commissionValue ?? 0,
      durationType: f.durationType,
      durationValue,
      cookieDays: f.cookieDays,
      attributionModel: f.attributionModel,
      holdingDays: f.holdingDays,
      minPayout: minPayout ?? 0,
      currency: f.currency,
      platformFeeBps: platformFeeBps ?? 0,
      destinationUrl: f.destinationUrl || null,
      extraMetadataKeys: f.extraMetadataKeys,
      timeZone: f.timeZone,
      brandColor: f.brandColor.toLowerCase(),
    };
  });
export type SettingsInput = z.output<typeof SettingsForm>;

export const DEFAULT_SETTINGS = {
  commissionType: 'percent' as const,
  commissionValue: 2000,
  durationType: 'lifetime' as const,
  durationValue: null,
  cookieDays: 60,
  attributionModel: 'last_click' as const,
  holdingDays: 30,
  minPayout: 5000,
  currency: 'usd',
  platformFeeBps: 0,
  destinationUrl: null,
  extraMetadataKeys: '[]',
  timeZone: 'UTC',
  brandColor: '#4f46e5',
};
