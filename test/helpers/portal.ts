// Partner portal helpers: get a sign-in link the way a merchant or a partner would, and spend it in a
// fresh browser that then holds the partner's portal session.
import { browser, type SignedUpMerchant, type TestApp } from './app';

const LINK_IN_PAGE = /value="(http:\/\/refcut\.test\/portal\/[^"]+\/enter\?token=[0-9A-Za-z]+)"/;

/** Press "Portal link" on the partner's page as the merchant; returns the link shown once. */
export async function portalLinkFor(m: SignedUpMerchant, partnerId: string): Promise<string> {
  const res = await m.browser.submit(`/partners/${partnerId}/portal-link`, {}, `/partners/${partnerId}`);
  if (res.status !== 201) throw new Error(`portal link answered ${res.status}: ${res.text.slice(0, 300)}`);
  const url = LINK_IN_PAGE.exec(res.text)?.[1];
  if (!url) throw new Error('no portal link on the page');
  return url.replace(/&amp;/g, '&');
}

/** The path part of an absolute link of the test app. */
export const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

/** The token inside a sign-in link. */
export const tokenOf = (url: string) => new URL(url).searchParams.get('token') ?? '';

export interface SentLink {
  to: string;
  subject: string;
  url: string;
  status: string;
}

/** The magic-link emails the app queued through the notifications module (no SMTP in tests), oldest first. */
export async function sentMagicLinks(t: TestApp): Promise<SentLink[]> {
  const rows = await t.db.kysely.selectFrom('notifications').select(['recipient', 'subject', 'body', 'status', 'secret']).where('kind', '=', 'portal_login').orderBy('createdAt').orderBy('id').execute();
  return rows.map((r) => ({ to: r.recipient, subject: r.subject, url: /https?:\/\/\S+\/enter\?token=[0-9A-Za-z]+/.exec(r.body)?.[0] ?? '', status: r.status }));
}

/** Open a sign-in link in a fresh browser and press "Sign in"; returns the response of the POST and the browser. */
export async function enterWith(t: TestApp, url: string, b = browser(t)) {
  const page = await b.agent.get(pathOf(url));
  const programPath = new URL(url).pathname.replace(/\/enter$/, '');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? (await b.csrf(`${programPath}/login`));
  const res = await b.agent.post(`${programPath}/enter`).type('form').send({ token: tokenOf(url), _csrf: csrf });
  return { page, res, browser: b };
}

/** A browser signed in to the portal with the given link (throws if the link does not work). */
export async function signedInPartner(t: TestApp, url: string) {
  const { res, browser: b } = await enterWith(t, url);
  if (res.status !== 303) throw new Error(`signing in answered ${res.status}: ${res.text.slice(0, 300)}`);
  return b;
}
