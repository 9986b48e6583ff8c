// Request and response schemas of the application endpoints (/api/v1/affiliates/apply*, /api/v1/applications*).
import { z } from 'zod';
import { CODE_PATTERN, CODE_RULE } from '../../partners/codes';
import { listQuery, pageOf } from '../pagination';
import { email, isoTime } from './affiliates-schema';

const optionalText = (field: string, max: number) => z.string(`${field} must be a string.`).trim().max(max, `${field} must be at most ${max} characters.`);

/** POST /api/v1/affiliates/apply: an application sent by your backend (e.g. from your own sign-up form). */
export const ApplyBody = z.strictObject({
  /** One application per email per program. */
  email: email('email').describe('The applicant’s email; each email can apply once.'),
  name: z.string('name must be a string.').trim().min(1, 'name is required.').max(100, 'name must be at most 100 characters.').describe('The applicant’s name.'),
  company: optionalText('company', 100).optional().describe('The applicant’s company.'),
  /** An http(s) URL. */
  website: z
    .string()
    .trim()
    .max(2000)
    .refine((v) => v === '' || (/^https?:\/\/\S+$/i.test(v) && URL.canParse(v)), 'website must be a full http(s) URL.')
    .optional()
    .describe('Where the applicant would promote the program (http or https URL).'),
  reason: optionalText('reason', 2000).optional().describe('Why they want to join.'),
});
export type ApplyBody = z.infer<typeof ApplyBody>;

export const ApplyResponse = z.object({
  id: z.string().describe('Application id (app_…).'),
  status: z.literal('pending'),
});

export const ApplyStatusQuery = z.strictObject({
  email: email('email').describe('The email that applied.'),
});

export const ApplyStatusResponse = z.union([
  z.object({ applied: z.literal(false).describe('No application from this email.') }),
  z.object({
    applied: z.literal(true),
    status: z.enum(['pending', 'approved', 'rejected']),
    rejectionReason: z.string().optional().describe('The reason given, for a rejected application.'),
  }),
]);

export const ApplicationListQuery = listQuery({
  status: z.enum(['pending', 'approved', 'rejected']).optional().describe('Only applications in this status.'),
});

export const Application = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  company: z.string().nullable(),
  website: z.string().nullable(),
  reason: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'rejected']),
  rejectionReason: z.string().nullable(),
  affiliateId: z.string().nullable().describe('The affiliate created on approval.'),
  createdAt: isoTime('When the application was sent.'),
  decidedAt: isoTime('When it was approved or rejected.').nullable(),
});
export type Application = z.infer<typeof Application>;
export const ApplicationPage = pageOf(Application);

const code = z.string().trim().toLowerCase().regex(CODE_PATTERN, `code: ${CODE_RULE}`);

/** POST /api/v1/applications/:id/review */
export const ReviewBody = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('approve').describe('Create the affiliate (active, with its default link).'),
    /** Generated from the applicant's name when absent. */
    code: code.optional().describe('The new affiliate’s ?via= code; generated from the name when absent.'),
  }),
  z.strictObject({
    action: z.literal('reject'),
    /** Kept with the application and answered by the status lookup. */
    rejectionReason: z.string('rejectionReason is required.').trim().min(1, 'rejectionReason is required.').max(500, 'rejectionReason must be at most 500 characters.').describe('Why; kept and returned by the status lookup.'),
  }),
]);
export type ReviewBody = z.infer<typeof ReviewBody>;

export const ReviewResponse = z.object({
  application: Application,
  affiliate: z.object({ id: z.string(), code: z.string() }).nullable().describe('The affiliate created by an approval; null for a rejection.'),
});
