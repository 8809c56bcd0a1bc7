import { bytesToIpv4, bytesToIpv6, ipv4ToBytes, ipv6ToBytes } from '@rtcstack/common';

/**
 * The one text form of an IP address the simulator compares: dotted quad for IPv4, RFC 5952
 * for IPv6 (so "0:0::1" and "::1" are the same host). Undefined when it is not an address.
 */
export function canonicalAddress(text: string): string | undefined {
  const hit = cache.get(text);
  if (hit !== undefined || cache.has(text)) return hit;
  let out: string | undefined;
  if (text.includes(':')) {
    const b = ipv6ToBytes(text);
    out = b ? bytesToIpv6(b) : undefined;
  } else {
    const b = ipv4ToBytes(text);
    out = b ? bytesToIpv4(b) : undefined;
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(text, out);
  return out;
}

/** Every send parses its destination; a simulation uses few distinct addresses. */
const cache = new Map<string, string | undefined>();
const CACHE_MAX = 4096;

export function requireAddress(text: string, what: string): string {
  const c = canonicalAddress(text);
  if (c === undefined) throw new Error(`${what}: not an IP address: ${JSON.stringify(text)}`);
  return c;
}
