// The ledger's structural invariants, each written as its own SQL over the stored rows. None of this calls
// the app's ledger or balance code: the point is to catch that code (or a hand edit, or a bad migration)
// putting the database into a state the app's rules say cannot happen. Portable SQL (SQLite and PostgreSQL).
import { sql, type RawBuilder } from 'kysely';

export type Invariant = 'double_credit' | 'reversal_exceeds_original' | 'untraced_row' | 'balance_mismatch' | 'cross_merchant' | 'lost_event';

export const INVARIANTS: readonly Invariant[] = ['double_credit', 'reversal_exceeds_original', 'untraced_row', 'balance_mismatch', 'cross_merchant', 'lost_event'];

/** What every check query selects: who it is about, what, and a few numbers or ids for the message. */
export interface CheckRow {
  merchant_id: string | null;
  livemode: number | null;
  subject: string;
  a?: string | number | null;
  b?: string | number | null;
  c?: string | number | null;
}

export interface Check {
  invariant: Invariant;
  name: string;
  query: (p: { now: string; overdue: string }) => RawBuilder<CheckRow>;
  describe: (r: CheckRow) => string;
}

const q = (strings: TemplateStringsArray, ...values: unknown[]) => sql<CheckRow>(strings, ...values);

export const CHECKS: Check[] = [
  // ---- no commission credited twice for one Stripe object ------------------------------------------
  {
    invariant: 'double_credit',
    name: 'one credit per conversion',
    query: () => q`select merchant_id, livemode, conversion_id as subject, count(*) as a from commissions where kind = 'credit' group by merchant_id, livemode, conversion_id having count(*) > 1`,
    describe: (r) => `conversion ${r.subject} has ${r.a} credits`,
  },
  {
    invariant: 'double_credit',
    name: 'one row per ledger key',
    query: () => q`select merchant_id, livemode, ledger_key as subject, count(*) as a from commissions group by merchant_id, livemode, ledger_key having count(*) > 1`,
    describe: (r) => `ledger key ${r.subject} is used by ${r.a} rows`,
  },
  {
    invariant: 'double_credit',
    name: 'one conversion per source key',
    query: () => q`select merchant_id, livemode, source_key as subject, count(*) as a from conversions group by merchant_id, livemode, source_key having count(*) > 1`,
    describe: (r) => `source key ${r.subject} has ${r.a} conversions`,
  },
  {
    invariant: 'double_credit',
    name: 'one credit per Stripe invoice',
    query: () => q`
      select v.merchant_id, v.livemode, v.invoice_id as subject, count(*) as a
      from commissions c join conversions v on v.id = c.conversion_id
      where c.kind = 'credit' and v.source = 'stripe' and v.invoice_id is not null
      group by v.merchant_id, v.livemode, v.invoice_id having count(*) > 1`,
    describe: (r) => `Stripe invoice ${r.subject} is credited ${r.a} times`,
  },
  {
    invariant: 'double_credit',
    name: 'one credit per Stripe PaymentIntent',
    query: () => q`
      select v.merchant_id, v.livemode, v.payment_intent_id as subject, count(*) as a
      from commissions c join conversions v on v.id = c.conversion_id
      where c.kind = 'credit' and v.source = 'stripe' and v.payment_intent_id is not null
      group by v.merchant_id, v.livemode, v.payment_intent_id having count(*) > 1`,
    describe: (r) => `PaymentIntent ${r.subject} is credited ${r.a} times`,
  },
  {
    invariant: 'double_credit',
    name: 'one reversal per refund or dispute',
    query: () => q`
      select merchant_id, livemode, stripe_object_id as subject, count(*) as a
      from commissions
      where kind = 'reversal' and stripe_object_id is not null and ledger_key not like 'refund-undo:%'
      group by merchant_id, livemode, stripe_object_id having count(*) > 1`,
    describe: (r) => `${r.subject} is reversed ${r.a} times`,
  },

  // ---- reversals never exceed what they reverse ---------------------------------------------------
  {
    invariant: 'reversal_exceeds_original',
    name: 'reversals within their credit',
    query: () => q`
      select cr.merchant_id, cr.livemode, cr.id as subject,
        cr.amount || '/' || cr.fee || '/' || cr.net as a,
        (-sum(r.amount)) || '/' || (-sum(r.fee)) || '/' || (-sum(r.net)) as b
      from commissions cr join commissions r on r.reverses_id = cr.id
      where cr.kind = 'credit'
      group by cr.merchant_id, cr.livemode, cr.id, cr.amount, cr.fee, cr.net
      having -sum(r.amount) > cr.amount or -sum(r.fee) > cr.fee or -sum(r.net) > cr.net
          or sum(r.amount) > 0 or sum(r.fee) > 0 or sum(r.net) > 0`,
    describe: (r) => `credit ${r.subject} (commission/fee/net ${r.a}) has reversals totalling ${r.b}`,
  },
  {
    invariant: 'reversal_exceeds_original',
    name: 'reversals in their credit’s currency',
    query: () => q`
      select r.merchant_id, r.livemode, r.id as subject, r.currency as a, cr.currency as b
      from commissions r join commissions cr on cr.id = r.reverses_id
      where r.currency <> cr.currency`,
    describe: (r) => `reversal ${r.subject} is in ${r.a}, its credit in ${r.b}`,
  },

  // ---- every row traces to a cause ----------------------------------------------------------------
  {
    invariant: 'untraced_row',
    name: 'Stripe-caused rows have their event',
    query: () => q`
      select c.merchant_id, c.livemode, c.id as subject, c.cause_id as a from commissions c
      where c.cause_type = 'stripe_event' and not exists (select 1 from stripe_events e where e.id = c.cause_id)`,
    describe: (r) => `row ${r.subject} names Stripe event ${r.a}, which is not stored`,
  },
  {
    invariant: 'untraced_row',
    name: 'API-caused rows have their key',
    query: () => q`
      select c.merchant_id, c.livemode, c.id as subject, c.cause_id as a from commissions c
      where c.cause_type = 'api' and not exists (
        select 1 from api_keys k where k.merchant_id = c.merchant_id and substr(c.cause_id, 1, length(k.id) + 1) = k.id || '/')`,
    describe: (r) => `row ${r.subject} names API request ${r.a}, whose key is not the merchant's`,
  },
  {
    invariant: 'untraced_row',
    name: 'manual rows have their user',
    query: () => q`
      select c.merchant_id, c.livemode, c.id as subject, c.cause_id as a from commissions c
      where c.cause_type = 'manual' and not exists (select 1 from users u where u.id = c.cause_id)`,
    describe: (r) => `row ${r.subject} names user ${r.a}, who does not exist`,
  },
  {
    invariant: 'untraced_row',
    name: 'known cause types',
    query: () => q`select merchant_id, livemode, id as subject, cause_type as a from commissions where cause_type not in ('stripe_event', 'api', 'manual')`,
    describe: (r) => `row ${r.subject} has an unknown cause type ${r.a}`,
  },
  {
    invariant: 'untraced_row',
    name: 'rows have their conversion and partner',
    query: () => q`
      select c.merchant_id, c.livemode, c.id as subject, c.conversion_id as a, c.partner_id as b from commissions c
      where not exists (select 1 from conversions v where v.id = c.conversion_id)
         or not exists (select 1 from partners p where p.id = c.partner_id)`,
    describe: (r) => `row ${r.subject} names conversion ${r.a} / partner ${r.b}, one of which is missing`,
  },
  {
    invariant: 'untraced_row',
    name: 'reversals point at a credit of the same sale and partner',
    query: () => q`
      select r.merchant_id, r.livemode, r.id as subject, r.reverses_id as a from commissions r
      where r.kind = 'reversal' and not exists (
        select 1 from commissions cr where cr.id = r.reverses_id and cr.kind = 'credit' and cr.conversion_id = r.conversion_id and cr.partner_id = r.partner_id)`,
    describe: (r) => `reversal ${r.subject} reverses ${r.a ?? 'nothing'}, not a credit of its own sale and partner`,
  },
  {
    invariant: 'untraced_row',
    name: 'credits reverse nothing and are the sale’s partner’s',
    query: () => q`
      select c.merchant_id, c.livemode, c.id as subject, v.partner_id as a, c.partner_id as b
      from commissions c join conversions v on v.id = c.conversion_id
      where c.kind = 'credit' and (c.reverses_id is not null or v.partner_id is null or v.partner_id <> c.partner_id)`,
    describe: (r) => `credit ${r.subject} is for partner ${r.b} but its sale is attributed to ${r.a ?? 'nobody'}`,
  },
  {
    invariant: 'untraced_row',
    name: 'row kinds',
    query: () => q`select merchant_id, livemode, id as subject, kind as a from commissions where kind not in ('credit', 'reversal')`,
    describe: (r) => `row ${r.subject} has an unknown kind ${r.a}`,
  },
  {
    invariant: 'untraced_row',
    name: 'Stripe sales have their event',
    query: () => q`
      select v.merchant_id, v.livemode, v.id as subject, v.stripe_event_id as a from conversions v
      where v.source = 'stripe' and (v.stripe_event_id is null or not exists (select 1 from stripe_events e where e.id = v.stripe_event_id))`,
    describe: (r) => `Stripe sale ${r.subject} names event ${r.a ?? '(none)'}, which is not stored`,
  },

  // ---- no row belongs to a partner (or anything) of another merchant ------------------------------
  {
    invariant: 'cross_merchant',
    name: 'ledger rows and their partner',
    query: () => q`
      select c.merchant_id, c.livemode, c.id as subject, c.partner_id as a, p.merchant_id as b
      from commissions c join partners p on p.id = c.partner_id where p.merchant_id <> c.merchant_id`,
    describe: (r) => `row ${r.subject} is for partner ${r.a} of merchant ${r.b}`,
  },
  {
    invariant: 'cross_merchant',
    name: 'ledger rows and their sale',
    query: () => q`
      select c.merchant_id, c.livemode, c.id as subject, c.conversion_id as a, v.merchant_id as b
      from commissions c join conversions v on v.id = c.conversion_id where v.merchant_id <> c.merchant_id or v.livemode <> c.livemode`,
    describe: (r) => `row ${r.subject} is on sale ${r.a} of merchant ${r.b} (or of the other mode)`,
  },
  {
    invariant: 'cross_merchant',
    name: 'reversals and their credit',
    query: () => q`
      select r.merchant_id, r.livemode, r.id as subject, r.reverses_id as a, cr.merchant_id as b
      from commissions r join commissions cr on cr.id = r.reverses_id where cr.merchant_id <> r.merchant_id or cr.livemode <> r.livemode`,
    describe: (r) => `reversal ${r.subject} reverses ${r.a} of merchant ${r.b} (or of the other mode)`,
  },
  {
    invariant: 'cross_merchant',
    name: 'sales and their partner',
    query: () => q`
      select v.merchant_id, v.livemode, v.id as subject, v.partner_id as a, p.merchant_id as b
      from conversions v join partners p on p.id = v.partner_id where p.merchant_id <> v.merchant_id`,
    describe: (r) => `sale ${r.subject} is attributed to partner ${r.a} of merchant ${r.b}`,
  },
  {
    invariant: 'cross_merchant',
    name: 'referred customers and their partner',
    query: () => q`
      select b.merchant_id, b.livemode, b.id as subject, b.partner_id as a, p.merchant_id as b
      from referral_bindings b join partners p on p.id = b.partner_id where p.merchant_id <> b.merchant_id`,
    describe: (r) => `customer binding ${r.subject} names partner ${r.a} of merchant ${r.b}`,
  },
  {
    invariant: 'cross_merchant',
    name: 'clicks and links and their partner',
    query: () => q`
      select k.merchant_id, null as livemode, k.id as subject, k.partner_id as a, p.merchant_id as b
      from clicks k join partners p on p.id = k.partner_id where p.merchant_id <> k.merchant_id
      union all
      select l.merchant_id, null as livemode, l.id as subject, l.partner_id as a, p.merchant_id as b
      from links l join partners p on p.id = l.partner_id where p.merchant_id <> l.merchant_id`,
    describe: (r) => `${r.subject} belongs to partner ${r.a} of merchant ${r.b}`,
  },
  {
    invariant: 'cross_merchant',
    name: 'rows and the Stripe event that caused them',
    query: () => q`
      select c.merchant_id, c.livemode, c.id as subject, c.cause_id as a, e.merchant_id as b
      from commissions c join stripe_events e on e.id = c.cause_id
      where c.cause_type = 'stripe_event' and e.merchant_id is not null and e.merchant_id <> c.merchant_id
      union all
      select v.merchant_id, v.livemode, v.id as subject, v.stripe_event_id as a, e.merchant_id as b
      from conversions v join stripe_events e on e.id = v.stripe_event_id
      where e.merchant_id is not null and e.merchant_id <> v.merchant_id`,
    describe: (r) => `${r.subject} was caused by event ${r.a} of merchant ${r.b}`,
  },
  {
    invariant: 'cross_merchant',
    name: 'payouts, their items and rows',
    query: () => q`
      select c.merchant_id, c.livemode, c.id as subject, c.payout_id as a, po.merchant_id as b
      from commissions c join payouts po on po.id = c.payout_id
      where po.merchant_id <> c.merchant_id or po.partner_id <> c.partner_id or po.livemode <> c.livemode
      union all
      select i.merchant_id, null as livemode, i.id as subject, i.commission_id as a, c.merchant_id as b
      from payout_items i join commissions c on c.id = i.commission_id
      where i.merchant_id <> c.merchant_id or i.partner_id <> c.partner_id
      union all
      select po.merchant_id, po.livemode, po.id as subject, po.partner_id as a, p.merchant_id as b
      from payouts po join partners p on p.id = po.partner_id where p.merchant_id <> po.merchant_id`,
    describe: (r) => `${r.subject} is paired with ${r.a} of merchant ${r.b} (or another partner or mode)`,
  },

  // ---- the rows add up; balances themselves are compared in balances-check.ts ---------------------
  {
    invariant: 'balance_mismatch',
    name: 'net is commission minus fee',
    query: () => q`select merchant_id, livemode, id as subject, amount as a, fee as b, net as c from commissions where net <> amount - fee`,
    describe: (r) => `row ${r.subject}: ${r.a} − ${r.b} ≠ net ${r.c}`,
  },
  {
    invariant: 'balance_mismatch',
    name: 'paid rows are in a paid payout, and rows of a paid payout are paid',
    query: () => q`
      select c.merchant_id, c.livemode, c.id as subject, c.status as a, po.status as b from commissions c left join payouts po on po.id = c.payout_id
      where (c.status = 'paid' and (po.id is null or po.status <> 'paid')) or (po.status = 'paid' and c.status <> 'paid')`,
    describe: (r) => `row ${r.subject} is ${r.a} but its payout is ${r.b ?? 'missing'}`,
  },
  {
    invariant: 'balance_mismatch',
    name: 'rows in a payout have its live item',
    query: () => q`
      select c.merchant_id, c.livemode, c.id as subject, c.payout_id as a from commissions c
      where c.payout_id is not null and not exists (select 1 from payout_items i where i.commission_id = c.id and i.payout_id = c.payout_id and i.active = 1)
      union all
      select i.merchant_id, null as livemode, i.commission_id as subject, i.payout_id as a from payout_items i join commissions c on c.id = i.commission_id
      where i.active = 1 and (c.payout_id is null or c.payout_id <> i.payout_id)`,
    describe: (r) => `row ${r.subject} and payout ${r.a} disagree about holding it`,
  },
  {
    // The balances page reads partner_totals; the ledger writes keep them. Any drift shows up here.
    invariant: 'balance_mismatch',
    name: 'partner totals are the sums of their rows',
    query: () => q`
      select s.merchant_id, s.livemode, s.partner_id || ' ' || s.currency as subject,
        s.pending || '/' || s.on_hold || '/' || s.approved || '/' || s.paid as a,
        coalesce(t.pending || '/' || t.on_hold || '/' || t.approved || '/' || t.paid, 'missing') as b
      from (
        select merchant_id, livemode, partner_id, currency,
          sum(case when status = 'pending' then net else 0 end) as pending,
          sum(case when status = 'on_hold' then net else 0 end) as on_hold,
          sum(case when status = 'approved' then net else 0 end) as approved,
          sum(case when status = 'paid' then net else 0 end) as paid
        from commissions where status <> 'rejected'
        group by merchant_id, livemode, partner_id, currency) s
      left join partner_totals t on t.merchant_id = s.merchant_id and t.livemode = s.livemode and t.partner_id = s.partner_id and t.currency = s.currency
      where t.partner_id is null or t.pending <> s.pending or t.on_hold <> s.on_hold or t.approved <> s.approved or t.paid <> s.paid
      union all
      select t.merchant_id, t.livemode, t.partner_id || ' ' || t.currency as subject, 'no rows' as a,
        t.pending || '/' || t.on_hold || '/' || t.approved || '/' || t.paid as b
      from partner_totals t
      where not exists (
        select 1 from commissions c
        where c.merchant_id = t.merchant_id and c.livemode = t.livemode and c.partner_id = t.partner_id and c.currency = t.currency and c.status <> 'rejected')`,
    describe: (r) => `stored totals of ${r.subject} (pending/on hold/approved/paid) are ${r.b}, the rows sum to ${r.a}`,
  },
  {
    invariant: 'balance_mismatch',
    name: 'a payout is the sum of its items',
    query: () => q`
      select po.merchant_id, po.livemode, po.id as subject, po.amount as a, coalesce(sum(i.amount), 0) as b
      from payouts po left join payout_items i on i.payout_id = po.id and i.active = 1
      where po.status <> 'failed'
      group by po.merchant_id, po.livemode, po.id, po.amount
      having po.amount <> coalesce(sum(i.amount), 0)`,
    describe: (r) => `payout ${r.subject} is ${r.a} but its items sum to ${r.b}`,
  },

  // ---- no acknowledged event lost ------------------------------------------------------------------
  {
    invariant: 'lost_event',
    name: 'stored events get processed',
    query: ({ overdue }) => q`
      select merchant_id, livemode, id as subject, status as a, received_at as b, last_error as c from stripe_events
      where (status = 'pending' and received_at < ${overdue})
         or (status = 'processing' and (locked_until is null or locked_until < ${overdue}))
         or (status = 'failed' and (last_error is null or last_error = ''))
         or (status = 'failed' and next_attempt_at is not null and next_attempt_at < ${overdue})
         or (status = 'ignored' and (ignored_reason is null or ignored_reason = ''))
         or status not in ('pending', 'processing', 'processed', 'failed', 'ignored')`,
    describe: (r) => `event ${r.subject} (received ${r.b}) is stuck as ${r.a}${r.a === 'failed' ? ` (${r.c ?? 'no error recorded'})` : ''}`,
  },
  {
    invariant: 'lost_event',
    name: 'parked events wake once what they wait for exists',
    query: ({ overdue }) => q`
      select pe.merchant_id, pe.livemode, pe.event_id as subject, pe.wait_key as a, pe.created_at as b from parked_events pe
      where pe.created_at < ${overdue} and (
        (pe.wait_key like 'pi:%' and exists (select 1 from conversions v where v.merchant_id = pe.merchant_id and v.livemode = pe.livemode and 'pi:' || v.payment_intent_id = pe.wait_key))
        or (pe.wait_key like 'in:%' and exists (select 1 from conversions v where v.merchant_id = pe.merchant_id and v.livemode = pe.livemode and v.source_key = pe.wait_key))
        or (pe.wait_key like 'conv:%' and exists (select 1 from commissions c where c.merchant_id = pe.merchant_id and c.kind = 'credit' and 'conv:' || c.conversion_id = pe.wait_key)))`,
    describe: (r) => `event ${r.subject} is still parked on ${r.a} (since ${r.b}) although that exists now`,
  },
];
