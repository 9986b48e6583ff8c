// Who clicked, as far as we keep it: a salted IP hash and whether the client is a bot. Pure apart from the HMAC.
import crypto from 'node:crypto';

/**
 * An IP hasher keyed by a salt derived from the session secret, so hashes are stable across processes
 * and restarts (needed to spot repeat clicks) but cannot be reversed by trying all 2^32 IPv4 addresses
 * without the secret. Raw IPs are never stored.
 */
export function ipHasher(sessionSecret: string): (ip: string | undefined) => string | null {
  const salt = crypto.createHmac('sha256', sessionSecret).update('refcut:click-ip-salt:v1').digest();
  return (ip) => (ip ? crypto.createHmac('sha256', salt).update(ip).digest('hex').slice(0, 32) : null);
}

// Crawlers, link-preview fetchers (chat apps, social networks) and HTTP libraries. Checked case-insensitively.
const BOT_UA =
  /bot\b|bot\/|crawl|spider|slurp|scrape|preview|facebookexternalhit|facebot|meta-externalagent|embedly|whatsapp|telegram|discord|slack|skypeuripreview|pinterest|vkshare|w3c_validator|linkchecker|headlesschrome|phantomjs|lighthouse|pagespeed|curl\/|wget\/|python-requests|python-urllib|aiohttp|httpx|go-http-client|java\/|okhttp|axios\/|node-fetch|undici|libwww-perl|apache-httpclient|postmanruntime|insomnia|bingpreview|google-inspectiontool|googleother|feedfetcher|mediapartners|adsbot|outbrain|quora link preview|bluesky|cardyb|mastodon|iframely|nuzzel|qwantify|petalbot|semrush|ahrefs|mj12bot|dotbot|bytespider|gptbot|claudebot|ccbot|perplexity/i;

/** HEAD requests and bot or empty user agents are recorded, flagged, and left out of click stats. */
export function isBot(userAgent: string | undefined, method: string): boolean {
  if (method === 'HEAD') return true;
  if (!userAgent || userAgent.trim() === '') return true;
  return BOT_UA.test(userAgent);
}

/** Clicks by one visitor for one partner within this window count once in stats. */
export const REPEAT_WINDOW_MS = 30 * 60_000;

export const clip = (value: string | undefined | null, max: number): string | null => (value ? value.slice(0, max) : null);
