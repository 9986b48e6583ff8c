import net from 'node:net';

// Endpoints are called from this server, so in production a URL must not point back into the server's own
// network (cloud metadata, databases on localhost, the private LAN). Only literal addresses can be checked
// here; a public hostname that resolves to a private address is not caught (see docs/webhooks.md).
const PRIVATE = new net.BlockList();
for (const [net4, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) {
  PRIVATE.addSubnet(net4, prefix, 'ipv4');
}
for (const [net6, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) {
  PRIVATE.addSubnet(net6, prefix, 'ipv6');
}

/** `::ffff:7f00:1` (how URL writes ::ffff:127.0.0.1) → `127.0.0.1`, so mapped addresses get the IPv4 rules. */
function unmapped(host: string): string {
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!m) return host;
  const [hi, lo] = [parseInt(m[1]!, 16), parseInt(m[2]!, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** Why a webhook endpoint URL is refused, or undefined when it is acceptable. http is allowed outside production. */
export function endpointUrlProblem(text: string, env: 'development' | 'production' | 'test'): string | undefined {
  if (text.length > 2000) return 'Keep the URL under 2000 characters.';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Enter a full URL, like https://example.com/webhooks/refcut.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'The URL must start with https://.';
  if (url.protocol === 'http:' && env === 'production') return 'Use an https:// URL: deliveries carry your program’s data.';
  if (url.username || url.password) return 'Remove the user name and password from the URL; deliveries are authenticated by their signature.';
  if (!url.hostname) return 'The URL needs a host name.';
  if (env === 'production') {
    const host = unmapped(url.hostname.replace(/^\[|\]$/g, '').toLowerCase());
    if (host === 'localhost' || host.endsWith('.localhost')) return 'The URL must point to a public address.';
    const family = net.isIP(host);
    if (family !== 0 && PRIVATE.check(host, family === 4 ? 'ipv4' : 'ipv6')) return 'The URL must point to a public address.';
  }
  return undefined;
}
