// What a merchant decides about commissions before they are paid: approve early, reject (with a
// reason), hold and release, one at a time or in bulk. Every change goes through the ledger's
// changeStatus (status history with who and when) and into the audit log.
import type { DB } from '../../db';
import type { CommissionStatus } from '../../db/tables/ledger';
import type { Clock } from '../lib/clock';
import { audit } from '../audit';
import { changeStatus } from '../commissions/ledger';
import { findCommission } from '../commissions/store';
import type { Commission } from '../commissions/store';
import { approveCredit } from './approval';
import type { CommissionAction } from './schema';

export interface ActionOutcome {
  changed: string[];
  skipped: { id: string; reason: string }[];
}

const AUDIT_ACTION: Record<CommissionAction, string> = {
  approve: 'commission.approved',
  reject: 'commission.rejected',
  hold: 'commission.held',
  release: 'commission.released',
};

/** The status a credit had before its latest hold (a release restores it). */
async function statusBeforeLatestHold(db: DB, commissionId: string): Promise<CommissionStatus | undefined> {
  const row = await db
    .selectFrom('commissionStatusChanges')
    .select('fromStatus')
    .where('commissionId', '=', commissionId)
    .where('toStatus', '=', 'on_hold')
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.fromStatus;
}

/** Why an action cannot apply to this row, or undefined when it can be tried. */
function refusal(c: Commission | undefined, action: CommissionAction): string | undefined {
  if (!c) return 'not found';
  if (c.kind !== 'credit') return 'a reversal follows its credit: act on the credit';
  if (c.payoutId) return 'already in a payout';
  const allowed: Record<CommissionAction, CommissionStatus[]> = {
    approve: ['pending'],
    reject: ['pending', 'approved', 'on_hold'],
    hold: ['pending', 'approved'],
    release: ['on_hold'],
  };
  if (!allowed[action].includes(c.status)) return `is ${c.status.replace('_', ' ')}`;
  return undefined;
}

async function applyOne(trx: DB, clock: Clock, merchantId: string, actor: string, id: string, action: CommissionAction, reason: string | null): Promise<string | undefined> {
  const credit = await findCommission(trx, merchantId, id);
  const refused = refusal(credit, action);
  if (refused || !credit) return refused ?? 'not found';
  let to: CommissionStatus;
  let changed: boolean;
  let why: string;
  if (action === 'approve') {
    to = 'approved';
    why = reason ?? 'Approved early';
    changed = await approveCredit(trx, clock, credit, why, actor);
  } else if (action === 'reject') {
    to = 'rejected';
    why = reason ?? 'Rejected';
    changed = await changeStatus(trx, clock, credit, ['pending', 'approved', 'on_hold'], to, why, actor);
  } else if (action === 'hold') {
    to = 'on_hold';
    why = reason ?? 'Held by the merchant';
    changed = await changeStatus(trx, clock, credit, ['pending', 'approved'], to, why, actor);
  } else {
    to = (await statusBeforeLatestHold(trx, credit.id)) ?? 'pending';
    why = reason ?? 'Released by the merchant';
    changed = await changeStatus(trx, clock, credit, ['on_hold'], to, why, actor);
  }
  if (!changed) return 'changed meanwhile';
  await audit(trx, {
    merchantId,
    actor,
    action: AUDIT_ACTION[action],
    subjectType: 'commission',
    subjectId: credit.id,
    before: { status: credit.status, statusReason: credit.statusReason },
    after: { status: to, statusReason: why },
    at: clock.now(),
  });
  return undefined;
}

/** Apply one action to each of `ids` (credits of this merchant), in one transaction; reports what changed and why others did not. */
export async function applyCommissionAction(
  deps: { db: DB; clock: Clock },
  merchantId: string,
  actor: string,
  ids: string[],
  action: CommissionAction,
  reason: string | null,
): Promise<ActionOutcome> {
  return deps.db.transaction().execute(async (trx) => {
    const out: ActionOutcome = { changed: [], skipped: [] };
    for (const id of ids) {
      const refused = await applyOne(trx, deps.clock, merchantId, actor, id, action, reason);
      if (refused) out.skipped.push({ id, reason: refused });
      else out.changed.push(id);
    }
    return out;
  });
}
