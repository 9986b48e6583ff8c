// Queries for payouts, payout items, runs and exchange rates. No HTTP, no rules: services decide.
import type { Insertable, Selectable } from 'kysely';
import type { DB } from '../../db';
import { isDuePending } from './balances';
import type { ExchangeRatesTable, PayoutItemsTable, PayoutRunsTable, PayoutStatus, PayoutsTable, SaleExchangeRatesTable } from '../../db/tables/payouts';

export type Payout = Selectable<PayoutsTable>;
export type PayoutItem = Selectable<PayoutItemsTable>;
export type PayoutRun = Selectable<PayoutRunsTable>;
export type ExchangeRate = Selectable<ExchangeRatesTable>;
export type SaleExchangeRate = Selectable<SaleExchangeRatesTable>;

/**
 * Payable rows not in any payout yet, with what pricing them needs (sale date, the rate Stripe applied).
 * A pending row past its holding period counts, as on every read path.
 */
export const unpaidApprovedRows = (db: DB, merchantId: string, livemode: number, nowIso: string) =>
  db
    .selectFrom('commissions')
    .innerJoin('conversions', 'conversions.id', 'commissions.conversionId')
    .leftJoin('saleExchangeRates', 'saleExchangeRates.conversionId', 'commissions.conversionId')
    .select([
      'commissions.id',
      'commissions.partnerId',
      'commissions.conversionId',
      'commissions.kind',
      'commissions.net',
      'commissions.currency',
      'conversions.occurredAt as saleAt',
      'conversions.currency as saleCurrency',
      'conversions.stripeObjectId',
      'conversions.externalId',
      'saleExchangeRates.rate as stripeRate',
      'saleExchangeRates.toCurrency as stripeRateTo',
      'saleExchangeRates.fromCurrency as stripeRateFrom',
      'saleExchangeRates.rateDate as stripeRateDate',
    ])
    .where('commissions.merchantId', '=', merchantId)
    .where('commissions.livemode', '=', livemode)
    .where((eb) => eb.or([eb('commissions.status', '=', 'approved'), isDuePending(eb, nowIso)]))
    .where('commissions.payoutId', 'is', null)
    .orderBy('commissions.partnerId')
    .orderBy('commissions.occurredAt')
    .orderBy('commissions.id')
    .execute();
export type UnpaidRow = Awaited<ReturnType<typeof unpaidApprovedRows>>[number];

/** Rates the merchant entered for converting into `to`, newest day first. */
export const ratesInto = (db: DB, merchantId: string, to: string) =>
  db.selectFrom('exchangeRates').selectAll().where('merchantId', '=', merchantId).where('toCurrency', '=', to).orderBy('effectiveOn', 'desc').execute();

export const listRates = (db: DB, merchantId: string) =>
  db.selectFrom('exchangeRates').selectAll().where('merchantId', '=', merchantId).orderBy('fromCurrency').orderBy('toCurrency').orderBy('effectiveOn', 'desc').execute();

export const findRate = (db: DB, merchantId: string, id: string) => db.selectFrom('exchangeRates').selectAll().where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();

export const findRateFor = (db: DB, merchantId: string, from: string, to: string, effectiveOn: string) =>
  db
    .selectFrom('exchangeRates')
    .selectAll()
    .where('merchantId', '=', merchantId)
    .where('fromCurrency', '=', from)
    .where('toCurrency', '=', to)
    .where('effectiveOn', '=', effectiveOn)
    .executeTakeFirst();

export const insertSaleRate = (db: DB, row: Insertable<SaleExchangeRatesTable>) =>
  db
    .insertInto('saleExchangeRates')
    .values(row)
    .onConflict((oc) => oc.column('conversionId').doNothing())
    .execute();

/**
 * Take the merchant's payout lock for this transaction: the upsert holds the row until commit, so a
 * second run started at the same time waits here and then sees the first run's claims.
 */
