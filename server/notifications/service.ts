// Email notifications. A scan turns new outbox events (application decided, commission created, payout
// paid) and new applications into emails, as its own job after the fact: the ledger and the partner
// services know nothing of email, and a mail server that is down never breaks a sale. Sending is a second
// job with retries. Both are safe in several processes (unique keys, conditional claims).
import type { Insertable } from 'kysely';
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import type { Config } from '../config';
import type { AppContext } from '../deps';
import type { Logger } from '../lib/logger';
import type { NotificationKind, NotificationsTable } from '../../db/tables/dashboard';
import type { Application } from '../../db/tables/partners';
import { z } from 'zod';
import { newId } from '../lib/ids';
import { backgroundTurn } from '../lib/turns';
import { ApplicationApprovedData, ApplicationRejectedData, CommissionCreatedData, PayoutPaidData } from './schema';
import type { Mailer } from './mailer';
import * as messages from './messages';
import * as store from './store';

/** Sources older than this are never mailed about (a first start on an old database sends nothing stale). */
const SCAN_WINDOW_MS = 3 * 86_400_000;
/**
 * Sources one scan looks at: one transaction, which on SQLite holds the event loop, about 0.5 ms a source
 * (100 held it for up to 90 ms; 25 for 8-15 ms, the longest steps of the paced webhook benchmark after
 * the WAL restarts: docs/performance.md, section 2).
 */
export const SCAN_BATCH = 8;
export const SEND_BATCH = 20;
const LOCK_MS = 2 * 60_000;
const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

export const NOTIFIED_EVENTS = ['partner_application.approved', 'partner_application.rejected', 'commission.created', 'payout.paid'];

export interface Outgoing {
  merchantId: string;
  livemode: boolean;
  kind: NotificationKind;
  /** What the email is about; with the kind and recipient, its idempotency key. */
  sourceId: string;
  to: string;
  subject: string;
  text: string;
  /** The body holds a credential (a sign-in link): emptied once delivered by SMTP. */
  secret?: boolean;
}

const row = (o: Outgoing, nowIso: string): Insertable<NotificationsTable> => ({
  id: newId('ntf'),
  merchantId: o.merchantId,
  livemode: o.livemode ? 1 : 0,
  kind: o.kind,
  sourceId: o.sourceId,
  recipient: o.to.toLowerCase(),
  subject: o.subject,
  body: o.text,
  secret: o.secret ? 1 : 0,
  status: 'pending',
  attempts: 0,
  lastError: null,
  nextAttemptAt: null,
  lockedUntil: null,
  createdAt: nowIso,
  sentAt: null,
});

export const SCAN_JOB = 'notifications.scan';
export const SEND_JOB = 'notifications.send';

/** Queue one email (in the caller's transaction if given); the send job delivers it. A repeat is a no-op. */
export async function queueEmail(db: DB, clock: Clock, o: Outgoing): Promise<void> {
  await store.insertNotifications(db, [row(o, clock.now().toISOString())]);
}

/**
 * Queue an email and have it sent at once, outside any transaction (a sign-in link, say). Returns how it
 * will travel: 'log' means no SMTP is configured, so the caller may show the message to the merchant.
 */
export async function notify(ctx: Pick<AppContext, 'db' | 'clock' | 'config' | 'jobs'>, o: Outgoing): Promise<{ delivery: 'smtp' | 'log' }> {
  await queueEmail(ctx.db.kysely, ctx.clock, o);
  ctx.jobs.kick(SEND_JOB);
  return { delivery: ctx.config.mail.smtpUrl ? 'smtp' : 'log' };
}

type EventRow = Awaited<ReturnType<typeof store.pendingEvents>>[number];

/** A merchant's switches and program, read once per scan pass however many of its sources the pass holds. */
function merchantReader(trx: DB) {
  const toggles = new Map<string, Promise<store.Toggles>>();
  const programs = new Map<string, ReturnType<typeof store.programOf>>();
  const once = <T>(cache: Map<string, T>, key: string, read: () => T): T => {
    if (!cache.has(key)) cache.set(key, read());
    return cache.get(key)!;
  };
  return {
    toggles: (merchantId: string) => once(toggles, merchantId, () => store.getToggles(trx, merchantId)),
    program: (merchantId: string) => once(programs, merchantId, () => store.programOf(trx, merchantId)),
  };
}
type MerchantReader = ReturnType<typeof merchantReader>;

async function emailsForEvent(trx: DB, merchants: MerchantReader, config: Config, logger: Logger, e: EventRow): Promise<messages.Email[]> {
  const toggles = await merchants.toggles(e.merchantId);
  const program = await merchants.program(e.merchantId);
  const p: messages.Program = { name: program.name, publicId: program.publicId, publicUrl: config.publicUrl, livemode: e.livemode === 1 };
  let data: unknown;
  try {
    data = JSON.parse(e.data);
  } catch {
    data = undefined;
  }
  const shaped = <S extends z.ZodType>(schema: S): z.infer<S> | undefined => {
    const r = schema.safeParse(data);
    if (!r.success) logger.warn({ eventId: e.id, type: e.type }, 'outbox event without the fields notifications need: no email');
    return r.success ? r.data : undefined;
  };
  switch (e.type) {
    case 'partner_application.approved': {
      const d = toggles.partnerApplicationDecided ? shaped(ApplicationApprovedData) : undefined;
      if (!d) return [];
      const link = await store.defaultLinkOf(trx, e.merchantId, d.affiliate.id);
      return [messages.applicationApproved(p, d.application, d.affiliate.code, link?.slug ?? d.affiliate.code)];
    }
    case 'partner_application.rejected': {
      const d = toggles.partnerApplicationDecided ? shaped(ApplicationRejectedData) : undefined;
      return d ? [messages.applicationRejected(p, d.application)] : [];
    }
    case 'commission.created': {
      const c = toggles.partnerCommissionEarned ? shaped(CommissionCreatedData)?.commission : undefined;
      // Only money the partner can expect: not reversals, rejected credits (outside the duration, not earning) or zero.
      if (!c || c.kind !== 'credit' || c.status === 'rejected' || !(c.netCommission > 0)) return [];
      const partner = await store.partnerOf(trx, e.merchantId, c.affiliateId);
      return partner ? [messages.commissionEarned(p, partner, c, program.holdingDays)] : [];
    }
    case 'payout.paid': {
      const payout = toggles.partnerPayoutSent ? shaped(PayoutPaidData)?.payout : undefined;
      if (!payout) return [];
      const partner = await store.partnerOf(trx, e.merchantId, payout.affiliateId);
      return partner ? [messages.payoutSent(p, partner, { ...payout, externalReference: payout.externalReference ?? null })] : [];
    }
    default:
      return [];
  }
}

