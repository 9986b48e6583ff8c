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
import { ApplicationApprovedData, ApplicationRejectedData, CommissionCreatedData, PayoutPaidData } from './schema';
import type { Mailer } from './mailer';
import * as messages from './messages';
import * as store from './store';

/** Sources older than this are never mailed about (a first start on an old database sends nothing stale). */
const SCAN_WINDOW_MS = 3 * 86_400_000;
const BATCH = 100;
const SEND_BATCH = 20;
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

type EventRow = Awaited<ReturnType<typeof store.unscannedEvents>>[number];

async function emailsForEvent(trx: DB, config: Config, logger: Logger, e: EventRow): Promise<messages.Email[]> {
  const toggles = await store.getToggles(trx, e.merchantId);
  const program = await store.programOf(trx, e.merchantId);
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

async function emailsForApplication(trx: DB, config: Config, a: Application): Promise<messages.Email[]> {
  const toggles = await store.getToggles(trx, a.merchantId);
  if (!toggles.merchantApplicationReceived) return [];
  const program = await store.programOf(trx, a.merchantId);
  const p: messages.Program = { name: program.name, publicId: program.publicId, publicUrl: config.publicUrl, livemode: true };
  return (await store.deciders(trx, a.merchantId)).map((u) => messages.applicationReceived(p, a, u.email));
}

/** Look at new sources once each; returns how many it looked at (the job runs again while > 0). */
export async function scan(db: DB, clock: Clock, config: Config, logger: Logger): Promise<number> {
  const now = clock.now();
  const since = new Date(now.getTime() - SCAN_WINDOW_MS).toISOString();
  const [events, applications] = await Promise.all([store.unscannedEvents(db, NOTIFIED_EVENTS, since, BATCH), store.unscannedApplications(db, since, BATCH)]);
  const sources: { id: string; merchantId: string; livemode: boolean; emails: (trx: DB) => Promise<messages.Email[]> }[] = [
    ...events.map((e) => ({ id: e.id, merchantId: e.merchantId, livemode: e.livemode === 1, emails: (trx: DB) => emailsForEvent(trx, config, logger, e) })),
    ...applications.map((a) => ({ id: a.id, merchantId: a.merchantId, livemode: true, emails: (trx: DB) => emailsForApplication(trx, config, a) })),
  ];
  for (const s of sources) {
    const nowIso = clock.now().toISOString();
    await db.transaction().execute(async (trx) => {
      if (!(await store.markScanned(trx, s.id, s.merchantId, nowIso))) return;
      const emails = await s.emails(trx);
      await store.insertNotifications(
        trx,
        emails.map((m) => row({ merchantId: s.merchantId, livemode: s.livemode, kind: m.kind, sourceId: s.id, to: m.to, subject: m.subject, text: m.text }, nowIso)),
      );
    });
  }
  return sources.length;
}

/** Deliver the emails that are due; returns how many it attempted. */
export async function deliverDue(db: DB, clock: Clock, mailer: Mailer, logger: Logger): Promise<number> {
  const nowIso = clock.now().toISOString();
  const due = await store.dueIds(db, nowIso, SEND_BATCH);
  let attempted = 0;
  for (const { id } of due) {
    const n = await store.claim(db, id, nowIso, new Date(clock.now().getTime() + LOCK_MS).toISOString());
    if (!n) continue;
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
