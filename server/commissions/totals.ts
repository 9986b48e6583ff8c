// Per-partner ledger totals (partner_totals): what the balances page reads instead of summing every
// partner's rows. The ledger rows stay the truth ("balances are sums"): every write that adds a ledger row
// or changes a row's status applies exactly that change to the touched (partner, mode, currency) total in
// the same transaction, so a total can only be wrong if a row is changed behind the app's back; the ledger
// checker (reliability/invariants.ts) compares every total with its rows, and rebuildTotals re-sums them.
//
// Totals are split by the stored status only. Whether a pending row's holding period has ended depends
// on the time of reading, so readers move due pending rows to approved themselves (payouts/balances.ts).
import { PostgresAdapter, type ExpressionBuilder } from 'kysely';
import type { DB } from '../../db';
import type { Database } from '../../db/schema';

export interface TotalsKey {
  merchantId: string;
  livemode: number;
  partnerId: string;
  currency: string;
}

type Eb = ExpressionBuilder<Database, 'commissions'>;
const netWhere = (eb: Eb, status: 'pending' | 'on_hold' | 'approved' | 'paid') =>
  eb.fn.coalesce(eb.fn.sum<number>(eb.case().when('commissions.status', '=', status).then(eb.ref('commissions.net')).else(0).end()), eb.lit(0));

/** The sums of the non-rejected rows selected by `where`, one row per (merchant, mode, partner, currency). */
function sumsOf(db: DB) {
  return db
    .selectFrom('commissions')
    .select((eb) => [
      'commissions.merchantId',
      'commissions.livemode',
      'commissions.partnerId',
      'commissions.currency',
      netWhere(eb, 'pending').as('pending'),
      netWhere(eb, 'on_hold').as('onHold'),
      netWhere(eb, 'approved').as('approved'),
      netWhere(eb, 'paid').as('paid'),
    ])
    .where('commissions.status', '<>', 'rejected')
    .groupBy(['commissions.merchantId', 'commissions.livemode', 'commissions.partnerId', 'commissions.currency']);
}

const COLUMNS = ['merchantId', 'livemode', 'partnerId', 'currency', 'pending', 'onHold', 'approved', 'paid'] as const;

/** A ledger row entering (+net) or leaving (-net) a stored status. Rejected rows count nowhere. */
export interface TotalChange {
  status: string;
  net: number;
}

const BUCKET: Record<string, 'pending' | 'onHold' | 'approved' | 'paid'> = { pending: 'pending', on_hold: 'onHold', approved: 'approved', paid: 'paid' };

/**
 * Apply one write's changes to a total, inside the caller's transaction: an insert of a row adds its net to
 * its status, a status change moves it. Adding the write's exact amounts keeps every write O(1) however many
 * rows a partner has (re-summing them grew with the partner: docs/performance.md); the ledger rows stay the
 * truth, the checker compares every total with them, and `rebuildTotals` repairs. A total whose rows are all
 * rejected goes away, as it would if rebuilt. On PostgreSQL the partner row is locked first, so two
 * transactions of one partner apply their changes (and that clean-up) one after the other. FOR NO KEY
 * UPDATE, not FOR UPDATE: inserting a ledger row already holds FOR KEY SHARE on its partner (the foreign
 * key), and two such transactions upgrading to FOR UPDATE deadlock. SQLite has one writer at a time.
 */
export async function applyToTotal(trx: DB, key: TotalsKey, changes: TotalChange[]): Promise<void> {
  const delta = { pending: 0, onHold: 0, approved: 0, paid: 0 };
  for (const c of changes) {
    const bucket = BUCKET[c.status];
    if (bucket) delta[bucket] += Number(c.net);
  }
  if (changes.every((c) => !BUCKET[c.status])) return;
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await trx.selectFrom('partners').select('id').where('id', '=', key.partnerId).forNoKeyUpdate().execute();
  }
  // Only the key's own fields: callers pass whole ledger rows as keys.
  const { merchantId, livemode, partnerId, currency } = key;
  const total = await trx
    .insertInto('partnerTotals')
    .values({ merchantId, livemode, partnerId, currency, ...delta })
    .onConflict((oc) =>
      oc.columns(['merchantId', 'livemode', 'partnerId', 'currency']).doUpdateSet((eb) => ({
        pending: eb('partnerTotals.pending', '+', eb.ref('excluded.pending')),
        onHold: eb('partnerTotals.onHold', '+', eb.ref('excluded.onHold')),
        approved: eb('partnerTotals.approved', '+', eb.ref('excluded.approved')),
        paid: eb('partnerTotals.paid', '+', eb.ref('excluded.paid')),
      })),
    )
    .returning(['pending', 'onHold', 'approved', 'paid'])
    .executeTakeFirstOrThrow();
  if ([total.pending, total.onHold, total.approved, total.paid].some((v) => Number(v) !== 0)) return;
  // All zero: keep the total only while a counted row backs it (a credit and its full reversal sum to zero).
  const backed = await trx
    .selectFrom('commissions')
    .select('id')
    .where('partnerId', '=', key.partnerId)
    .where('currency', '=', key.currency)
    .where('merchantId', '=', key.merchantId)
    .where('livemode', '=', key.livemode)
    .where('status', '<>', 'rejected')
    .limit(1)
    .executeTakeFirst();
  if (!backed) {
    await trx
      .deleteFrom('partnerTotals')
      .where('merchantId', '=', key.merchantId)
      .where('livemode', '=', key.livemode)
      .where('partnerId', '=', key.partnerId)
      .where('currency', '=', key.currency)
      .execute();
  }
}

/** Apply changes of several totals, grouped, in a stable order so two transactions lock alike. */
export async function applyToTotals(trx: DB, changes: (TotalsKey & TotalChange)[]): Promise<void> {
  const byKey = new Map<string, { key: TotalsKey; changes: TotalChange[] }>();
  for (const c of changes) {
    const id = `${c.merchantId}|${c.livemode}|${c.partnerId}|${c.currency}`;
    const entry = byKey.get(id) ?? { key: { merchantId: c.merchantId, livemode: c.livemode, partnerId: c.partnerId, currency: c.currency }, changes: [] };
    entry.changes.push({ status: c.status, net: c.net });
    byKey.set(id, entry);
  }
  for (const [, entry] of [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) await applyToTotal(trx, entry.key, entry.changes);
}

/** Rebuild every total of a merchant (or of all merchants) from the rows: after a bulk load, or to repair. */
export async function rebuildTotals(db: DB, merchantId?: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('partnerTotals')
      .$if(merchantId !== undefined, (q) => q.where('merchantId', '=', merchantId!))
      .execute();
    await trx
      .insertInto('partnerTotals')
      .columns([...COLUMNS])
      .expression(sumsOf(trx).$if(merchantId !== undefined, (q) => q.where('commissions.merchantId', '=', merchantId!)))
      .execute();
  });
}
