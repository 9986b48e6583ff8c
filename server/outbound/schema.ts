import { z } from 'zod';
import type { OutboundEventType } from './record';
import { endpointUrlProblem, type EndpointPolicy } from './url-policy';

export const OUTBOUND_EVENT_TYPES = [
  'partner_application.approved',
  'partner_application.rejected',
  'conversion.created',
  'commission.created',
  'commission.reversed',
  'commission.approved',
  'payout.paid',
] as const satisfies readonly OutboundEventType[];

/** A form sends one checkbox value as a string and several as an array. */
const oneOrMany = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

/** The endpoint form on /settings/webhooks. */
export const endpointForm = (policy: EndpointPolicy) =>
  z.object({
    /** Where deliveries are POSTed: https (http only outside production), no credentials, no private address unless allowed. */
    url: z
      .string()
      .trim()
      .min(1, 'Enter the URL to send events to.')
      .superRefine((url, ctx) => {
        const problem = endpointUrlProblem(url, policy);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    /** The event types this endpoint receives; at least one. */
    events: z.preprocess(oneOrMany, z.array(z.enum(OUTBOUND_EVENT_TYPES, 'Unknown event type.')).min(1, 'Choose at least one event.')),
    /** live endpoints receive live events, test endpoints test-mode events. */
    mode: z.enum(['live', 'test'], 'Choose live or test.'),
  });
export type EndpointForm = z.infer<ReturnType<typeof endpointForm>>;
