import type { AppContext } from '../../deps';
import { applicationStatus, reviewApplication, submitApplication } from '../../partners/applications';
import { listApplications } from '../../partners/store';
import { apiRoute, type ApiRouteDef } from '../api-route';
import { IdParams } from './affiliates-schema';
import { presentApplication } from '../presenters';
import { ApplicationListQuery, ApplicationPage, ApplyBody, ApplyResponse, ApplyStatusQuery, ApplyStatusResponse, ReviewBody, ReviewResponse } from './applications-schema';

/**
 * Applications to join the program. Partners and applications have no mode: a test key sees and decides
 * the same applications as a live key (the outbound events it causes carry the key's mode).
 */
export function applicationEndpoints(ctx: AppContext): ApiRouteDef[] {
  const db = ctx.db.kysely;
  return [
    apiRoute(ctx, {
      method: 'post',
      path: '/api/v1/affiliates/apply',
      summary: 'Submit an application',
      description: 'Records an application to join your program, as the public application page does (e.g. from your own sign-up form). It waits for review.',
      tags: ['Applications'],
      body: ApplyBody,
      response: ApplyResponse,
      errors: [{ status: 409, code: 'duplicate_application', description: 'This email has already applied to your program.' }],
      handler: async ({ body, api }) => {
        const a = await submitApplication(db, ctx.clock, api.merchantId, { email: body.email, name: body.name, company: body.company ?? '', website: body.website ?? '', reason: body.reason ?? '' });
        return { id: a.id, status: 'pending' as const };
      },
    }),
    apiRoute(ctx, {
      method: 'get',
      path: '/api/v1/affiliates/apply/status',
      summary: 'Look up an application by email',
      tags: ['Applications'],
      query: ApplyStatusQuery,
      response: ApplyStatusResponse,
      handler: ({ query, api }) => applicationStatus(db, api.merchantId, query.email),
    }),
    apiRoute(ctx, {
      method: 'get',
      path: '/api/v1/applications',
      summary: 'List applications',
      description: 'Applications to your program, newest first.',
      tags: ['Applications'],
      query: ApplicationListQuery,
      response: ApplicationPage,
      handler: async ({ query, api }) => {
        const { rows, total } = await listApplications(db, api.merchantId, { status: query.status, offset: (query.page - 1) * query.limit, limit: query.limit });
        return { data: rows.map(presentApplication), page: query.page, limit: query.limit, total };
      },
    }),
    apiRoute(ctx, {
      method: 'post',
      path: '/api/v1/applications/:id/review',
      summary: 'Approve or reject an application',
      description:
        'approve creates the affiliate (active, with its default link; optionally with the code you choose); reject keeps your reason. Sends partner_application.approved or .rejected to your webhooks.',
      tags: ['Applications'],
      params: IdParams,
      body: ReviewBody,
      response: ReviewResponse,
      status: 200,
      errors: [
        { status: 404, code: 'application_not_found', description: 'No application with this id in your program.' },
        { status: 409, code: 'conflict', description: 'The application was already approved or rejected.' },
        { status: 409, code: 'code_taken', description: 'Another affiliate already has this code.' },
        { status: 409, code: 'email_taken', description: 'An affiliate with the applicant’s email already exists.' },
      ],
      handler: async ({ params, body, api }) => {
        const decision = body.action === 'approve' ? { action: 'approve' as const, code: body.code } : { action: 'reject' as const, reason: body.rejectionReason };
        const { application, partner } = await reviewApplication(db, ctx.clock, api.merchantId, params.id, decision, api.keyId, api.livemode);
        return { application: presentApplication(application), affiliate: partner ? { id: partner.id, code: partner.code } : null };
      },
    }),
  ];
}
