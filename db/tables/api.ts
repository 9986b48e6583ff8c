// Tables for API keys, idempotency records, outbound webhook endpoints and deliveries. Columns camelCase here, snake_case in SQL.
import type { Selectable } from 'kysely';

export type ApiMode = 'live' | 'test';

export interface ApiKeysTable {
  id: string; // key_…
  merchantId: string;
  name: string;
  mode: ApiMode;
  /** SHA-256 (hex) of the whole key; the key itself is shown once and never stored. */
  keyHash: string;
  /** The key's last four characters, so people can tell their keys apart. */
  lastFour: string;
  createdBy: string; // usr_…
  createdAt: string;
  /** Refreshed at most once a minute per key, so a busy key does not cost a write per request. */
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

export type IdempotencyState = 'in_flight' | 'done';

export interface IdempotencyKeysTable {
  id: string; // idk_…
  apiKeyId: string;
  merchantId: string;
  /** The client's Idempotency-Key header, unique per API key. */
  idempotencyKey: string;
  /** SHA-256 of method, path and canonical JSON body: a different request under the same key is refused. */
  requestHash: string;
  state: IdempotencyState;
  /** While in flight: when another process may take over a request whose process died. */
  lockedUntil: string | null;
  responseStatus: number | null;
  responseBody: string | null; // JSON
  createdAt: string;
  expiresAt: string;
}

export interface WebhookEndpointsTable {
  id: string; // we_…
  merchantId: string;
  url: string;
  /** JSON array of OutboundEventType. */
  events: string;
  livemode: number; // 0 | 1
  /** The signing secret (whsec_…): kept in the clear because signing needs it (a hash cannot sign). */
  secret: string;
  enabled: number; // 0 | 1
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'canceled';

export interface WebhookDeliveriesTable {
  id: string; // whd_…
  merchantId: string;
  endpointId: string;
  eventId: string; // evt_… in outbox_events
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: string | null;
  /** Claim lease: a worker owns the delivery until then; a crashed worker's claim simply expires. */
  lockedUntil: string | null;
  /** Retries stop after this instant (a day after creation or after a manual resend). */
  retryUntil: string;
  lastAttemptAt: string | null;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Marks an outbox event as fanned out into deliveries (one row per event). */
export interface OutboxFanoutsTable {
  eventId: string;
  deliveries: number;
  createdAt: string;
}

export interface ApiTables {
  apiKeys: ApiKeysTable;
  idempotencyKeys: IdempotencyKeysTable;
  webhookEndpoints: WebhookEndpointsTable;
  webhookDeliveries: WebhookDeliveriesTable;
  outboxFanouts: OutboxFanoutsTable;
}

export type ApiKey = Selectable<ApiKeysTable>;
export type IdempotencyRecord = Selectable<IdempotencyKeysTable>;
export type WebhookEndpoint = Selectable<WebhookEndpointsTable>;
export type WebhookDelivery = Selectable<WebhookDeliveriesTable>;