export const takePayoutLock = (trx: DB, merchantId: string, livemode: number, nowIso: string) =>
  trx
    .insertInto('payoutLocks')
    .values({ merchantId, livemode, lockedAt: nowIso })
    .onConflict((oc) => oc.columns(['merchantId', 'livemode']).doUpdateSet({ lockedAt: nowIso }))
    .execute();

/** Claim rows for a payout: only rows still approved and in no payout are taken. Returns the ids taken. */
export async function claimRows(trx: DB, merchantId: string, payoutId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const taken: string[] = [];
  // Chunks keep the statement under SQLite's and PostgreSQL's parameter limits.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx
      .updateTable('commissions')
      .set({ payoutId })
      .where('merchantId', '=', merchantId)
      .where('id', 'in', ids.slice(i, i + 500))
      .where('status', '=', 'approved')
      .where('payoutId', 'is', null)
      .returning('id')
      .execute();
    taken.push(...rows.map((r) => r.id));
  }
  return taken;
}

export const findPayout = (db: DB, merchantId: string, id: string) => db.selectFrom('payouts').selectAll().where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();

export const findRun = (db: DB, merchantId: string, id: string) => db.selectFrom('payoutRuns').selectAll().where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();

export const itemsOf = (db: DB, payoutId: string) =>
  db
    .selectFrom('payoutItems')
    .innerJoin('commissions', 'commissions.id', 'payoutItems.commissionId')
    .innerJoin('conversions', 'conversions.id', 'commissions.conversionId')
    .select([
      'payoutItems.id',
      'payoutItems.commissionId',
      'payoutItems.kind',
      'payoutItems.originalAmount',
      'payoutItems.originalCurrency',
      'payoutItems.amount',
      'payoutItems.currency',
      'payoutItems.rate',
      'payoutItems.rateSource',
      'payoutItems.rateDate',
      'commissions.occurredAt',
      'commissions.statusReason',
      'commissions.reversesId',
      'conversions.stripeObjectId',
      'conversions.externalId',
      'conversions.amount as saleAmount',
      'conversions.currency as saleCurrency',
    ])
    .where('payoutItems.payoutId', '=', payoutId)
    .orderBy('commissions.occurredAt')
    .orderBy('payoutItems.commissionId')
    .execute();
export type PayoutItemRow = Awaited<ReturnType<typeof itemsOf>>[number];

/** Payouts with their partner, newest first, optionally of one run, partner or status. */
export async function listPayouts(db: DB, merchantId: string, f: { livemode: number; runId?: string; partnerId?: string; status?: PayoutStatus; offset: number; limit: number }) {
  let q = db.selectFrom('payouts').innerJoin('partners', 'partners.id', 'payouts.partnerId').where('payouts.merchantId', '=', merchantId).where('payouts.livemode', '=', f.livemode);
  if (f.runId) q = q.where('payouts.runId', '=', f.runId);
  if (f.partnerId) q = q.where('payouts.partnerId', '=', f.partnerId);
  if (f.status) q = q.where('payouts.status', '=', f.status);
  const [rows, total] = await Promise.all([
    q
      .selectAll('payouts')
      .select(['partners.name as partnerName', 'partners.email as partnerEmail'])
      .orderBy('payouts.createdAt', 'desc')
      .orderBy('partners.name')
      .orderBy('payouts.id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
export type PayoutListRow = Awaited<ReturnType<typeof listPayouts>>['rows'][number];

export const listRuns = (db: DB, merchantId: string, livemode: number, limit: number) =>
  db.selectFrom('payoutRuns').selectAll().where('merchantId', '=', merchantId).where('livemode', '=', livemode).orderBy('createdAt', 'desc').orderBy('id').limit(limit).execute();

/** Move a payout from processing to paid or failed; false when it was not processing any more. */
export async function settlePayout(trx: DB, merchantId: string, id: string, values: Partial<Pick<Payout, 'status' | 'externalReference' | 'paidOn' | 'failureReason' | 'updatedAt'>>): Promise<boolean> {
  const r = await trx.updateTable('payouts').set(values).where('merchantId', '=', merchantId).where('id', '=', id).where('status', '=', 'processing').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
