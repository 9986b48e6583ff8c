// Partner codes and link slugs: what they may look like and how they are generated. Pure.
import crypto from 'node:crypto';

/** Lower-case letters, digits and hyphens, 3–40 characters (the same shape for codes and slugs). */
export const CODE_PATTERN = /^[a-z0-9-]{3,40}$/;
export const CODE_RULE = 'Use 3–40 lower-case letters, digits or hyphens.';

export const isValidCode = (value: string): boolean => CODE_PATTERN.test(value);

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A short random lower-case suffix ("a1b2") that keeps generated codes unique and hard to guess. */
export function randomSuffix(length = 4): string {
  let out = '';
  for (const byte of crypto.randomBytes(length * 2)) {
    // 252 is the largest multiple of 36 below 256: rejecting above it keeps the choice unbiased.
    if (byte < 252) out += SUFFIX_ALPHABET[byte % 36];
    if (out.length === length) return out;
  }
  return out.padEnd(length, '0');
}

/** "Jane Smith" → "jane-smith": accents folded, anything else becomes a hyphen, trimmed to `max`. */
export function slugify(text: string, max = 30): string {
  const folded = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return folded.slice(0, max).replace(/-+$/, '');
}

/** A code generated from a name: "jane-smith-a1b2". Names without usable letters become "partner-…". */
export function codeFromName(name: string): string {
  return `${slugify(name) || 'partner'}-${randomSuffix()}`;
}

/** A fresh slug for a partner's link: the code itself first, then the code with a random suffix. */
export function slugCandidate(code: string, attempt: number): string {
  return attempt === 0 ? code : `${code.slice(0, 35)}-${randomSuffix()}`;
}
