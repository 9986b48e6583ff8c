// Queries of the privacy tools: everything held about one partner or one referred customer, always
// inside one merchant. No HTTP, no rules.
import { sql } from 'kysely';
import type { DB } from '../../db';

/** A referred customer: by the key the ledger binds customers by, or by email (sales without a customer id). */
export type CustomerMatch = { key: string } | { email: string };

/** `stripe:cus_…`, `ext:…` or an email → how to find that customer's rows. */
export function customerMatch(ref: string): CustomerMatch {
  const v = ref.trim();
  if (v.startsWith('stripe:') || v.startsWith('ext:')) return { key: v };
  return { email: v.toLowerCase() };
}

const likeLiteral = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export const partnerById = (db: DB, merchantId: string, id: string) =>
  db.selectFrom('partners').selectAll().where('merchantId', '=', merchantId).where('id', '=', id).executeTakeFirst();

/** Partners a search names: an id, a code or an email, exactly. */
export const findPartners = (db: DB, merchantId: string, q: string) =>
  db
    .selectFrom('partners')
    .selectAll()
    .where('merchantId', '=', merchantId)
    .where((eb) => eb.or([eb('id', '=', q), eb('code', '=', q.toLowerCase()), eb('email', '=', q.toLowerCase()), eb('payoutEmail', '=', q)]))
    .orderBy('createdAt')
    .execute();

/** Referred customers a search names, one line per customer key (or per email for sales without one). */
export async function findCustomers(db: DB, merchantId: string, q: string) {
  const v = q.trim();
  const keys = v.startsWith('cus_') ? [`stripe:${v}`] : v.startsWith('stripe:') || v.startsWith('ext:') ? [v] : v.includes('@') ? [] : [`ext:${v}`];
  const email = v.includes('@') ? v.toLowerCase() : null;
  const bindings = await db
    .selectFrom('referralBindings')
    .select(['customerKey', 'customerEmail', 'customerName', 'partnerId', 'livemode'])
    .where('merchantId', '=', merchantId)
    .where((eb) => eb.or([...(keys.length ? [eb('customerKey', 'in', keys)] : []), ...(email ? [eb(eb.fn('lower', ['customerEmail']), '=', email)] : [])]))
    .execute();
  const sales = await db
    .selectFrom('conversions')
    .select(['customerKey', 'customerEmail', (eb) => eb.fn.countAll<number>().as('n')])
    .where('merchantId', '=', merchantId)
    .where((eb) => eb.or([...(keys.length ? [eb('customerKey', 'in', keys)] : []), ...(email ? [eb(eb.fn('lower', ['customerEmail']), '=', email)] : [])]))
    .groupBy(['customerKey', 'customerEmail'])
    .execute();
  const out = new Map<string, { ref: string; email: string | null; name: string | null; bound: boolean; sales: number }>();
  for (const b of bindings) out.set(b.customerKey, { ref: b.customerKey, email: b.customerEmail, name: b.customerName, bound: true, sales: 0 });
  for (const s of sales) {
    const ref = s.customerKey ?? s.customerEmail?.toLowerCase() ?? '';
    if (!ref) continue;
    const row = out.get(ref) ?? { ref, email: s.customerEmail, name: null, bound: false, sales: 0 };
    row.sales += Number(s.n);
    out.set(ref, row);
  }
  return [...out.values()];
}

/** Conversions of one customer (by key, or by email). */
export const customerSales = (db: DB, merchantId: string, m: CustomerMatch) =>
  db
    .selectFrom('conversions')
    .selectAll()
    .where('merchantId', '=', merchantId)
    .where((eb) => ('key' in m ? eb('customerKey', '=', m.key) : eb(eb.fn('lower', ['customerEmail']), '=', m.email)))
    .orderBy('occurredAt')
    .orderBy('id')
    .execute();

export const customerBindings = (db: DB, merchantId: string, m: CustomerMatch) =>
  db
    .selectFrom('referralBindings')
    .selectAll()
    .where('merchantId', '=', merchantId)
    .where((eb) => ('key' in m ? eb('customerKey', '=', m.key) : eb(eb.fn('lower', ['customerEmail']), '=', m.email)))
    .execute();

/** The merchant's stored Stripe events whose payload mentions any of `needles` (a customer id, an email). */
export async function eventsMentioning(db: DB, merchantId: string, needles: string[]) {
  if (needles.length === 0) return [];
  return db
    .selectFrom('stripeEvents')
    .select(['id', 'type', 'created', 'payload'])
    .where('merchantId', '=', merchantId)
    .where((eb) => eb.or(needles.map((n) => sql<boolean>`${sql.ref('payload')} like ${likeLiteral(n)} escape '\\'`)))
    .orderBy('created')
    .execute();
}

/**
 * In every text column listed, inside one merchant, replace the exact text `from` by `to` (used with
 * JSON-quoted values, so "jane" never matches inside "janet"). Portable: replace() exists on both dialects.
 */
export async function replaceText(db: DB, merchantId: string, columns: [table: string, column: string][], from: string, to: string): Promise<void> {
  const raw = db.withoutPlugins();
  for (const [table, column] of columns) {
    await sql`update ${sql.table(table)} set ${sql.ref(column)} = replace(${sql.ref(column)}, ${from}, ${to}) where merchant_id = ${merchantId} and ${sql.ref(column)} like ${likeLiteral(from)} escape '\\'`.execute(raw);
  }
}
