// Balances per partner and currency, summed from the ledger rows (never stored counters). One function
// feeds the API and the partner portal; the balances page reads the same sums from partner_totals (kept
// by every ledger write, commissions/totals.ts, and compared with the rows by the ledger checker).
//
// A pending row whose holding period has ended counts as approved here even before the approval job
// flips it, so a late job never shows a wrong balance. Rows in a payout that is still processing stay
// approved (owed) until the payout is marked paid.
import type { ExpressionBuilder } from 'kysely';
import type { DB } from '../../db';
import type { Database } from '../../db/schema';

export interface Balance {
  currency: string;
  pending: number;
  onHold: number;
  approved: number;
  paid: number;
  /** Every credit minus every reversal, rejected rows excluded: pending + onHold + approved + paid. */
  earned: number;
}

export interface PartnerBalance extends Balance {
  partnerId: string;
}

type Eb = ExpressionBuilder<Database, 'commissions'>;

/** The status a row has for money purposes at `nowIso` (pending past its hold → approved), as SQL. */
export const isDuePending = (eb: Eb, nowIso: string) => eb.and([eb('commissions.status', '=', 'pending'), eb('commissions.holdUntil', '<=', nowIso)]);

function sumWhere(eb: Eb, condition: ReturnType<Eb['and']> | ReturnType<Eb['or']>) {
  return eb.fn.coalesce(eb.fn.sum<number>(eb.case().when(condition).then(eb.ref('commissions.net')).else(0).end()), eb.lit(0));
}

/**
 * One page of the partners that have ledger rows in this mode, by name. Read from partner_totals (a row
 * exists exactly when a partner has a non-rejected row) and the (merchant, name) index of partners, so a
 * page costs the same with 10 or 10,000 partners; summing every partner's rows took seconds.
 */
export async function partnersWithBalances(db: DB, merchantId: string, livemode: number, page: { offset: number; limit: number }) {
  const [rows, count] = await Promise.all([
    db
      .selectFrom('partners')
      .select(['partners.id', 'partners.name'])
      .where('partners.merchantId', '=', merchantId)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('partnerTotals as t')
            .select('t.partnerId')
            .where('t.merchantId', '=', merchantId)
            .where('t.livemode', '=', livemode)
            .whereRef('t.partnerId', '=', 'partners.id'),
        ),
      )
      .orderBy('partners.name')
      .orderBy('partners.id')
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    db
      .selectFrom('partnerTotals')
      .select((eb) => eb.fn.count<number>('partnerId').distinct().as('n'))
      .where('merchantId', '=', merchantId)
      .where('livemode', '=', livemode)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/**
 * The balances of the partners given, from their stored totals: the same figures as `partnerBalances`
 * at `now`. Totals split by stored status, so the pending rows whose holding period has ended by `now`
 * are summed here (an index read of those partners' pending rows) and moved to approved.
 */
export async function balancesFromTotals(db: DB, merchantId: string, livemode: number, now: Date, partnerIds: string[]): Promise<PartnerBalance[]> {
  if (partnerIds.length === 0) return [];
  // One statement, so the totals and the due rows come from the same snapshot (an approval committing
  // between two reads would otherwise count a row both as approved and as due).
  const totals = await db
    .selectFrom('partnerTotals as t')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('commissions')
          .select((e) => ['commissions.partnerId', 'commissions.currency', e.fn.sum<number>('commissions.net').as('due')])
          .where('commissions.partnerId', 'in', partnerIds)
          .where('commissions.merchantId', '=', merchantId)
          .where('commissions.livemode', '=', livemode)
          .where((e) => isDuePending(e, now.toISOString()))
          .groupBy(['commissions.partnerId', 'commissions.currency'])
          .as('d'),
      (join) => join.onRef('d.partnerId', '=', 't.partnerId').onRef('d.currency', '=', 't.currency'),
    )
    .select(['t.partnerId', 't.currency', 't.pending', 't.onHold', 't.approved', 't.paid', 'd.due'])
    .where('t.merchantId', '=', merchantId)
    .where('t.livemode', '=', livemode)
    .where('t.partnerId', 'in', partnerIds)
    .orderBy('t.partnerId')
    .orderBy('t.currency')
    .execute();
  return totals.map((t) => {
    const moved = Number(t.due ?? 0);
    const [pending, onHold, approved, paid] = [Number(t.pending) - moved, Number(t.onHold), Number(t.approved) + moved, Number(t.paid)];
    return { partnerId: t.partnerId, currency: t.currency, pending, onHold, approved, paid, earned: pending + onHold + approved + paid };
  });
}

/** Balances of every partner of a merchant (or of the partners given), per currency, at `now`. */
export async function partnerBalances(db: DB, merchantId: string, livemode: number, now: Date, partnerId?: string | string[]): Promise<PartnerBalance[]> {
  const nowIso = now.toISOString();
  let q = db
    .selectFrom('commissions')
    .where('commissions.merchantId', '=', merchantId)
    .where('commissions.livemode', '=', livemode)
    .where('commissions.status', '<>', 'rejected');
  if (typeof partnerId === 'string') q = q.where('commissions.partnerId', '=', partnerId);
  else if (partnerId) {
    if (partnerId.length === 0) return [];
    q = q.where('commissions.partnerId', 'in', partnerId);
  }
  const rows = await q
    .select((eb) => [
      'commissions.partnerId',
      'commissions.currency',
      sumWhere(eb, eb.and([eb('commissions.status', '=', 'pending'), eb('commissions.holdUntil', '>', nowIso)])).as('pending'),
      sumWhere(eb, eb.and([eb('commissions.status', '=', 'on_hold')])).as('onHold'),
      sumWhere(eb, eb.or([eb('commissions.status', '=', 'approved'), isDuePending(eb, nowIso)])).as('approved'),
      sumWhere(eb, eb.and([eb('commissions.status', '=', 'paid')])).as('paid'),
      eb.fn.coalesce(eb.fn.sum<number>('commissions.net'), eb.lit(0)).as('earned'),
    ])
    .groupBy(['commissions.partnerId', 'commissions.currency'])
    .orderBy('commissions.partnerId')
    .orderBy('commissions.currency')
    .execute();
  return rows.map((r) => ({
    partnerId: r.partnerId,
    currency: r.currency,
    pending: Number(r.pending),
    onHold: Number(r.onHold),
    approved: Number(r.approved),
    paid: Number(r.paid),
    earned: Number(r.earned),
  }));
}

/** One partner's balances, one entry per currency (what the API and the partner portal show). */
export async function balancesOf(db: DB, merchantId: string, livemode: number, partnerId: string, now: Date): Promise<Balance[]> {
  const rows = await partnerBalances(db, merchantId, livemode, now, partnerId);
  return rows.map(({ partnerId: _p, ...b }) => b);
}
