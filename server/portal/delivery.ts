// The one place a portal sign-in link leaves the server. There is no email transport in Refcut yet
// (SMTP settings arrive with notifications): until then the link is logged, so development works
// offline, and merchants hand out portal links from the partner page or the API instead.
import type { Logger } from '../lib/logger';

export interface SignInLinkMessage {
  to: string;
  partnerName: string;
  programName: string;
  url: string;
  expiresAt: string;
}

/** Deliver a magic link to a partner. Replace the body with the notifications module's email call when it exists. */
export async function deliverSignInLink(deps: { logger: Logger }, m: SignInLinkMessage): Promise<void> {
  deps.logger.warn({ portalSignInLink: { to: m.to, program: m.programName, url: m.url, expiresAt: m.expiresAt } }, 'partner portal sign-in link (no email transport configured: logged instead of sent)');
}
