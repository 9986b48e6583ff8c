import Stripe from 'stripe';
import type { DB } from '../../db';
import type { AppDeps } from '../deps';
import { AppError } from '../http/errors';
import { newId, randomToken, safeEqual, sha256 } from '../lib/ids';
import { audit } from '../audit';
import { isUniqueViolation } from '../accounts/service';
import { authorizeUrl } from './authorize-url';
import * as store from './store';
import { queueBackfill } from '../attribution/backfill';

export type ConnectDeps = Pick<AppDeps, 'clock' | 'stripe' | 'config' | 'logger'> & { db: DB };

/** How long a merchant has to come back from Stripe's authorize page. */
export const STATE_TTL_MS = 10 * 60_000;

export interface OAuthUser {
  merchantId: string;
  userId: string;
  /** The session the flow started in: a state from another browser or an older session is refused. */
  sessionId: string;
}

export const redirectUri = (deps: Pick<ConnectDeps, 'config'>) => `${deps.config.publicUrl}/connect/stripe/callback`;

/** Create a single-use state (only its hash is kept) and return the Stripe authorize URL to send the browser to. */
export async function startOAuth(
  deps: ConnectDeps,
  who: OAuthUser & { email: string; businessName: string; websiteUrl?: string | null },
): Promise<string> {
  const now = deps.clock.now();
  const state = randomToken(32);
  await store.deleteOauthStatesBefore(deps.db, new Date(now.getTime() - 86_400_000).toISOString());
  await store.insertOauthState(deps.db, {
    stateHash: sha256(state),
    merchantId: who.merchantId,
    userId: who.userId,
    sessionHash: sha256(who.sessionId),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + STATE_TTL_MS).toISOString(),
    usedAt: null,
  });
  return authorizeUrl(deps.config.stripe.connectBase, {
    clientId: deps.config.stripe.clientId,
    state,
    redirectUri: redirectUri(deps),
    email: who.email,
    businessName: who.businessName,
    url: who.websiteUrl,
  });
}

const badState = () =>
  new AppError(400, 'oauth_state_invalid', 'This Stripe connection link is invalid, expired or was already used. Start again from the Stripe page.', 'state');

/** Check and use up the callback's state. Runs before anything is sent to Stripe. */
export async function consumeState(deps: Pick<ConnectDeps, 'db' | 'clock'>, state: string | undefined, who: OAuthUser): Promise<void> {
  if (!state) throw badState();
  const hash = sha256(state);
  const row = await store.findOauthState(deps.db, hash);
  if (!row || row.merchantId !== who.merchantId || row.userId !== who.userId || !safeEqual(row.sessionHash, sha256(who.sessionId))) throw badState();
  if (!(await store.consumeOauthState(deps.db, hash, deps.clock.now().toISOString()))) throw badState();
}

/**
 * Exchange the authorization code once and record the connection. Only the account id, mode and scope
 * are kept: every later call uses the platform key with `stripeAccount`, so the access token is dropped.
 */
export async function finishOAuth(deps: ConnectDeps, who: OAuthUser, code: string): Promise<store.StripeConnection> {
  let token: Stripe.OAuthToken;
  try {
    token = await deps.stripe.oauth.token({ grant_type: 'authorization_code', code });
  } catch (err) {
    if (err instanceof Stripe.errors.StripeOAuthError) {
      throw new AppError(400, 'stripe_error', `Stripe did not accept the authorization (${err.message}). Please connect again.`);
    }
    deps.logger.error({ err, merchantId: who.merchantId }, 'stripe oauth token exchange failed');
    throw new AppError(502, 'stripe_error', 'Stripe could not be reached to finish connecting. Please try again.');
  }
  const accountId = token.stripe_user_id;
  if (!accountId) throw new AppError(502, 'stripe_error', 'Stripe did not say which account was connected. Please try again.');
  const now = deps.clock.now();
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const owner = await store.findActiveConnectionByAccount(trx, accountId);
      if (owner && owner.merchantId === who.merchantId) return owner;
      if (owner) throw accountTaken();
      const current = await store.findActiveConnection(trx, who.merchantId);
      if (current) {
        throw new AppError(409, 'conflict', `Stripe account ${current.accountId} is already connected. Disconnect it before connecting another.`);
      }
      const row: store.StripeConnection = {
        id: newId('scn'),
        merchantId: who.merchantId,
        accountId,
        activeAccountId: accountId,
        activeMerchantId: who.merchantId,
        livemode: token.livemode ? 1 : 0,
        scope: token.scope ?? 'read_write',
        connectedAt: now.toISOString(),
        connectedBy: who.userId,
        disconnectedAt: null,
        disconnectedBy: null,
        disconnectReason: null,
      };
      await store.insertConnection(trx, row);
      await audit(trx, { merchantId: who.merchantId, actor: who.userId, action: 'stripe.connected', subjectType: 'stripe_account', subjectId: accountId, after: { livemode: token.livemode, scope: row.scope }, at: now });
      // Bind customers referred before connecting (their subscriptions carry the referral): a background job.
      await queueBackfill(trx, deps.clock, { merchantId: who.merchantId, accountId, livemode: row.livemode, requestedBy: who.userId });
      return row;
    });
  } catch (err) {
    // Two merchants finishing at the same moment: the UNIQUE index on active_account_id decides.
    if (isUniqueViolation(err)) throw accountTaken();
    throw err;
  }
}

const accountTaken = () =>
  new AppError(409, 'stripe_account_taken', 'This Stripe account is already connected to another Refcut program. Disconnect it there first, or connect a different account.');

/** Stripe answers invalid_client "…is not connected to stripe account…" when the grant is already gone. */
const alreadyDisconnected = (err: unknown) => err instanceof Stripe.errors.StripeInvalidClientError && /not connected/i.test(err.message);

/** Revoke our access at Stripe, then mark the connection disconnected (history is kept). */
export async function disconnect(deps: ConnectDeps, merchantId: string, userId: string): Promise<store.StripeConnection> {
  const conn = await store.findActiveConnection(deps.db, merchantId);
  if (!conn) throw new AppError(409, 'stripe_not_connected', 'Stripe is not connected.');
  try {
    await deps.stripe.oauth.deauthorize({ client_id: deps.config.stripe.clientId, stripe_user_id: conn.accountId });
  } catch (err) {
    if (!alreadyDisconnected(err)) {
      deps.logger.error({ err, merchantId, accountId: conn.accountId }, 'stripe deauthorize failed');
      throw new AppError(502, 'stripe_error', 'Stripe did not confirm the disconnect, so the account is still connected. Please try again.');
    }
  }
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    if (await store.markDisconnected(trx, conn.id, { at: now.toISOString(), by: userId, reason: 'merchant' })) {
      await audit(trx, { merchantId, actor: userId, action: 'stripe.disconnected', subjectType: 'stripe_account', subjectId: conn.accountId, before: { livemode: conn.livemode === 1 }, after: { reason: 'merchant' }, at: now });
    }
  });
  return conn;
}
