import type { Request } from 'express';
import type { ApiAuth } from '../auth';
import type { ApiCaller } from '../../commissions/api-sales';
import { newId } from '../../lib/ids';

/** The ledger's view of an API request: the key's merchant and mode, and the request as the cause of rows it writes. */
export function callerOf(api: ApiAuth, req: Request): ApiCaller {
  // pino-http gives every request an id (also in X-Request-Id and the logs), so a ledger row leads to its request.
  const requestId = (req as Request & { id?: unknown }).id;
  return { merchantId: api.merchantId, livemode: api.livemode ? 1 : 0, causeId: `${api.keyId}/${requestId === undefined ? newId('req') : String(requestId)}` };
}

export const modeOf = (api: ApiAuth): number => (api.livemode ? 1 : 0);
