// Partner applications (self sign-up): submit, look up by email, review. HTTP-agnostic, shared with the REST API.
import type { DB } from '../../db';
import type { Application, ApplicationStatus, Partner } from '../../db/tables/partners';
import type { Clock } from '../lib/clock';
import { newId } from '../lib/ids';
import { AppError } from '../http/errors';
import { parse } from '../http/validate';
import { audit } from '../audit';
import { recordEvent } from '../outbound/record';
import { isUniqueViolation } from '../accounts/service';
import { ApplicationInput, ApplicationDecision, ApplicationListQuery } from './schema';
import { conflictError, insertPartnerWithLink } from './service';
import * as store from './store';

const duplicate = () => new AppError(409, 'duplicate_application', 'This email has already applied to this program.', 'email');
const notFound = () => new AppError(404, 'application_not_found', 'No such application.', 'id');

/** Record an application. A second one from the same email for the same program is refused (409 duplicate_application). */
export async function submitApplication(db: DB, clock: Clock, merchantId: string, input: ApplicationInput): Promise<Application> {
  const data = parse(ApplicationInput, input);
  const application: Application = {
    id: newId('app'),
    merchantId,
    email: data.email,
    name: data.name,
    company: data.company,
    website: data.website,
    reason: data.reason,
    status: 'pending',
    rejectionReason: null,
    partnerId: null,
    createdAt: clock.now().toISOString(),
    decidedAt: null,
    decidedBy: null,
  };
  // The unique index (merchant, email) is the guard; two simultaneous submissions cannot both land.
  const inserted = await db.insertInto('applications').values(application).onConflict((oc) => oc.columns(['merchantId', 'email']).doNothing()).returning('id').executeTakeFirst();
  if (!inserted) throw duplicate();
  return application;
}

export type ApplicationStatusAnswer = { applied: false } | { applied: true; status: ApplicationStatus; rejectionReason?: string };

/** Status by email, for the merchant's backend (API key): never exposed to anonymous callers. */
export async function applicationStatus(db: DB, merchantId: string, email: string): Promise<ApplicationStatusAnswer> {
  const a = await store.findApplicationByEmail(db, merchantId, email);
  if (!a) return { applied: false };
  return { applied: true, status: a.status, ...(a.status === 'rejected' && a.rejectionReason ? { rejectionReason: a.rejectionReason } : {}) };
}

export async function getApplication(db: DB, merchantId: string, id: string): Promise<Application> {
  const a = await store.findApplication(db, merchantId, id);
  if (!a) throw notFound();
  return a;
}

export async function listApplications(db: DB, merchantId: string, query: ApplicationListQuery = {}) {
  const q = parse(ApplicationListQuery, query);
  const { rows, total } = await store.listApplications(db, merchantId, { status: q.status, offset: (q.page - 1) * q.limit, limit: q.limit });
  return { data: rows, total, page: q.page, limit: q.limit, pages: Math.max(1, Math.ceil(total / q.limit)) };
}

const applicationShape = (a: Application) => ({ id: a.id, email: a.email, name: a.name, ...(a.reason ? { reason: a.reason } : {}) });

/**
 * Approve (creating the active partner with its default link, optionally with a chosen code) or reject
 * with a reason. The decision, the partner, the audit entry and the outbound event commit together.
 */
export async function reviewApplication(
  db: DB,
  clock: Clock,
  merchantId: string,
  applicationId: string,
  decision: ApplicationDecision,
  actor = 'system',
  /** The mode of the outbound events: pages decide in live mode; an API key decides in its own. */
  livemode = true,
): Promise<{ application: Application; partner?: Partner }> {
  const d = parse(ApplicationDecision, decision);
  try {
    return await db.transaction().execute(async (trx) => {
      const app = await getApplication(trx, merchantId, applicationId);
      if (app.status !== 'pending') throw new AppError(409, 'conflict', `This application was already ${app.status}.`);
      const at = clock.now();
      if (d.action === 'approve') {
        const partner = await insertPartnerWithLink(trx, clock, merchantId, { name: app.name, email: app.email, code: d.code, status: 'active', commissionOverride: null, payoutEmail: null }, actor);
        const values = { status: 'approved' as const, rejectionReason: null, partnerId: partner.id, decidedAt: at.toISOString(), decidedBy: actor };
        if (!(await store.decideApplication(trx, merchantId, app.id, values))) throw new AppError(409, 'conflict', 'This application was already decided.');
        await audit(trx, { merchantId, actor, action: 'application.approved', subjectType: 'application', subjectId: app.id, after: { partnerId: partner.id, code: partner.code }, at });
        await recordEvent(trx, { merchantId, type: 'partner_application.approved', livemode, data: { application: applicationShape(app), affiliate: { id: partner.id, code: partner.code } }, at });
        return { application: { ...app, ...values }, partner };
      }
      const values = { status: 'rejected' as const, rejectionReason: d.reason, partnerId: null, decidedAt: at.toISOString(), decidedBy: actor };
      if (!(await store.decideApplication(trx, merchantId, app.id, values))) throw new AppError(409, 'conflict', 'This application was already decided.');
      await audit(trx, { merchantId, actor, action: 'application.rejected', subjectType: 'application', subjectId: app.id, after: { rejectionReason: d.reason }, at });
      await recordEvent(trx, { merchantId, type: 'partner_application.rejected', livemode, data: { application: { ...applicationShape(app), rejectionReason: d.reason } }, at });
      return { application: { ...app, ...values } };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflictError(err) ?? err;
    throw err;
  }
}
