// The first-party referral cookie: one name everywhere (the /r/ redirect, the snippet, the server-side helper in sdk/).

export const REFERRAL_COOKIE = 'refcut_ref';

/**
 * `Set-Cookie` value for the click id on the Refcut host. HttpOnly: no script on this host needs it
 * (the snippet runs on the merchant's domain and gets the click id from `?referral=`), so nothing
 * injected here can read it. It lets a repeat visitor be recognised on the next /r/ click.
 */
export function referralCookie(clickId: string, maxAgeSeconds: number, secure: boolean): string {
  return `${REFERRAL_COOKIE}=${clickId}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
