import { z } from 'zod';

/** What Stripe sends back to the OAuth redirect URI. */
export const OAuthCallbackQuery = z.object({
  /** The value we put in the authorize URL; checked before anything else. */
  state: z.string().max(200).optional(),
  /** The authorization code (ac_…) to exchange, on success. */
  code: z.string().max(500).optional(),
  /** Set instead of `code` when the merchant declined or something went wrong (e.g. access_denied). */
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});
export type OAuthCallbackQuery = z.infer<typeof OAuthCallbackQuery>;
