// Erasure by pseudonym: personal data is overwritten in place, ids and amounts are left alone, so every
// sum in the ledger and every link between rows (sale → commission → payout) stays exactly as it was.
// Idempotent: the pseudonym derives from the id, so erasing twice writes the same values.
import type { DB } from '../../db';
import type { Partner } from '../../db/tables/partners';
import { sha256 } from '../lib/ids';
import { customerBindings, customerSales, eventsMentioning, replaceText, type CustomerMatch } from './store';

export const pseudonymOf = (id: string) => `erased-${sha256(id).slice(0, 12)}`;
export const pseudonymEmail = (id: string) => `${pseudonymOf(id)}@erased.invalid`;

/** Text columns that may quote a partner's code, name or email inside JSON or a URL. */
const MENTIONS: [string, string][] = [
  ['conversions', 'attribution'],
  ['commissions', 'explanation'],
  ['referral_bindings', 'referral_value'],
  ['audit_log', 'before'],
  ['audit_log', 'after'],
  ['outbox_events', 'data'],
  ['stripe_events', 'payload'],
];

export async function erasePartner(trx: DB, merchantId: string, partner: Partner): Promise<{ pseudonym: string; linksRenamed: number }> {
  const pseudonym = pseudonymOf(partner.id);
  const email = pseudonymEmail(partner.id);
  if (partner.code !== pseudonym) {
    // Quoted occurrences in JSON, and the `via=` parameter of landing URLs.
    await replaceText(trx, merchantId, MENTIONS, JSON.stringify(partner.code), JSON.stringify(pseudonym));
    await trx.updateTable('referralBindings').set({ referralValue: pseudonym }).where('merchantId', '=', merchantId).where('referralValue', '=', partner.code).execute();
    await replaceText(trx, merchantId, [['clicks', 'landing_url']], `via=${partner.code}`, `via=${pseudonym}`);
  }
  for (const value of new Set([partner.email, partner.payoutEmail].filter((v): v is string => !!v && v !== email))) {
    await replaceText(trx, merchantId, MENTIONS, JSON.stringify(value), JSON.stringify(email));
  }
  // A name is not unique: only where it can only mean this partner (not in a customer's Stripe payload).
  if (!partner.name.startsWith('Erased partner')) {
    await replaceText(trx, merchantId, MENTIONS.filter(([t]) => t !== 'stripe_events'), JSON.stringify(partner.name), JSON.stringify('Erased partner'));
  }
  await trx
    .updateTable('partners')
    .set({ name: `Erased partner ${pseudonym.slice(-6)}`, email, code: pseudonym, payoutEmail: null, statusReason: null })
    .where('merchantId', '=', merchantId)
    .where('id', '=', partner.id)
    .execute();
  // Slugs often spell the partner's name; they are public and unique across the server.
  const links = await trx.selectFrom('links').select(['id', 'slug']).where('merchantId', '=', merchantId).where('partnerId', '=', partner.id).execute();
  let linksRenamed = 0;
  for (const l of links) {
    const slug = `${pseudonym}-${sha256(l.id).slice(0, 6)}`;
    if (l.slug === slug) continue;
    await trx.updateTable('links').set({ slug }).where('id', '=', l.id).execute();
    linksRenamed += 1;
  }
  // What the partner wrote when applying may be quoted in the emails about the application.
  const applied = await trx
    .selectFrom('applications')
    .select(['name', 'company', 'website', 'reason'])
    .where('merchantId', '=', merchantId)
    .where((eb) => eb.or([eb('partnerId', '=', partner.id), eb('email', '=', partner.email)]))
    .execute();
  const quoted = new Set<string>([partner.email, ...(partner.payoutEmail ? [partner.payoutEmail] : [])]);
  for (const a of applied) for (const v of [a.name, a.company, a.website, a.reason]) if (v && v.length >= 3 && !v.startsWith('Erased')) quoted.add(v);
  for (const v of quoted) await replaceText(trx, merchantId, [['notifications', 'subject'], ['notifications', 'body']], v, v.includes('@') && !v.includes(' ') ? email : '[erased]');
  await trx
    .updateTable('applications')
    .set({ name: 'Erased applicant', email, company: null, website: null, reason: null, rejectionReason: null })
    .where('merchantId', '=', merchantId)
    .where((eb) => eb.or([eb('partnerId', '=', partner.id), eb('email', '=', partner.email)]))
    .execute();
  const recipients = [partner.email, partner.payoutEmail].filter((v): v is string => !!v);
  await trx.updateTable('payouts').set({ recipient: email }).where('merchantId', '=', merchantId).where('partnerId', '=', partner.id).where('recipient', 'in', recipients).execute();
  // Emails sent (or queued) to the partner: addressed to them, and greeting them by name.
  await trx.updateTable('notifications').set({ recipient: email }).where('merchantId', '=', merchantId).where('recipient', 'in', recipients).execute();
  if (!partner.name.startsWith('Erased partner')) await replaceText(trx, merchantId, [['notifications', 'subject'], ['notifications', 'body']], partner.name, 'Erased partner');
  return { pseudonym, linksRenamed };
}

