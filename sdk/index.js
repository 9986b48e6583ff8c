'use strict';
// Refcut server-side helper: dependency-free, works as Express/Connect middleware or with plain node:http.
// Why: browsers cap cookies written by scripts (Safari keeps them 7 days), which silently shortens a
// 60-day referral window. A cookie your own server sets in an HTTP response is not capped that way,
// so this middleware (re)issues the referral cookie from your backend. See docs/tracking.md.

const REFERRAL_COOKIE = 'refcut_ref';
const EXPIRY_COOKIE = 'refcut_exp';
const CLICK_ID = /^clk_[A-Za-z0-9]{8,64}$/;

/** Cookie header → { name: value } (first occurrence wins, as browsers send the most specific first). */
function parseCookies(header) {
  const out = {};
  for (const part of String(header || '').split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!(name in out)) {
      try {
        out[name] = decodeURIComponent(part.slice(eq + 1).trim());
      } catch (e) {
        out[name] = part.slice(eq + 1).trim();
      }
    }
  }
  return out;
}

/** The click id stored for this visitor, or null: read it when you create a Checkout Session. */
function readReferral(cookieHeader) {
  const v = parseCookies(cookieHeader)[REFERRAL_COOKIE];
  return v && CLICK_ID.test(v) ? v : null;
}

function serialize(name, value, expiresAtSeconds, nowMs, opts) {
  const maxAge = Math.max(0, expiresAtSeconds - Math.floor(nowMs / 1000));
  let c = `${name}=${encodeURIComponent(value)}; Max-Age=${maxAge}; Expires=${new Date(expiresAtSeconds * 1000).toUTCString()}; Path=/; SameSite=Lax`;
  if (opts.domain) c += `; Domain=${opts.domain}`;
  if (opts.secure) c += '; Secure';
  return c;
}

function appendSetCookie(res, cookies) {
  const prev = res.getHeader('Set-Cookie');
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev : [String(prev)];
  res.setHeader('Set-Cookie', list.concat(cookies));
}

/**
 * Middleware: on a landing with `?referral=clk_…` it sets the referral cookie for `cookieDays`
 * (first click keeps an existing one when `attributionModel` is 'first_click'); on later requests it
 * re-issues a cookie the snippet wrote, with the same expiry, as an HTTP cookie. Not HttpOnly: the
 * snippet on your pages reads the same cookie. Sets `req.refcutReferral` (click id or null).
 */
function refcutReferral(options) {
  const o = Object.assign({ cookieDays: 60, attributionModel: 'last_click', domain: undefined, secure: undefined, now: Date.now }, options || {});
  if (!(o.cookieDays >= 1 && o.cookieDays <= 365)) throw new Error('refcutReferral: cookieDays must be between 1 and 365 (use your program setting).');
  return function refcutReferralMiddleware(req, res, next) {
    const nowMs = o.now();
    const cookies = parseCookies(req.headers && req.headers.cookie);
    const current = cookies[REFERRAL_COOKIE] && CLICK_ID.test(cookies[REFERRAL_COOKIE]) ? cookies[REFERRAL_COOKIE] : null;
    const expiry = Number(cookies[EXPIRY_COOKIE]);
    let fromQuery = null;
    try {
      fromQuery = new URL(req.originalUrl || req.url || '/', 'http://localhost').searchParams.get('referral');
    } catch (e) {
      fromQuery = null;
    }
    const secure = o.secure !== undefined ? o.secure : Boolean(req.secure || (req.headers && req.headers['x-forwarded-proto'] === 'https'));
    const opts = { domain: o.domain, secure };
    let referral = current;
    if (fromQuery && CLICK_ID.test(fromQuery) && (o.attributionModel !== 'first_click' || !current) && fromQuery !== current) {
      const expiresAt = Math.floor(nowMs / 1000) + o.cookieDays * 86400;
      appendSetCookie(res, [serialize(REFERRAL_COOKIE, fromQuery, expiresAt, nowMs, opts), serialize(EXPIRY_COOKIE, String(expiresAt), expiresAt, nowMs, opts)]);
      referral = fromQuery;
    } else if (current && Number.isFinite(expiry) && expiry * 1000 > nowMs) {
      appendSetCookie(res, [serialize(REFERRAL_COOKIE, current, expiry, nowMs, opts), serialize(EXPIRY_COOKIE, String(expiry), expiry, nowMs, opts)]);
    }
    req.refcutReferral = referral;
    if (res.locals) res.locals.refcutReferral = referral;
    if (typeof next === 'function') next();
  };
}

/**
 * Fields to spread into `stripe.checkout.sessions.create({...})` so the sale and every renewal stay
 * attributed: client_reference_id and metadata.referral always; subscription_data.metadata for
 * subscriptions (renewal invoices carry it); payment_intent_data.metadata for one-off payments
 * (refunds and disputes can be traced). Empty when there is no referral.
 */
function checkoutParams(referral, mode) {
  if (!referral) return {};
  const out = { client_reference_id: referral, metadata: { referral } };
  if (mode === 'subscription') out.subscription_data = { metadata: { referral } };
  if (mode === 'payment') out.payment_intent_data = { metadata: { referral } };
  return out;
}

module.exports = { refcutReferral, readReferral, checkoutParams, parseCookies, REFERRAL_COOKIE, EXPIRY_COOKIE };
