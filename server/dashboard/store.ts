// Queries of the dashboard: aggregates of clicks and of the ledger by partner and time bucket, the
// daily_stats rollups and their state, and "what changed since" for the rollups' freshness.
import { sql } from 'kysely';
import type { DB } from '../../db';
import type { DailyStatsTable } from '../../db/tables/dashboard';

/** The first `width` characters of an ISO column: the UTC hour ('2026-11-25T13') or minute. */
const prefix = (column: string, width: 13 | 16) => sql<string>`substr(${sql.ref(column)}, 1, ${sql.lit(width)})`;

/**
 * Human clicks per partner and time bucket in [start, end). A click is a repeat, and not counted, when
 * the same visitor (IP hash and user agent) clicked for the same partner within the window stored on the
 * click: the rule of the partner page's `clickStats`, aggregated over every partner at once.
 */
export async function clickBuckets(db: DB, merchantId: string, startIso: string, endIso: string, width: 13 | 16) {
  const at = prefix('c.createdAt', width);
  const rows = await db
    .selectFrom('clicks as c')
    .select((eb) => {
      const repeat = eb.exists(
        eb
          .selectFrom('clicks as p')
          .select(sql`1`.as('one'))
          .whereRef('p.partnerId', '=', 'c.partnerId')
          .where('p.isBot', '=', 0)
          .whereRef('p.ipHash', '=', 'c.ipHash')
          .whereRef('p.userAgent', '=', 'c.userAgent')
          .whereRef('p.createdAt', '>=', 'c.repeatSince')
          .where((w) => w.or([w('p.createdAt', '<', w.ref('c.createdAt')), w.and([w('p.createdAt', '=', w.ref('c.createdAt')), w('p.id', '<', w.ref('c.id'))])])),
      );
      const counted = eb.and([eb('c.isBot', '=', 0), eb.not(repeat)]);
      return ['c.partnerId', at.as('at'), eb.fn.sum<number>(eb.case().when(counted).then(1).else(0).end()).as('clicks')];
    })
    .where('c.merchantId', '=', merchantId)
    .where('c.createdAt', '>=', startIso)
    .where('c.createdAt', '<', endIso)
    .groupBy(['c.partnerId', at])
    .execute();
  return rows.map((r) => ({ partnerId: r.partnerId, at: r.at, clicks: Number(r.clicks) })).filter((r) => r.clicks > 0);
}

/** New referred customers (and leads among them) per partner and time bucket in [start, end). */
export async function bindingBuckets(db: DB, merchantId: string, livemode: number, startIso: string, endIso: string, width: 13 | 16) {
  const at = prefix('createdAt', width);
  const rows = await db
    .selectFrom('referralBindings')
    .select((eb) => [
      'partnerId',
      at.as('at'),
      eb.fn.countAll<number>().as('customers'),
      eb.fn.sum<number>(eb.case().when('source', '=', 'lead').then(1).else(0).end()).as('leads'),
    ])
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where('createdAt', '>=', startIso)
    .where('createdAt', '<', endIso)
    .groupBy(['partnerId', at])
    .execute();
  return rows.map((r) => ({ partnerId: r.partnerId, at: r.at, customers: Number(r.customers), leads: Number(r.leads) }));
}

/** Attributed sales (count and amount, tax excluded) per partner, currency and time bucket of payment. */
export async function saleBuckets(db: DB, merchantId: string, livemode: number, startIso: string, endIso: string, width: 13 | 16) {
  const at = prefix('occurredAt', width);
  const rows = await db
    .selectFrom('conversions')
    .select((eb) => ['partnerId', 'currency', at.as('at'), eb.fn.countAll<number>().as('sales'), eb.fn.sum<number>('amount').as('revenue')])
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where('occurredAt', '>=', startIso)
    .where('occurredAt', '<', endIso)
    .where('partnerId', 'is not', null)
    .groupBy(['partnerId', 'currency', at])
    .execute();
  return rows.map((r) => ({ partnerId: r.partnerId as string, currency: r.currency, at: r.at, sales: Number(r.sales), revenue: Number(r.revenue) }));
}

const OWED = ['pending', 'approved', 'on_hold'] as const;

/** Net commission (credits and reversals) per partner, currency and time bucket, split into owed and paid. */
export async function commissionBuckets(db: DB, merchantId: string, livemode: number, startIso: string, endIso: string, width: 13 | 16) {
  const at = prefix('occurredAt', width);
  const rows = await db
    .selectFrom('commissions')
    .select((eb) => [
      'partnerId',
      'currency',
      at.as('at'),
      eb.fn.sum<number>(eb.case().when('status', 'in', [...OWED]).then(eb.ref('net')).else(0).end()).as('owed'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'paid').then(eb.ref('net')).else(0).end()).as('paid'),
    ])
    .where('merchantId', '=', merchantId)
    .where('livemode', '=', livemode)
    .where('occurredAt', '>=', startIso)
    .where('occurredAt', '<', endIso)
    .where('status', '<>', 'rejected')
    .groupBy(['partnerId', 'currency', at])
    .execute();
  return rows.map((r) => ({ partnerId: r.partnerId, currency: r.currency, at: r.at, owed: Number(r.owed), paid: Number(r.paid) }));
}

/** One change that moves ledger numbers: the instant they are dated by, and whose numbers moved. */
export interface LedgerChange {
  livemode: number;
  at: string;
  /** The partner whose numbers moved, or ANY_PARTNER when a customer moved between partners. */
  partnerId: string;
}

