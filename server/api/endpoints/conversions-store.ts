// Queries behind GET /api/v1/conversions: attributed conversions of one merchant and mode, with their credit.
//
// A page is found in two steps so that its cost does not grow with the merchant's ledger: first the ids
// of the page, read in list order from an index over narrow columns (migration 2026112515_list_indexes),
// then the page's 50 rows with their credit and reversal sums. The total is counted from index entries.
// Each conversion has at most one credit (its ledger key is `credit:<conversion id>`, unique), so joining
// the credit never multiplies rows and filtering by its status is the same as filtering the joined list.
import type { ExpressionBuilder } from 'kysely';
import type { DB } from '../../../db';
import type { Database } from '../../../db/schema';
import type { CommissionStatus, ConversionsTable } from '../../../db/tables/ledger';
import type { PageParams } from '../pagination';
import { customerKeysOf } from './affiliates-store';

export interface ConversionFilter {
  affiliateId?: string;
  status?: CommissionStatus;
  customerId?: string;
  createdFrom?: string;
  createdTo?: string;
}

type ListedDb = Database & { c: ConversionsTable };

/** The conditions on a listed conversion `c`: attributed, of this merchant and mode, and passing the filters. */
function conditions(merchantId: string, livemode: number, f: ConversionFilter) {
  return (eb: ExpressionBuilder<ListedDb, 'c'>) => {
    const all = [eb('c.merchantId', '=', merchantId), eb('c.livemode', '=', livemode), eb('c.partnerId', 'is not', null)];
    if (f.affiliateId !== undefined) all.push(eb('c.partnerId', '=', f.affiliateId));
    if (f.customerId !== undefined) all.push(eb('c.customerKey', 'in', customerKeysOf(f.customerId)));
    if (f.createdFrom !== undefined) all.push(eb('c.createdAt', '>=', f.createdFrom));
    if (f.createdTo !== undefined) all.push(eb('c.createdAt', '<', f.createdTo));
    return eb.and(all);
  };
}

/** The conversion ids of a merchant's credits in one status, read from the (merchant, mode, kind, status) index. */
const creditsIn = (db: DB, merchantId: string, livemode: number, status: CommissionStatus) =>
  db.selectFrom('commissions').select('conversionId').where('merchantId', '=', merchantId).where('livemode', '=', livemode).where('kind', '=', 'credit').where('status', '=', status);

/**
 * The listed conversions, to select their ids in list order (a page) or to count them. Filtered by
 * status, the list starts from the credits in that status and looks up each one's conversion, then
 * sorts: a cost bounded by the number of such credits. Both planners otherwise prefer, for a page, to
 * walk conversions newest first and test each one's credit, which reads every newer conversion of
 * another status first (half the ledger on the benchmark's data, where the newest are pending). The
 * CROSS JOIN keeps the order on SQLite; a page also reads the credits through a MATERIALIZED CTE, which
 * PostgreSQL cannot fold into that walk. A count needs no fence: without a LIMIT neither planner walks.
 */
function listed(db: DB, merchantId: string, livemode: number, f: ConversionFilter, use: 'page' | 'count') {
  const where = conditions(merchantId, livemode, f);
  if (f.status === undefined) return db.selectFrom('conversions as c').where(where);
  const credits = creditsIn(db, merchantId, livemode, f.status);
  const from = use === 'page' ? db.with((cte) => cte('s').materialized(), () => credits).selectFrom('s') : db.selectFrom(credits.as('s'));
  return from.crossJoin('conversions as c').whereRef('c.id', '=', 's.conversionId').where(where);
}

/** The rows of the given conversions, newest first, each with its credit and what reversals took back. */
function rowsQuery(db: DB) {
  return (
    db
      .selectFrom('conversions as c')
      .leftJoin('commissions as k', (join) => join.onRef('k.conversionId', '=', 'c.id').on('k.kind', '=', 'credit'))
      .select([
        'c.id',
        'c.partnerId',
        'c.stripeCustomerId',
        'c.customerKey',
        'c.source',
        'c.stripeObjectId',
        'c.externalId',
        'c.amount',
        'c.currency',
        'c.metadata',
        'c.occurredAt',
        'c.createdAt',
        'k.amount as commission',
        'k.fee as platformFee',
        'k.net as netCommission',
        'k.currency as commissionCurrency',
        'k.status as status',
        'k.statusReason as statusReason',
      ])
      // Reversal rows are negative (an undone clawback is positive): their sum, negated, is what was clawed back.
      .select((eb) => eb.selectFrom('commissions as r').select((r) => r.fn.sum<number>('r.amount').as('s')).whereRef('r.reversesId', '=', 'k.id').as('reversedSum'))
      .orderBy('c.createdAt', 'desc')
      .orderBy('c.id', 'desc')
  );
}
export type ConversionRow = Awaited<ReturnType<ReturnType<typeof rowsQuery>['execute']>>[number];

/** One page of the list and the total across pages. */
export async function listConversions(db: DB, merchantId: string, livemode: number, f: ConversionFilter, page: PageParams): Promise<{ rows: ConversionRow[]; total: number }> {
  const pageIds = listed(db, merchantId, livemode, f, 'page')
    .select('c.id')
    .orderBy('c.createdAt', 'desc')
    .orderBy('c.id', 'desc')
    .limit(page.limit)
    .offset((page.page - 1) * page.limit);
  const [rows, count] = await Promise.all([
    // Only the ids decide which rows (and so which tenant's rows) are read here.
    rowsQuery(db).where('c.id', 'in', pageIds).execute(),
    listed(db, merchantId, livemode, f, 'count')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
