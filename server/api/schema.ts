import { z } from 'zod';

/** The API key form on /settings/api-keys. */
export const ApiKeyForm = z.object({
  /** What the key is for ("Backend", "Zapier"), so people can tell keys apart and revoke the right one. */
  name: z.string().trim().min(1, 'Give the key a name.').max(100, 'Keep the name under 100 characters.'),
  /** live keys read and write live data; test keys only test data. */
  mode: z.enum(['live', 'test'], 'Choose live or test.'),
});
export type ApiKeyForm = z.infer<typeof ApiKeyForm>;

const isoTime = (description: string) => z.string().meta({ format: 'date-time', description });

/** GET /api/v1/program: the program as the API key's merchant sees it. */
export const ProgramResponse = z.object({
  /** The public program id, used by the tracking snippet, the public click endpoint and the application page. */
  id: z.string().describe('Public program id (prg_…), the one the tracking snippet and the public click endpoint use.'),
  name: z.string().describe('Business name shown to partners.'),
  mode: z.enum(['live', 'test']).describe('The mode of the API key that made this request: live keys see live data, test keys test data.'),
  settings: z.object({
    currency: z.string().describe('Program currency, lower-case ISO 4217 (e.g. usd). Money amounts below are in its minor units.'),
    commissionType: z.enum(['percent', 'flat']).describe('percent: a share of each payment; flat: a fixed amount per payment.'),
    commissionValue: z.number().int().describe('Basis points when commissionType is percent (2000 = 20%); minor units of currency when flat.'),
    durationType: z.enum(['lifetime', 'first_payment', 'months', 'invoices']).describe('Which payments of a referred customer earn commission.'),
    durationValue: z.number().int().nullable().describe('Number of months or invoices for the months/invoices duration types, else null.'),
    cookieDays: z.number().int().describe('How long a click is remembered, in days.'),
    attributionModel: z.enum(['last_click', 'first_click']).describe('Which partner wins when a visitor clicked several links.'),
    holdingDays: z.number().int().describe('Days a commission is held before it becomes payable (covers refunds).'),
    minPayout: z.number().int().describe('Minimum balance for a payout, in minor units of currency.'),
    platformFeeBps: z.number().int().describe('Platform fee taken from each commission, in basis points.'),
    destinationUrl: z.string().nullable().describe('Where referral links send visitors, or null when not set.'),
    extraMetadataKeys: z.array(z.string()).describe('Extra Stripe metadata keys read as referral values, besides the built-in ones.'),
    timeZone: z.string().describe('IANA time zone used for reports.'),
    brandColor: z.string().describe('Brand colour of the partner portal, #rrggbb.'),
    updatedAt: isoTime('When the settings last changed (ISO 8601, UTC).'),
  }),
  stripe: z.object({
    connected: z.boolean().describe('Whether a Stripe account is connected.'),
    accountId: z.string().optional().describe('The connected Stripe account id (acct_…), when connected.'),
    livemode: z.boolean().optional().describe('Whether the connection was made in live mode, when connected.'),
  }),
  createdAt: isoTime('When the program was created (ISO 8601, UTC).'),
});
export type ProgramResponse = z.infer<typeof ProgramResponse>;
