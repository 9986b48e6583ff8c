// The audit trail page and its CSV export: who changed what that moves money or who earns it, when,
// with before and after. Entries are written by the features (server/audit.ts), never edited.
import type { Request } from 'express';
import { z } from 'zod';
import { stringify } from 'csv-stringify/sync';
import type { DB } from '../db';
import type { AppContext } from './deps';
import { route, type RouteDef } from './http/routes';
import { merchantAuth } from './http/auth';
import { pageContext } from './http/page-context';
import { render } from '../web/views/render';
import { AuditPage } from '../web/views/pages/audit';
import { cell } from './payouts/exports';

const PAGE_SIZE = 100;
const EXPORT_LIMIT = 50_000;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined);

export const AuditQuery = z.object({
  /** An action ("payout.paid") or a family ("payout." matches every payout action). */
  action: z.string().trim().max(80).optional().catch(undefined),
  /** usr_…, key_…, system or stripe. */
  actor: z.string().trim().max(80).optional().catch(undefined),
  /** The subject's id (com_…, po_…, aff_…). */
  subject: z.string().trim().max(80).optional().catch(undefined),
  /** First and last day (UTC, inclusive). */
  from: day,
  to: day,
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type AuditFilter = z.infer<typeof AuditQuery>;

function filtered(db: DB, merchantId: string, f: AuditFilter) {
  let q = db
    .selectFrom('auditLog')
    .leftJoin('users', 'users.id', 'auditLog.actor')
    .leftJoin('apiKeys', 'apiKeys.id', 'auditLog.actor')
    .where('auditLog.merchantId', '=', merchantId);
  if (f.action) q = f.action.endsWith('.') ? q.where('auditLog.action', 'like', `${f.action.replace(/[%_\\]/g, '')}%`) : q.where('auditLog.action', '=', f.action);
  if (f.actor) q = q.where('auditLog.actor', '=', f.actor);
  if (f.subject) q = q.where('auditLog.subjectId', '=', f.subject);
  if (f.from) q = q.where('auditLog.createdAt', '>=', `${f.from}T00:00:00.000Z`);
  if (f.to) q = q.where('auditLog.createdAt', '<', new Date(Date.parse(`${f.to}T00:00:00.000Z`) + 86_400_000).toISOString());
  return q;
}

export async function listAudit(db: DB, merchantId: string, f: AuditFilter, offset: number, limit: number) {
  const q = filtered(db, merchantId, f);
  const [rows, total] = await Promise.all([
    q
      .select(['auditLog.id', 'auditLog.createdAt', 'auditLog.actor', 'auditLog.action', 'auditLog.subjectType', 'auditLog.subjectId', 'auditLog.before', 'auditLog.after', 'users.name as userName', 'users.email as userEmail', 'apiKeys.name as keyName'])
      .orderBy('auditLog.createdAt', 'desc')
      .orderBy('auditLog.id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => ({ ...r, actorLabel: r.userEmail ? `${r.userName} <${r.userEmail}>` : r.keyName ? `API key “${r.keyName}”` : r.actor })), total: Number(total.n) };
}
export type AuditRow = Awaited<ReturnType<typeof listAudit>>['rows'][number];

const actionsOf = (db: DB, merchantId: string) =>
  db.selectFrom('auditLog').select('action').distinct().where('merchantId', '=', merchantId).orderBy('action').execute();

const filterParams = (f: AuditFilter) => ({ action: f.action, actor: f.actor, subject: f.subject, from: f.from, to: f.to });

export function auditRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  const parse = (req: Request) => AuditQuery.parse(req.query);
  return [
    route('get', '/audit', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const f = parse(req);
      const [{ rows, total }, actions] = await Promise.all([listAudit(db, auth.merchant.id, f, (f.page - 1) * PAGE_SIZE, PAGE_SIZE), actionsOf(db, auth.merchant.id)]);
      render(res, AuditPage({ ctx: pageContext(req, res), rows, filters: filterParams(f), actions: actions.map((a) => a.action), page: f.page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), total }));
    }),
    route('get', '/audit.csv', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const { rows } = await listAudit(db, auth.merchant.id, parse(req), 0, EXPORT_LIMIT);
      const body = stringify(
        rows.map((r) => ({ id: r.id, at: r.createdAt, actor: r.actor, actor_name: cell(r.actorLabel), action: r.action, subject_type: r.subjectType, subject_id: r.subjectId, before: cell(r.before ?? ''), after: cell(r.after ?? '') })),
        { header: true, columns: ['id', 'at', 'actor', 'actor_name', 'action', 'subject_type', 'subject_id', 'before', 'after'] },
      );
      res.setHeader('Content-Disposition', 'attachment; filename="audit-log.csv"');
      res.type('text/csv; charset=utf-8').send(body);
    }),
  ];
}
