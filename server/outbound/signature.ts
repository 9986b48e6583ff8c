import crypto from 'node:crypto';
import { randomToken } from '../lib/ids';

export const SIGNATURE_HEADER = 'Refcut-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the timestamp is signed too, so an old delivery cannot be replayed later. */
export function signatureHeader(secret: string, unixSeconds: number, body: string): string {
  const v1 = crypto.createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

/** A new endpoint signing secret (about 190 bits). */
export const newSigningSecret = (): string => `whsec_${randomToken(32)}`;
