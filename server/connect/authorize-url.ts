/**
 * The browser's Stripe Connect authorize URL. Built here rather than with `stripe.oauth.authorizeUrl()`,
 * which hard-codes `https://` and drops the port of a custom host (STRIPE.md §1), so it cannot point
 * at STRIPE_CONNECT_BASE in tests or at a local fake.
 */
export function authorizeUrl(
  connectBase: string,
  p: { clientId: string; state: string; redirectUri: string; email: string; businessName: string; url?: string | null },
): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: p.clientId,
    scope: 'read_write',
    state: p.state,
    redirect_uri: p.redirectUri,
    'stripe_user[email]': p.email,
    'stripe_user[business_name]': p.businessName,
  });
  // Stripe silently drops invalid prefill values, so only a real http(s) URL is worth sending.
  if (p.url && /^https?:\/\//.test(p.url)) q.set('stripe_user[url]', p.url);
  return `${connectBase}/oauth/authorize?${q.toString()}`;
}