async function emailsForApplication(trx: DB, merchants: MerchantReader, config: Config, a: Application): Promise<messages.Email[]> {
  const toggles = await merchants.toggles(a.merchantId);
  if (!toggles.merchantApplicationReceived) return [];
  const program = await merchants.program(a.merchantId);
  const p: messages.Program = { name: program.name, publicId: program.publicId, publicUrl: config.publicUrl, livemode: true };
  return (await store.deciders(trx, a.merchantId)).map((u) => messages.applicationReceived(p, a, u.email));
}

const NOTIFIED = new Set(NOTIFIED_EVENTS);

/**
 * Look at new sources once each; returns how many it looked at (the job runs again after a full batch).
 * One transaction per pass, sources in (created, id) order: outbox rows are locked in the same order as
 * the fan-out locks them, so on PostgreSQL the two jobs queue behind each other instead of deadlocking.
 */
export async function scan(db: DB, clock: Clock, config: Config, logger: Logger): Promise<number> {
  const now = clock.now();
  const since = new Date(now.getTime() - SCAN_WINDOW_MS).toISOString();
  const [events, applications] = await Promise.all([store.pendingEvents(db, SCAN_BATCH), store.unscannedApplications(db, since, SCAN_BATCH)]);
  if (events.length === 0 && applications.length === 0) return 0;
  const nowIso = now.toISOString();
  await db.transaction().execute(async (trx) => {
    const merchants = merchantReader(trx);
    const queue = async (id: string, merchantId: string, livemode: boolean, emails: () => Promise<messages.Email[]>) => {
      // The scan row is the record and the guard against another process (or an earlier pass) mailing twice.
      if (!(await store.markScanned(trx, id, merchantId, nowIso))) return;
      const rows = (await emails()).map((m) => row({ merchantId, livemode, kind: m.kind, sourceId: id, to: m.to, subject: m.subject, text: m.text }, nowIso));
      await store.insertNotifications(trx, rows);
    };
    for (const e of events) {
      // Types nobody is mailed about, and events older than the window, only leave the pending index.
      if (NOTIFIED.has(e.type) && e.createdAt >= since) await queue(e.id, e.merchantId, e.livemode === 1, () => emailsForEvent(trx, merchants, config, logger, e));
      await store.clearNotifyPending(trx, e.id);
    }
    for (const a of applications) await queue(a.id, a.merchantId, true, () => emailsForApplication(trx, merchants, config, a));
  });
  return events.length + applications.length;
}

/** Deliver the emails that are due; returns how many it attempted. */
export async function deliverDue(db: DB, clock: Clock, mailer: Mailer, logger: Logger): Promise<number> {
  const nowIso = clock.now().toISOString();
  const lockedUntil = new Date(clock.now().getTime() + LOCK_MS);
  const claimed = await store.claimDue(db, nowIso, lockedUntil.toISOString(), SEND_BATCH);
  let attempted = 0;
  for (const [i, n] of claimed.entries()) {
    // Let requests in between emails: with SQLite (and the log transport) nothing here waits for I/O.
    if (i > 0) await backgroundTurn();
    // A slow mail server can outlast the claim of the batch's last emails: another process may have taken
    // them over, so leave them to it (or to the next pass) rather than risk sending twice; those still under
    // this claim go back to pending without the attempt counted.
    if (clock.now() >= lockedUntil) {
      await store.releaseUntried(db, claimed.slice(i).map((c) => c.id), lockedUntil.toISOString());
      break;
    }
    attempted += 1;
    try {
      await mailer.send({ id: n.id, kind: n.kind, to: n.recipient, subject: n.subject, text: n.body });
      const done = clock.now().toISOString();
      await store.finish(db, n.id, mailer.transport === 'smtp' ? { status: 'sent', sentAt: done, lastError: null, ...(n.secret ? { body: '' } : {}) } : { status: 'logged', sentAt: done, lastError: null });
    } catch (err) {
      const message = (err as Error).message?.slice(0, 500) ?? String(err);
      const last = n.attempts >= MAX_ATTEMPTS;
      logger.warn({ notificationId: n.id, kind: n.kind, attempts: n.attempts, err: message }, last ? 'email failed for good' : 'email failed: will retry');
      await store.finish(db, n.id, last ? { status: 'failed', lastError: message } : { status: 'pending', lastError: message, nextAttemptAt: new Date(clock.now().getTime() + RETRY_DELAYS_MS[n.attempts - 1]!).toISOString() });
    }
  }
  return attempted;
}
