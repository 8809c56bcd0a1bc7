import { constants, sign, verify, type KeyObject } from 'node:crypto';
import { SignatureScheme } from './constants.ts';
import type { LocalCertificate } from './x509/index.ts';

/**
 * Signatures in ServerKeyExchange and CertificateVerify (RFC 5246 §4.7, §7.4.1.4.1).
 * We sign with ecdsa_secp256r1_sha256 (ECDSA keys) or rsa_pss_rsae_sha256 / rsa_pkcs1_sha256
 * (RSA keys), and verify all three. ECDSA signatures are DER (RFC 8422 §5.4: ECDSA-Sig-Value).
 */
export function verifySignature(scheme: number, publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (scheme) {
      case SignatureScheme.ecdsa_secp256r1_sha256:
        if (publicKey.asymmetricKeyType !== 'ec') return false;
        return verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, signature);
      case SignatureScheme.rsa_pkcs1_sha256:
        if (publicKey.asymmetricKeyType !== 'rsa') return false;
        return verify('sha256', data, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
      case SignatureScheme.rsa_pss_rsae_sha256:
        if (publicKey.asymmetricKeyType !== 'rsa') return false;
        // RFC 8446 §4.2.3: PSS with MGF1(SHA-256) and a salt as long as the digest.
        return verify('sha256', data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** Schemes our certificate can sign with, best first. */
export function signingSchemes(cert: LocalCertificate): number[] {
  return cert.keyType === 'rsa'
    ? [SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pkcs1_sha256]
    : [SignatureScheme.ecdsa_secp256r1_sha256];
}

/** Picks our first scheme that the peer offered. */
export function chooseScheme(cert: LocalCertificate, peerOffered: readonly number[] | undefined): number | undefined {
  const ours = signingSchemes(cert);
  // RFC 5246 §7.4.1.4.1: without the extension, the peer is assumed to accept sha1; we do not sign
  // with sha1, so fall back to our first choice and let the peer decide.
  if (!peerOffered) return ours[0];
  return ours.find((s) => peerOffered.includes(s));
}

export function createSignature(scheme: number, cert: LocalCertificate, data: Uint8Array): Uint8Array {
  switch (scheme) {
    case SignatureScheme.ecdsa_secp256r1_sha256:
      return new Uint8Array(sign('sha256', data, { key: cert.privateKey, dsaEncoding: 'der' }));
    case SignatureScheme.rsa_pkcs1_sha256:
      return new Uint8Array(sign('sha256', data, { key: cert.privateKey, padding: constants.RSA_PKCS1_PADDING }));
    case SignatureScheme.rsa_pss_rsae_sha256:
      return new Uint8Array(sign('sha256', data, { key: cert.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }));
    default:
      throw new RangeError(`cannot sign with scheme 0x${scheme.toString(16)}`);
  }
}

/** Schemes we accept from a peer, in the order we advertise them. */
export const VERIFY_SCHEMES: readonly number[] = [
  SignatureScheme.ecdsa_secp256r1_sha256,
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pkcs1_sha256,
];
