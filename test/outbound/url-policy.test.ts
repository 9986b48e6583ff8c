import { endpointUrlProblem, isPrivateAddress, type EndpointPolicy } from '../../server/outbound/url-policy';
import { guardedLookup, PrivateDestinationError } from '../../server/outbound/destination';
import type { LookupFunction } from 'node:net';

const production: EndpointPolicy = { requireHttps: true, allowPrivate: false };
const development: EndpointPolicy = { requireHttps: false, allowPrivate: true };
const PUBLIC = 'The URL must point to a public address.';

describe('addresses a delivery may not connect to', () => {
  it.each([
    ['0.0.0.0/8', ['0.0.0.0', '0.255.255.255']],
    ['loopback', ['127.0.0.1', '127.255.255.254', '::1']],
    ['RFC 1918', ['10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.0.1', '192.168.255.255']],
    ['link-local and cloud metadata', ['169.254.0.1', '169.254.169.254', 'fe80::1', 'febf:ffff::1']],
    ['carrier-grade NAT 100.64/10', ['100.64.0.1', '100.127.255.255']],
    ['multicast', ['224.0.0.1', '239.255.255.255', 'ff02::1', 'ff0e::1']],
    ['reserved 240/4 and broadcast', ['240.0.0.1', '255.255.255.255']],
    ['benchmarking 198.18/15', ['198.18.0.1', '198.19.255.255', '2001:2::1']],
    ['documentation', ['192.0.2.1', '198.51.100.7', '203.0.113.99', '2001:db8::1', '3fff::1']],
    ['IETF assignments and 6to4 relay', ['192.0.0.8', '192.88.99.1']],
    ['IPv6 unspecified', ['::']],
    ['unique local fc00::/7', ['fc00::1', 'fd12:3456::1']],
    ['site-local', ['fec0::1']],
    ['IPv4-mapped private', ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254']],
    ['IPv4-compatible (any)', ['::127.0.0.1', '::7f00:1', '::8.8.8.8']],
    ['NAT64 of a private IPv4', ['64:ff9b::127.0.0.1', '64:ff9b::a00:1', '64:ff9b::169.254.169.254']],
    ['local-use NAT64', ['64:ff9b:1::8.8.8.8']],
    ['6to4 of a private IPv4', ['2002:7f00:1::1', '2002:a00:1::', '2002:c0a8:101::1', '2002:a9fe:a9fe::']],
    ['Teredo', ['2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2']],
    ['discard-only', ['100::1']],
  ])('refuses %s', (_what, addresses) => {
    for (const a of addresses) expect([a, isPrivateAddress(a)]).toEqual([a, true]);
  });

  it('allows public addresses, including public IPv4 inside NAT64, 6to4 or an IPv4-mapped address', () => {
    for (const a of ['8.8.8.8', '93.184.216.34', '1.1.1.1', '100.63.255.255', '100.128.0.0', '172.32.0.1', '198.20.0.1', '223.255.255.255', '2606:2800:220:1::', '2a00:1450:4001::1', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:808:808::1', '2003::1']) {
      expect([a, isPrivateAddress(a)]).toEqual([a, false]);
    }
  });

  it('is not fooled by strings that are not addresses (names are checked after they resolve)', () => {
    expect(isPrivateAddress('localhost')).toBe(false);
    expect(isPrivateAddress('')).toBe(false);
  });
});

describe('endpoint URL policy when the URL is saved', () => {
  it.each([
    ['https://hooks.acme.test/x', production, undefined],
    ['http://hooks.acme.test/x', production, 'Use an https:// URL: deliveries carry your program’s data.'],
    ['http://hooks.acme.test/x', { requireHttps: false, allowPrivate: false }, undefined],
    ['http://127.0.0.1:8080/x', development, undefined],
    ['http://localhost:3000/x', development, undefined],
    ['https://localhost/x', production, PUBLIC],
    ['https://LOCALHOST./x', production, PUBLIC],
    ['https://api.localhost/x', production, PUBLIC],
    ['https://127.0.0.1/x', production, PUBLIC],
    ['https://169.254.169.254/latest', production, PUBLIC],
    ['https://10.1.2.3/x', production, PUBLIC],
    ['https://100.100.100.200/x', production, PUBLIC],
    ['https://224.0.0.1/x', production, PUBLIC],
    ['https://255.255.255.255/x', production, PUBLIC],
    ['https://[::1]/x', production, PUBLIC],
    ['https://[::]/x', production, PUBLIC],
    ['https://[fd00::1]/x', production, PUBLIC],
    ['https://[fe80::1]/x', production, PUBLIC],
    ['https://[ff02::1]/x', production, PUBLIC],
    ['https://[::ffff:127.0.0.1]/x', production, PUBLIC],
    ['https://[64:ff9b::10.0.0.1]/x', production, PUBLIC],
    ['https://[2002:a00:1::1]/x', production, PUBLIC],
    ['https://[2001::1]/x', production, PUBLIC],
    // WHATWG URL parsing turns these into 127.0.0.1 or ::7f00:1 before the check sees them.
    ['https://[::127.0.0.1]/', production, PUBLIC],
    ['https://0x7f.1/', production, PUBLIC],
    ['https://2130706433/', production, PUBLIC],
    ['https://0177.0.0.1/', production, PUBLIC],
    ['https://127.1/', production, PUBLIC],
    ['https://93.184.216.34/x', production, undefined],
    ['https://[2606:2800:220:1::]/x', production, undefined],
    ['https://:pw@hooks.acme.test/x', development, 'Remove the user name and password from the URL; deliveries are authenticated by their signature.'],
    ['data:text/plain,hi', development, 'The URL must start with https://.'],
    ['not a url', development, 'Enter a full URL, like https://example.com/webhooks/refcut.'],
  ] as const)('%s with %j → %s', (url, policy, problem) => {
    expect(endpointUrlProblem(url, policy)).toBe(problem);
  });

  it('lets the operator allow private destinations in production', () => {
    expect(endpointUrlProblem('https://10.1.2.3/x', { requireHttps: true, allowPrivate: true })).toBeUndefined();
  });
});

describe('the connection-time lookup', () => {
  /** A resolver that answers from a table, the way dns.lookup answers (one address, or all with `all`). */
  const fakeDns =
    (table: Record<string, string[]>): LookupFunction =>
    (hostname, options, callback) => {
      const found = (table[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      if (found.length === 0) return callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), '');
      if (options.all) callback(null, found);
      else callback(null, found[0]!.address, found[0]!.family);
    };
  const lookup = (fn: LookupFunction, host: string, all: boolean) =>
    new Promise<{ err: unknown; address: unknown }>((resolve) => fn(host, { all }, (err, address) => resolve({ err, address })));
  const dns = fakeDns({ 'public.test': ['93.184.216.34'], 'rebind.test': ['127.0.0.1'], 'mixed.test': ['93.184.216.34', '10.0.0.5'], 'meta.test': ['::ffff:169.254.169.254'] });

  it.each(['rebind.test', 'mixed.test', 'meta.test'])('refuses %s, which resolves (partly) to a private address', async (host) => {
    for (const all of [true, false]) {
      const { err } = await lookup(guardedLookup(dns), host, all);
      expect(err).toBeInstanceOf(PrivateDestinationError);
    }
  });

  it('answers a public name in the shape the socket asked for, and passes resolver errors through', async () => {
    expect(await lookup(guardedLookup(dns), 'public.test', true)).toEqual({ err: null, address: [{ address: '93.184.216.34', family: 4 }] });
    expect(await lookup(guardedLookup(dns), 'public.test', false)).toEqual({ err: null, address: '93.184.216.34' });
    expect(((await lookup(guardedLookup(dns), 'nowhere.test', true)).err as { code: string }).code).toBe('ENOTFOUND');
  });

  it('refuses localhost through the system resolver', async () => {
    expect((await lookup(guardedLookup(), 'localhost', true)).err).toBeInstanceOf(PrivateDestinationError);
  });
});
