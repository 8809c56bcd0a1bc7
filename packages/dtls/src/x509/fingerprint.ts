/**
 * Certificate fingerprints as SDP carries them (RFC 8122 §5, a=fingerprint): a hash of the
 * certificate's DER, written as uppercase hex pairs joined by ':'. WebRTC replaces certificate
 * authorities with this: the peer's certificate must hash to what its SDP said (RFC 8827 §6.5).
 */
import { createHash } from 'node:crypto';
import { constantTimeEqual } from '@rtcstack/common';

/** RFC 8122 §5 hash function textual names (IANA registry) and node:crypto's digest names. */
export const fingerprintHashes = {
  'sha-1': 'sha1',
  'sha-224': 'sha224',
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
} as const;
export type FingerprintAlgorithm = keyof typeof fingerprintHashes;

export function isFingerprintAlgorithm(s: string): s is FingerprintAlgorithm {
  return Object.prototype.hasOwnProperty.call(fingerprintHashes, s);
}

export function fingerprintBytes(der: Uint8Array, alg: FingerprintAlgorithm): Uint8Array {
  return new Uint8Array(createHash(fingerprintHashes[alg]).update(der).digest());
}

/** "AB:CD:..." (RFC 8122 §5: fingerprint = 2UHEX *(":" 2UHEX)). */
export function fingerprint(der: Uint8Array, alg: FingerprintAlgorithm): string {
  return Array.from(fingerprintBytes(der, alg), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

/** The bytes of "AB:CD:..." (either case), or undefined if it is not hex pairs joined by ':'. */
export function parseFingerprintValue(value: string): Uint8Array | undefined {
  const v = value.trim();
  if (!/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*$/.test(v)) return undefined;
  return new Uint8Array(Buffer.from(v.replace(/:/g, ''), 'hex'));
}

/**
 * Does the certificate match an SDP fingerprint? Algorithm and hex are case-insensitive; an
 * unknown algorithm or malformed value never matches; the digest compare is constant-time.
 */
export function fingerprintMatches(der: Uint8Array, expected: { algorithm: string; value: string }): boolean {
  const alg = expected.algorithm.trim().toLowerCase();
  if (!isFingerprintAlgorithm(alg)) return false;
  const want = parseFingerprintValue(expected.value);
  if (!want) return false;
  return constantTimeEqual(fingerprintBytes(der, alg), want);
}
