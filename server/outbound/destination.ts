import dns, { type LookupAddress } from 'node:dns';
import net, { type LookupFunction } from 'node:net';
import { isPrivateAddress, literalAddress } from './url-policy';

/** A delivery refused before connecting: its host is, or resolves to, an address the policy refuses. Not worth retrying. */
export class PrivateDestinationError extends Error {
  readonly code = 'ERR_PRIVATE_DESTINATION';
  constructor(host: string) {
    super(`${host} resolves to a private address`);
    this.name = 'PrivateDestinationError';
  }
}

const systemLookup: LookupFunction = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/**
 * A `lookup` for the socket that refuses the connection when any address of the host is private. It runs
 * when the socket connects, on the addresses it then connects to, so a name that was public when the URL
 * was saved (or a moment ago) and now resolves privately (DNS rebinding) still cannot get through.
 */
export function guardedLookup(resolve: LookupFunction = systemLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, found, family) => {
      if (err) return callback(err, '');
      const addresses: LookupAddress[] = typeof found === 'string' ? [{ address: found, family: family ?? net.isIP(found) }] : found;
      if (addresses.some((a) => isPrivateAddress(a.address))) return callback(new PrivateDestinationError(hostname), '');
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
      callback(null, first.address, first.family);
    });
  };
}

/**
 * The `lookup` to connect to `url` with. Sockets skip `lookup` for a literal IP, so a literal is checked
 * here instead (throws PrivateDestinationError).
 */
export function destinationLookup(url: URL, policy: { allowPrivate: boolean; resolve?: LookupFunction }): LookupFunction | undefined {
  if (policy.allowPrivate) return policy.resolve;
  const address = literalAddress(url.hostname);
  if (address !== null && isPrivateAddress(address)) throw new PrivateDestinationError(address);
  return guardedLookup(policy.resolve);
}