/** A re-bound customer moves numbers away from a partner nobody recorded: every partner of the day is stale. */
export const ANY_PARTNER = '*';

/**
 * When things that move ledger numbers changed at or after `sinceIso` (and before `untilIso`), as the
 * instants those numbers are dated by: new or re-attributed sales, new ledger rows, status changes, new
 * or re-bound customers (whose earlier sales may have been credited with them).
 */
export async function ledgerChangesSince(db: DB, merchantId: string, sinceIso: string, untilIso?: string): Promise<LedgerChange[]> {
  const bounded = untilIso !== undefined;
  const until = untilIso ?? '';
  /** Sales recorded, or attributed later, in the window (each by its own index). */
  const salesBy = (column: 'createdAt' | 'attributedAt') =>
    db
      .selectFrom('conversions')
      .select(['livemode', 'occurredAt', 'partnerId'])
      .where('merchantId', '=', merchantId)
      .where(column, '>=', sinceIso)
      .$if(bounded, (q) => q.where(column, '<', until))
      .execute();
  const [conversions, attributed, commissions, changes, bindings] = await Promise.all([
    salesBy('createdAt'),
    salesBy('attributedAt'),
    db
      .selectFrom('commissions as c')
      .innerJoin('conversions as v', 'v.id', 'c.conversionId')
      .select(['c.livemode', 'c.occurredAt', 'c.partnerId', 'v.occurredAt as saleAt', 'v.partnerId as salePartnerId'])
      .where('c.merchantId', '=', merchantId)
      .where('c.livemode', 'in', [0, 1])
      .where('c.createdAt', '>=', sinceIso)
      .$if(bounded, (q) => q.where('c.createdAt', '<', until))
      .execute(),
    db
      .selectFrom('commissionStatusChanges as s')
      .innerJoin('commissions as c', 'c.id', 's.commissionId')
      .select(['c.livemode', 'c.occurredAt', 'c.partnerId'])
      .where('s.merchantId', '=', merchantId)
      .where('s.createdAt', '>=', sinceIso)
      .$if(bounded, (q) => q.where('s.createdAt', '<', until))
      .execute(),
    db
      .selectFrom('referralBindings')
      .select(['livemode', 'createdAt', 'customerKey'])
      .where('merchantId', '=', merchantId)
      .where('updatedAt', '>=', sinceIso)
      .$if(bounded, (q) => q.where('updatedAt', '<', until))
      .execute(),
  ]);
  const out: LedgerChange[] = [];
  // An unattributed sale moves no partner's numbers (nor the totals, which sum partners' rows) until it is
  // attributed, which stamps attributed_at (a zero sale gets no credit row to tell).
  for (const r of [...conversions, ...attributed]) if (r.partnerId !== null) out.push({ livemode: r.livemode, at: r.occurredAt, partnerId: r.partnerId });
  for (const r of commissions) {
    out.push({ livemode: r.livemode, at: r.occurredAt, partnerId: r.partnerId }, { livemode: r.livemode, at: r.saleAt, partnerId: r.salePartnerId ?? r.partnerId });
  }
  for (const r of changes) out.push({ livemode: r.livemode, at: r.occurredAt, partnerId: r.partnerId });
  for (const r of bindings) out.push({ livemode: r.livemode, at: r.createdAt, partnerId: ANY_PARTNER });
  const keys = [...new Set(bindings.map((b) => b.customerKey))];
  for (let i = 0; i < keys.length; i += 500) {
    const sales = await db
      .selectFrom('conversions')
      .select(['livemode', 'occurredAt'])
      .where('merchantId', '=', merchantId)
      .where('customerKey', 'in', keys.slice(i, i + 500))
      .execute();
    for (const r of sales) out.push({ livemode: r.livemode, at: r.occurredAt, partnerId: ANY_PARTNER });
  }
  return out;
}

/** The first click of the merchant at or after `sinceIso` and before `untilIso`, if any. */
export async function firstClickAt(db: DB, merchantId: string, sinceIso: string, untilIso: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('clicks')
    .select('createdAt')
    .where('merchantId', '=', merchantId)
    .where('createdAt', '>=', sinceIso)
    .where('createdAt', '<', untilIso)
    .orderBy('createdAt')
    .limit(1)
    .executeTakeFirst();
  return r?.createdAt;
}

export type DailyStat = Pick<DailyStatsTable, 'day' | 'partnerId' | 'currency' | 'clicks' | 'leads' | 'customers' | 'sales' | 'revenue' | 'commissionsOwed' | 'commissionsPaid'>;

/** Rolled-up rows of one mode between two local days (both included); of some partners only, when given. */
export const readDailyStats = (db: DB, merchantId: string, livemode: number, fromDay: string, toDay: string, partnerIds?: string[]): Promise<DailyStat[]> =>
  partnerIds?.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('dailyStats')
        .select(['day', 'partnerId', 'currency', 'clicks', 'leads', 'customers', 'sales', 'revenue', 'commissionsOwed', 'commissionsPaid'])
        .where('merchantId', '=', merchantId)
        .where('livemode', '=', livemode)
        .$if(partnerIds !== undefined, (q) => q.where('partnerId', 'in', partnerIds!))
        .where('day', '>=', fromDay)
        .where('day', '<=', toDay)
        .execute();

export const rollupState = (db: DB, merchantId: string) => db.selectFrom('dashboardRollups').selectAll().where('merchantId', '=', merchantId).executeTakeFirst();
