// The getting-started checklist: each step is done when the program shows it happened, not when a
// button was pressed (a snippet counts once a click came through it, Checkout once a sale carried a referral).
import { sql } from 'kysely';
import type { DB } from '../../db';
import { getSettings, hasAuditEntry } from '../accounts/store';
import { findActiveConnection } from '../connect/store';

export type StepKey = 'stripe' | 'commission' | 'destination' | 'snippet' | 'checkout' | 'partner';

export interface ChecklistStep {
  key: StepKey;
  done: boolean;
  label: string;
  href: string;
}

const exists = async (q: Promise<unknown>) => (await q) !== undefined;

export async function gettingStarted(db: DB, merchantId: string): Promise<ChecklistStep[]> {
  const [connection, settingsSaved, settings, snippetClick, clickIdSale, referredSale, partner] = await Promise.all([
    findActiveConnection(db, merchantId),
    hasAuditEntry(db, merchantId, 'settings.updated'),
    getSettings(db, merchantId),
    // A literal, not a parameter: only then can the planner use the partial index of snippet clicks (clicks_snippet_idx).
    exists(db.selectFrom('clicks').select('id').where('merchantId', '=', merchantId).where('source', '=', sql.lit('snippet')).limit(1).executeTakeFirst()),
    // A click id only reaches Stripe through the snippet (or the server helper) on the merchant's site.
    exists(db.selectFrom('referralBindings').select('id').where('merchantId', '=', merchantId).where(sql<string>`substr(${sql.ref('referralValue')}, 1, 4)`, '=', 'clk_').limit(1).executeTakeFirst()),
    exists(db.selectFrom('referralBindings').select('id').where('merchantId', '=', merchantId).where('source', '=', 'stripe').where('referralValue', 'is not', null).limit(1).executeTakeFirst()),
    exists(db.selectFrom('partners').select('id').where('merchantId', '=', merchantId).limit(1).executeTakeFirst()),
  ]);
  return [
    { key: 'stripe', done: connection !== undefined, label: 'Connect Stripe', href: '/stripe' },
    { key: 'commission', done: settingsSaved, label: 'Set your commission and program settings', href: '/settings' },
    { key: 'destination', done: settings.destinationUrl !== null, label: 'Set the page referral links send visitors to', href: '/settings' },
    { key: 'snippet', done: snippetClick || clickIdSale, label: 'Add the tracking snippet to your site', href: '#snippet' },
    { key: 'checkout', done: referredSale, label: 'Pass the referral into Stripe Checkout', href: '#checkout' },
    { key: 'partner', done: partner, label: 'Invite your first partner', href: '/partners/new' },
  ];
}
