// What a partner may see of the customers they referred: enough to recognise them, not to contact them.

/** `jane.doe@example.com` → `j***@example.com`; anything that is not an email is hidden entirely. */
export function maskEmail(email: string | null | undefined): string {
  if (!email) return '—';
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
