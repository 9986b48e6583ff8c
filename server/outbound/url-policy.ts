import net from 'node:net';

// Endpoints are called from this server, so unless the operator allows it a delivery must not reach back
// into the server's own networks (cloud metadata, databases on localhost, the private LAN). The saved-URL
// check below is for the merchant's benefit; the defence is `guardedLookup` in ./destination.ts, which
// applies `isPrivateAddress` to every address a host name resolves to, at connection time.

/** What the operator allows (from Config): https-only in production; private destinations off in production by default. */
export interface EndpointPolicy {
  requireHttps: boolean;
  allowPrivate: boolean;
}

const IPV4_REFUSED: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT: often the provider's internal network
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, including cloud metadata at 169.254.169.254
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address 255.255.255.255
];

const IPV6_REFUSED: readonly (readonly [string, number])[] = [
  ['::', 96], // unspecified ::, loopback ::1 and the IPv4-compatible ::a.b.c.d
  ['64:ff9b:1::', 48], // local-use NAT64: translates into whatever the local network decides
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo: the IPv4 inside is obfuscated and reached through a relay
  ['2001:2::', 48], // benchmarking
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some stacks)
  ['ff00::', 8], // multicast
];

const hextets = (v4: string) => {
  const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
};

const REFUSED = new net.BlockList();
for (const [v4, prefix] of IPV4_REFUSED) {
  // BlockList matches IPv4-mapped addresses (::ffff:a.b.c.d) against IPv4 rules by itself.
  REFUSED.addSubnet(v4, prefix, 'ipv4');
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that a gateway connects to: refuse them
  // when that address is refused, and let public ones through (IPv6-only hosts reach IPv4 sites via DNS64).
  REFUSED.addSubnet(`64:ff9b::${v4}`, 96 + prefix, 'ipv6');
  REFUSED.addSubnet(`2002:${hextets(v4)}::`, 16 + prefix, 'ipv6');
}
for (const [v6, prefix] of IPV6_REFUSED) REFUSED.addSubnet(v6, prefix, 'ipv6');

/** True for an address a delivery must not connect to: loopback, private, link-local, reserved, or one of those inside IPv6. */
export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  return REFUSED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A URL's host as an address, when it is a literal one: `[::1]` → `::1`; `0x7f.1` is already `127.0.0.1` after WHATWG parsing. */
export const literalAddress = (hostname: string): string | null => {
  const host = hostname.replace(/^\[|\]$/g, '');
  return net.isIP(host) !== 0 ? host : null;
};

const isLocalhostName = (hostname: string) => {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost');
};

/** Why a webhook endpoint URL is refused, or undefined when it is acceptable. */
export function endpointUrlProblem(text: string, policy: EndpointPolicy): string | undefined {
  if (text.length > 2000) return 'Keep the URL under 2000 characters.';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Enter a full URL, like https://example.com/webhooks/refcut.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'The URL must start with https://.';
  if (url.protocol === 'http:' && policy.requireHttps) return 'Use an https:// URL: deliveries carry your program’s data.';
  if (url.username || url.password) return 'Remove the user name and password from the URL; deliveries are authenticated by their signature.';
  if (!url.hostname) return 'The URL needs a host name.';
  if (!policy.allowPrivate) {
    const address = literalAddress(url.hostname);
    // Names are resolved only at delivery (where it counts); localhost is refused now because it always fails then.
    if (isLocalhostName(url.hostname) || (address && isPrivateAddress(address))) return 'The URL must point to a public address.';
  }
  return undefined;
}
