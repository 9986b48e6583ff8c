// The list a merchant reviews before paying: credits not yet paid, with what reversals left of them.
import type { DB } from '../../db';
import type { CommissionStatus } from '../../db/tables/ledger';

export type ReviewFilter = 'pending' | 'approved' | 'on_hold';

export async function reviewList(db: DB, merchantId: string, f: { livemode: number; status?: ReviewFilter; offset: number; limit: number; now: Date }) {
  const nowIso = f.now.toISOString();
  let q = db
    .selectFrom('commissions')
    .innerJoin('partners', 'partners.id', 'commissions.partnerId')
    .where('commissions.merchantId', '=', merchantId)
    .where('commissions.livemode', '=', f.livemode)
    .where('commissions.kind', '=', 'credit');
  // Filters follow what balances show: pending past its holding period counts as approved.
  if (f.status === 'pending') q = q.where('commissions.status', '=', 'pending').where('commissions.holdUntil', '>', nowIso);
  else if (f.status === 'approved') q = q.where((eb) => eb.or([eb('commissions.status', '=', 'approved'), eb.and([eb('commissions.status', '=', 'pending'), eb('commissions.holdUntil', '<=', nowIso)])]));
  else if (f.status === 'on_hold') q = q.where('commissions.status', '=', 'on_hold');
  else q = q.where('commissions.status', 'in', ['pending', 'approved', 'on_hold']);
  const [rows, total] = await Promise.all([
    q
      .select((eb) => [
        'commissions.id',
        'commissions.partnerId',
        'partners.name as partnerName',
        'commissions.net',
        'commissions.currency',
        'commissions.status',
        'commissions.statusReason',
        'commissions.holdUntil',
        'commissions.payoutId',
        'commissions.occurredAt',
        eb
          .selectFrom('commissions as r')
          .select((r) => r.fn.coalesce(r.fn.sum<number>('r.net'), r.lit(0)).as('n'))
          .whereRef('r.reversesId', '=', 'commissions.id')
          .as('reversed'),
      ])
      .orderBy('commissions.occurredAt', 'desc')
      .orderBy('commissions.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    rows: rows.map((r) => ({
      ...r,
      netAfterReversals: r.net + Number(r.reversed ?? 0),
      effectiveStatus: (r.status === 'pending' && r.holdUntil <= nowIso ? 'approved' : r.status) as CommissionStatus,
    })),
    total: Number(total.n),
  };
}
export type ReviewRow = Awaited<ReturnType<typeof reviewList>>['rows'][number];