/** Keys of personal data in Stripe objects; `name` only on a Customer (products have names too). */
const PERSONAL = new Set(['email', 'phone', 'customer_email', 'customer_name', 'customer_phone', 'receipt_email', 'address', 'shipping', 'customer_address', 'customer_shipping', 'customer_details', 'billing_details', 'shipping_details', 'collected_information']);

export function scrubStripeObject(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubStripeObject);
  if (!value || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = PERSONAL.has(k) || (k === 'name' && o.object === 'customer') ? null : scrubStripeObject(v);
  return out;
}

export async function eraseCustomer(trx: DB, merchantId: string, match: CustomerMatch): Promise<{ bindings: number; sales: number; events: number }> {
  const [bindings, sales] = await Promise.all([customerBindings(trx, merchantId, match), customerSales(trx, merchantId, match)]);
  const emails = new Set<string>('email' in match ? [match.email] : []);
  for (const r of [...bindings, ...sales]) if (r.customerEmail) emails.add(r.customerEmail.toLowerCase());
  const stripeIds = new Set<string>();
  for (const r of [...bindings, ...sales]) if (r.stripeCustomerId) stripeIds.add(r.stripeCustomerId);

  if (bindings.length) await trx.updateTable('referralBindings').set({ customerEmail: null, customerName: null }).where('id', 'in', bindings.map((b) => b.id)).execute();
  // The same person under another key (a Stripe customer and your own customer id, say), by email.
  if (emails.size) {
    await trx
      .updateTable('referralBindings')
      .set({ customerEmail: null, customerName: null })
      .where('merchantId', '=', merchantId)
      .where((eb) => eb(eb.fn('lower', ['customerEmail']), 'in', [...emails]))
      .execute();
  }
  if (sales.length) {
    await trx.updateTable('conversions').set({ customerEmail: null, customerName: null, customerAvatar: null, metadata: null }).where('id', 'in', sales.map((s) => s.id)).execute();
  }
  // The same person's guest purchases (no customer id, same email).
  if (emails.size) {
    await trx
      .updateTable('conversions')
      .set({ customerEmail: null, customerName: null, customerAvatar: null, metadata: null })
      .where('merchantId', '=', merchantId)
      .where((eb) => eb(eb.fn('lower', ['customerEmail']), 'in', [...emails]))
      .execute();
  }
  for (const email of emails) {
    const pseudo = pseudonymEmail(`${merchantId}:${email}`);
    await trx.updateTable('deals').set({ email: pseudo, name: 'Erased customer', notes: null }).where('merchantId', '=', merchantId).where('email', '=', email).execute();
    await trx.updateTable('deals').set({ acceptedEmail: pseudo }).where('merchantId', '=', merchantId).where('acceptedEmail', '=', email).execute();
  }
  const events = await eventsMentioning(trx, merchantId, [...stripeIds, ...emails]);
  for (const e of events) {
    const scrubbed = JSON.stringify(scrubStripeObject(JSON.parse(e.payload)));
    if (scrubbed !== e.payload) await trx.updateTable('stripeEvents').set({ payload: scrubbed }).where('id', '=', e.id).execute();
  }
  return { bindings: bindings.length, sales: sales.length, events: events.length };
}
