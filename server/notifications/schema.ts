import { z } from 'zod';

const box = z
  .union([z.literal('on'), z.literal('1'), z.literal(''), z.undefined()])
  .catch(undefined)
  .transform((v) => (v === 'on' || v === '1' ? 1 : 0));

/** The notification switches as posted by the settings form (an unchecked box is absent: off). */
export const NotificationSettingsForm = z.object({
  /** Email the partner when their application is approved or rejected. */
  partnerApplicationDecided: box,
  /** Email the partner when a sale earns them a commission. */
  partnerCommissionEarned: box,
  /** Email the partner when a payout to them is marked paid. */
  partnerPayoutSent: box,
  /** Email the owners and admins when someone applies to become a partner. */
  merchantApplicationReceived: box,
});
export type NotificationSettingsForm = z.infer<typeof NotificationSettingsForm>;

// What the notifications read from outbox events (the events carry more; unknown fields are ignored). An
// event that does not have this shape is mailed about by nobody rather than stopping the scan.
const person = z.looseObject({ name: z.string(), email: z.string() });

export const ApplicationApprovedData = z.looseObject({ application: person, affiliate: z.looseObject({ id: z.string(), code: z.string() }) });
export const ApplicationRejectedData = z.looseObject({ application: person.extend({ rejectionReason: z.string().nullish() }) });
export const CommissionCreatedData = z.looseObject({
  commission: z.looseObject({ kind: z.string(), status: z.string(), netCommission: z.number(), currency: z.string(), affiliateId: z.string() }),
});
export const PayoutPaidData = z.looseObject({
  payout: z.looseObject({ affiliateId: z.string(), amount: z.number(), currency: z.string(), recipient: z.string(), externalReference: z.string().nullish() }),
});
