import type { LookupFunction } from 'node:net';
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import { nextAttemptAt } from './backoff';
import { destinationLookup, PrivateDestinationError } from './destination';
import { postOnce } from './post';
import { SIGNATURE_HEADER, signatureHeader } from './signature';
import * as store from './store';

export interface DeliverOptions {
  /** Per-attempt timeout; a timeout counts as a failed attempt. */
  timeoutMs: number;
  batch: number;
  /** Whether deliveries may reach loopback, private and other internal addresses (OUTBOUND_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** How host names are resolved (tests pass a fake); the system resolver by default. */
  resolve?: LookupFunction;
}

/** Shown on the deliveries page; deliberately the same for every refused address, so it reveals no more than that. */
export const PRIVATE_DESTINATION_ERROR = 'Refused: destination resolves to a private address';

/** A claim outlives the longest attempt, so a live worker never loses its delivery to another. */
const leaseMs = (o: DeliverOptions) => o.timeoutMs + 50_000;

/** The exact JSON a merchant's endpoint receives. */
export function deliveryBody(e: { eventId: string; type: string; createdAt: string; livemode: number; data: string }): string {
  return JSON.stringify({ id: e.eventId, type: e.type, createdAt: new Date(e.createdAt).toISOString(), livemode: e.livemode === 1, data: JSON.parse(e.data) as unknown });
}

/** Claim the deliveries that are due and send them; returns how many were attempted. */
export async function deliverDue(db: DB, clock: Clock, logger: Logger, options: DeliverOptions): Promise<number> {
  const nowIso = clock.now().toISOString();
  const due = await store.dueDeliveryIds(db, nowIso, options.batch);
  const lease = new Date(clock.now().getTime() + leaseMs(options)).toISOString();
  const claimed: string[] = [];
  for (const { id } of due) if (await store.claimDelivery(db, id, nowIso, lease)) claimed.push(id);
  await Promise.all(claimed.map((id) => attempt(db, clock, logger, options, id, lease)));
  return claimed.length;
}

async function attempt(db: DB, clock: Clock, logger: Logger, options: DeliverOptions, id: string, lease: string): Promise<void> {
  const d = await store.deliveryToSend(db, id);
  if (!d || d.lockedUntil !== lease) return;
  const body = deliveryBody({ ...d, createdAt: d.eventCreatedAt });
  const sentAt = clock.now();
  let responseStatus: number | null = null;
  let error: string | null = null;
  let refused = false;
  try {
    const url = new URL(d.url);
    const res = await postOnce(url, {
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Refcut-Webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(d.secret, Math.floor(sentAt.getTime() / 1000), body),
        'Refcut-Delivery-Id': d.id,
        'Refcut-Event-Id': d.eventId,
        'Refcut-Event-Type': d.type,
      },
      body,
      timeoutMs: options.timeoutMs,
      // Checked again on every attempt: the URL may predate the policy, and DNS answers change.
      lookup: destinationLookup(url, options),
    });
    responseStatus = res.status;
    // A redirect is not a delivery (and is never followed): the merchant should register the final URL.
    if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}${res.excerpt ? `: ${res.excerpt}` : ''}`;
  } catch (err) {
    const e = err as { name?: string; message?: string; code?: string };
    refused = err instanceof PrivateDestinationError;
    error = refused ? PRIVATE_DESTINATION_ERROR : e.name === 'TimeoutError' ? `Timed out after ${options.timeoutMs / 1000} s` : (e.code ?? e.message ?? 'Network error');
  }
  const attempts = d.attempts + 1;
  const now = clock.now();
  // A refused destination stays refused until its DNS or the operator's policy changes: fail now, Resend later.
  const next = error === null || refused ? null : nextAttemptAt(attempts, now, new Date(d.retryUntil));
  await store.recordAttempt(db, id, lease, {
    status: error === null ? 'succeeded' : next === null ? 'failed' : 'pending',
    attempts,
    nextAttemptAt: next?.toISOString() ?? null,
    lastAttemptAt: sentAt.toISOString(),
    responseStatus,
    lastError: error,
    updatedAt: now.toISOString(),
  });
  logger.info({ deliveryId: id, eventId: d.eventId, type: d.type, responseStatus, attempts, ok: error === null, error }, 'webhook delivery attempted');
}
