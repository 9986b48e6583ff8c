import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import { nextAttemptAt } from './backoff';
import { SIGNATURE_HEADER, signatureHeader } from './signature';
import * as store from './store';

export interface DeliverOptions {
  /** Per-attempt timeout; a timeout counts as a failed attempt. */
  timeoutMs: number;
  batch: number;
}

/** A claim outlives the longest attempt, so a live worker never loses its delivery to another. */
const leaseMs = (o: DeliverOptions) => o.timeoutMs + 50_000;
const EXCERPT_CHARS = 300;

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
  try {
    const res = await fetch(d.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Refcut-Webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(d.secret, Math.floor(sentAt.getTime() / 1000), body),
        'Refcut-Delivery-Id': d.id,
        'Refcut-Event-Id': d.eventId,
        'Refcut-Event-Type': d.type,
      },
      body,
      // A redirect is not a delivery: the merchant should register the final URL.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    responseStatus = res.status;
    const excerpt = await readExcerpt(res);
    if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}${excerpt ? `: ${excerpt}` : ''}`;
  } catch (err) {
    const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    error = e.name === 'TimeoutError' ? `Timed out after ${options.timeoutMs / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message ?? 'Network error');
  }
  const attempts = d.attempts + 1;
  const now = clock.now();
  const next = error === null ? null : nextAttemptAt(attempts, now, new Date(d.retryUntil));
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

/** The start of a response body, for the deliveries page; never reads more than a few kilobytes. */
async function readExcerpt(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    /* a body cut short is still an answer: keep what arrived */
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  return text.slice(0, EXCERPT_CHARS).replace(/\s+/g, ' ').trim();
}
