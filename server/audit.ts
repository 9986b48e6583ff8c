import type { DB } from '../db';
import { newId } from './lib/ids';

export interface AuditInput {
  merchantId: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before?: unknown;
  after?: unknown;
  at: Date;
}

/** Append one entry to the merchant's audit log (who, when, before and after). Call inside the change's transaction. */
export async function audit(db: DB, e: AuditInput): Promise<void> {
  await db
    .insertInto('auditLog')
    .values({
      id: newId('aud'),
      merchantId: e.merchantId,
      actor: e.actor,
      action: e.action,
      subjectType: e.subjectType,
      subjectId: e.subjectId,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
      createdAt: e.at.toISOString(),
    })
    .execute();
}
