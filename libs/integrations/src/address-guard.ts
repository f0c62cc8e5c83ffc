import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A receiver's address is refused: it is private, loopback, link-local or otherwise not on the public internet. */
export class RefusedAddressError extends Error {
  readonly code = 'EREFUSEDADDRESS';
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, which is not a public address (private, loopback, link-local or reserved)`);
    this.name = 'RefusedAddressError';
  }
}

/** Only ordinary public unicast: IPv4-mapped IPv6 is judged as the IPv4 address it carries. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/** The URL's host when it is an IP literal (brackets of IPv6 removed), else null. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : null;
}

/**
 * A `lookup` for `http.request` that checks every address the name resolves to when the connection is made, so a
 * name that resolved to a public address when the endpoint was saved and to 127.0.0.1 now (DNS rebinding) is refused
 * at send time. With `allowPrivate` (tests, a receiver on loopback) every address passes.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number }, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { family: options.family ?? 0, all: true }, (err, addresses) => {
      if (err) return callback(err, options.all ? [] : '', 0);
      const refused = allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (refused || addresses.length === 0) return callback(new RefusedAddressError(hostname, refused?.address ?? 'nothing'), options.all ? [] : '', 0);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  }) as LookupFunction;
}
