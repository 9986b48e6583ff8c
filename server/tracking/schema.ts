import { z } from 'zod';

const optionalUrl = z
  .string()
  .max(4000)
  .optional()
  // A bad landing URL or referrer is the visitor's browser talking: keep the click, drop the value.
  .transform((v) => (v && /^https?:\/\//i.test(v) && URL.canParse(v) ? v.slice(0, 2000) : null));

/** Body of `POST /api/v1/track/click` (the snippet sends it as text/plain JSON to avoid a CORS preflight). */
export const TrackClickBody = z
  .object({
    /** The program's public id (`prg_…`), from the snippet's `data-program` attribute. */
    programId: z.string().trim().min(1, 'programId is required.').max(64),
    /** A partner code from `?via=` or `?ref=`. */
    code: z.string().trim().max(200).optional(),
    /** A click id from `?referral=` (or any referral value: a click id or a code). */
    referral: z.string().trim().max(200).optional(),
    /** The page the visitor landed on. */
    url: optionalUrl,
    /** `document.referrer` on that page. */
    referrer: optionalUrl,
  })
  .refine((b) => Boolean(b.code || b.referral), { message: 'Send a code or a referral.', path: ['code'] });
export type TrackClickBody = z.input<typeof TrackClickBody>;
