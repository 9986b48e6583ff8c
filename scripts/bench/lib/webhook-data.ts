// The webhook benchmark's world: 100 merchants, each with a connected Stripe account and 20 partners,
// and the three kinds of signed events it sends. Event bodies are built from the typed builders the
// tests use (test/fake-stripe/builders.ts), so their shape follows the SDK's types.
import type Stripe from 'stripe';
import type { Db } from '../../../db';
import { newId } from '../../../server/lib/ids';
import { hashPassword } from '../../../server/accounts/password';
import { DEFAULT_SETTINGS } from '../../../server/accounts/settings-schema';
import { build } from '../../../test/fake-stripe';
import type { FakeStripe } from '../../../test/fake-stripe';
import { bulkInsert, type BulkTable } from './bulk';
import { CONNECTIONS, PARTNERS } from './dataset';

export const ACCOUNTS = 100;
const PARTNERS_PER_MERCHANT = 20;
/** Renewal invoices cycle through this many subscribers per account. */
const SUBSCRIBERS = 50;

export interface WebhookWorld {
  accounts: { account: string; merchantId: string; codes: string[] }[];
}

const USERS: BulkTable = { table: 'users', columns: [['id', 'text'], ['email', 'text'], ['name', 'text'], ['password_hash', 'text'], ['created_at', 'text']] };
const MERCHANTS: BulkTable = { table: 'merchants', columns: [['id', 'text'], ['name', 'text'], ['public_id', 'text'], ['created_at', 'text']] };
const MEMBERSHIPS: BulkTable = { table: 'memberships', columns: [['user_id', 'text'], ['merchant_id', 'text'], ['role', 'text'], ['created_at', 'text']] };
const SETTINGS_COLUMNS = Object.keys({ merchantId: '', ...DEFAULT_SETTINGS, updatedAt: '' });
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
// Column types for PostgreSQL's casts, from the defaults; durationValue defaults to null but is an integer.
const NUMERIC_SETTINGS = new Set(['durationValue']);
const SETTINGS: BulkTable = {
  table: 'program_settings',
  columns: SETTINGS_COLUMNS.map((k) => [snake(k), typeof (DEFAULT_SETTINGS as Record<string, unknown>)[k] === 'number' || NUMERIC_SETTINGS.has(k) ? 'bigint' : 'text'] as const),
};

/** Seed a migrated, empty database with the 100 merchants (as sign-up, settings and Connect OAuth leave them). */
export async function seedWebhookWorld(db: Db, nowIso: string): Promise<WebhookWorld> {
  const passwordHash = await hashPassword('bench-password-0123');
  const users: unknown[][] = [];
  const merchants: unknown[][] = [];
  const memberships: unknown[][] = [];
  const settings: unknown[][] = [];
  const connections: unknown[][] = [];
  const partners: unknown[][] = [];
  const world: WebhookWorld = { accounts: [] };
  for (let i = 0; i < ACCOUNTS; i++) {
    const userId = newId('usr');
    const merchantId = newId('mer');
    const account = `acct_bench${String(i).padStart(8, '0')}`;
    users.push([userId, `owner${i}@hooks.bench.test`, `Owner ${i}`, passwordHash, nowIso]);
    merchants.push([merchantId, `Store ${i}`, newId('prg', 16), nowIso]);
    memberships.push([userId, merchantId, 'owner', nowIso]);
    const row: Record<string, unknown> = { merchantId, ...DEFAULT_SETTINGS, destinationUrl: `https://store${i}.example.com/`, updatedAt: nowIso };
    settings.push(SETTINGS_COLUMNS.map((k) => row[k]));
    connections.push([newId('scn'), merchantId, account, account, merchantId, 0, 'read_write', nowIso, userId, null, null, null]);
    const codes: string[] = [];
    for (let j = 0; j < PARTNERS_PER_MERCHANT; j++) {
      const code = `s${i}-partner-${j}`;
      codes.push(code);
      partners.push([newId('aff'), merchantId, `Partner ${j}`, `p${j}@store${i}.test`, code, 'active', null, null, null, null, nowIso, nowIso, nowIso]);
    }
    world.accounts.push({ account, merchantId, codes });
  }
  await bulkInsert(db, USERS, users);
  await bulkInsert(db, MERCHANTS, merchants);
  await bulkInsert(db, MEMBERSHIPS, memberships);
  await bulkInsert(db, SETTINGS, settings);
  await bulkInsert(db, CONNECTIONS, connections);
  await bulkInsert(db, PARTNERS, partners);
  return world;
}

export type EventKind = 'renewal' | 'session' | 'first_invoice';

/**
 * Event `i` of a series (`nonce` keeps series apart). Deterministic in (kind, nonce, i), so a replay
 * re-sends exactly what was stored.
 * - renewal: `invoice.paid` of a subscription renewal whose snapshot metadata carries the referral
 *   (the first one of each subscriber binds the customer, later ones follow the binding).
 * - session: a paid one-off Checkout Session with its referral in `client_reference_id`: everything
 *   the handler needs is in the payload.
 * - first_invoice: the first `invoice.paid` of a new subscriber with no referral in the invoice: the
 *   handler finds it on the subscription's Checkout Session, one call to the (fake) Stripe API.
 */
export function benchEvent(world: WebhookWorld, kind: EventKind, nonce: string, i: number, createdS: number): Stripe.Event {
  const a = world.accounts[i % ACCOUNTS]!;
  const code = a.codes[Math.floor(i / ACCOUNTS) % PARTNERS_PER_MERCHANT]!;
  const opts = { account: a.account, livemode: false, created: createdS, id: `evt_b${nonce}x${i}` };
  if (kind === 'session') {
    return build.event(
      'checkout.session.completed',
      build.checkoutSession({ id: `cs_test_b${nonce}x${i}`, created: createdS, client_reference_id: code, payment_intent: `pi_b${nonce}x${i}`, amount_subtotal: 4900, amount_total: 4900 }),
      opts,
    );
  }
  const subscriber = kind === 'renewal' ? `${a.account.slice(5)}s${Math.floor(i / ACCOUNTS) % SUBSCRIBERS}` : `${nonce}x${i}`;
  const invoice = build.invoice({
    id: `in_b${nonce}x${i}`,
    created: createdS,
    customer: `cus_${subscriber}`,
    customer_email: `${subscriber}@buyers.example`,
    subscription: `sub_${subscriber}`,
    subscriptionMetadata: kind === 'renewal' ? { referral: code } : {},
    billing_reason: kind === 'renewal' ? 'subscription_cycle' : 'subscription_create',
    amount_due: 2900,
    amount_paid: 2900,
    subtotal: 2900,
    subtotal_excluding_tax: 2900,
    total: 2900,
    total_excluding_tax: 2900,
  });
  return build.event('invoice.paid', invoice, opts);
}

/** What the fake Stripe must know for `first_invoice` events: each new subscription's Checkout Session. */
export function putSessionsFor(fake: FakeStripe, world: WebhookWorld, nonce: string, count: number, createdS: number): void {
  for (let i = 0; i < count; i++) {
    const a = world.accounts[i % ACCOUNTS]!;
    const code = a.codes[Math.floor(i / ACCOUNTS) % PARTNERS_PER_MERCHANT]!;
    const subscriber = `${nonce}x${i}`;
    fake.put(
      a.account,
      build.checkoutSession({ mode: 'subscription', created: createdS, subscription: `sub_${subscriber}`, customer: `cus_${subscriber}`, client_reference_id: code, payment_intent: null, invoice: `in_b${nonce}x${i}` }),
    );
  }
}
