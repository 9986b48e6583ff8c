// The one place a portal sign-in link leaves the server: an email through the notifications module,
// sent at once by SMTP when configured, else logged and shown on the merchant's Outbox page (so
// development works offline). Marked secret, so the stored body is emptied once SMTP delivered it.
import type { AppContext } from '../deps';
import { notify } from '../notifications/service';

export interface SignInLinkMessage {
  merchantId: string;
  livemode: boolean;
  /** The token's row id (ptk_…): with the recipient, the email's idempotency key. */
  tokenId: string;
  to: string;
  partnerName: string;
  programName: string;
  url: string;
  expiresAt: string;
}

export type SendSignInLink = (m: SignInLinkMessage) => Promise<void>;

export function signInLinkSender(ctx: Pick<AppContext, 'db' | 'clock' | 'config' | 'jobs'>): SendSignInLink {
  return async (m) => {
    await notify(ctx, {
      merchantId: m.merchantId,
      livemode: m.livemode,
      kind: 'portal_login',
      sourceId: m.tokenId,
      to: m.to,
      subject: `${m.livemode ? '' : '[Test] '}Your sign-in link to the ${m.programName} partner portal`,
      text:
        `Hi ${m.partnerName},\n\nsign in to the ${m.programName} partner portal with this link:\n\n${m.url}\n\n` +
        `It works once, until ${m.expiresAt.slice(0, 16).replace('T', ' ')} UTC. If you did not ask for it, ignore this email: nobody can sign in without the link.\n\n--\n${m.programName}'s partner program, run with Refcut.`,
      secret: true,
    });
  };
}
