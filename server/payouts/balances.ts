// Balances per partner and currency, summed from the ledger on every read (never stored counters).
// One function feeds the balances page, the API and the partner portal, so they agree to the minor unit.
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

/** Balances of every partner of a merchant (or one partner), per currency, at `now`. */
export async function partnerBalances(db: DB, merchantId: string, livemode: number, now: Date, partnerId?: string): Promise<PartnerBalance[]> {
  const nowIso = now.toISOString();
  let q = db
    .selectFrom('commissions')
    .where('commissions.merchantId', '=', merchantId)
    .where('commissions.livemode', '=', livemode)
    .where('commissions.status', '<>', 'rejected');
  if (partnerId) q = q.where('commissions.partnerId', '=', partnerId);
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
