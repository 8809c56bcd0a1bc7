import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync, type ECDH, type KeyObject } from 'node:crypto';
import { NamedGroup } from './constants.ts';

/**
 * Ephemeral ECDH (RFC 8422 §5.10): X25519 (RFC 7748) and P-256 with uncompressed points
 * (04 || X || Y, RFC 8422 §5.4.1). node:crypto does the group arithmetic.
 */
export interface EcdheKeyPair {
  readonly group: NamedGroup;
  /** Our public value as it goes on the wire. */
  readonly publicKey: Uint8Array;
  /** The shared secret (pre_master_secret) with the peer's wire public value; throws on an invalid point. */
  computeSecret(peerPublic: Uint8Array): Uint8Array;
}


export class InvalidPublicKeyError extends Error {
  override readonly name = 'InvalidPublicKeyError';
}

export function generateEcdhe(group: NamedGroup): EcdheKeyPair {
  if (group === NamedGroup.x25519) {
    const { privateKey, publicKey } = generateKeyPairSync('x25519');
    // The raw 32-byte key via JWK (RFC 8037 §2: "x" is the base64url public key): an order of
    // magnitude cheaper in node than exporting or importing SPKI DER.
    const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'));
    return {
      group,
      publicKey: raw,
      computeSecret(peer) {
        if (peer.length !== 32) throw new InvalidPublicKeyError('X25519 public value must be 32 bytes');
        let pub: KeyObject;
        try {
          pub = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(peer).toString('base64url') }, format: 'jwk' });
        } catch {
          throw new InvalidPublicKeyError('bad X25519 public value');
        }
        const s = new Uint8Array(diffieHellman({ privateKey, publicKey: pub }));
        // RFC 7748 §6.1: an all-zero output means a small-order point; refuse it.
        if (s.every((b) => b === 0)) throw new InvalidPublicKeyError('X25519 produced an all-zero secret');
        return s;
      },
    };
  }
  const ecdh: ECDH = createECDH('prime256v1');
  const pub = new Uint8Array(ecdh.generateKeys());
  return {
    group,
    publicKey: pub,
    computeSecret(peer) {
      if (peer.length !== 65 || peer[0] !== 4) throw new InvalidPublicKeyError('P-256 point must be uncompressed (65 bytes, 0x04)');
      try {
        return new Uint8Array(ecdh.computeSecret(peer));
      } catch {
        throw new InvalidPublicKeyError('P-256 point is not on the curve');
      }
    },
  };
}
