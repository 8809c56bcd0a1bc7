/**
 * Certificate signature checks (RFC 5280 §4.1.1.3: the signature is computed over the DER of
 * tbsCertificate). node:crypto does the arithmetic; we pick the digest and refuse algorithm/key
 * mismatches (an ECDSA OID with an RSA key never verifies).
 */
import { verify, type KeyObject } from 'node:crypto';
import { bytesEqual } from '@rtcstack/common';
import type { ParsedCertificate } from './certificate.ts';
import { signatureScheme } from './oids.ts';

/** True when `issuerKey` verifies the certificate's signature. Unsupported algorithms (RSASSA-PSS) give false. */
export function verifySignedBy(cert: ParsedCertificate, issuerKey: KeyObject): boolean {
  const scheme = signatureScheme[cert.signatureAlgorithmId.oid];
  if (!scheme) return false;
  if (issuerKey.asymmetricKeyType !== scheme.keyFamily) return false;
  // RFC 5758 §3.2 / RFC 8410 §3: ECDSA and EdDSA identifiers carry no parameters; RFC 8017
  // App. C: the PKCS#1 v1.5 ones carry NULL (absent is tolerated, as OpenSSL does).
  const p = cert.signatureAlgorithmId.parameters;
  if (p && !(scheme.keyFamily === 'rsa' && p.tagNumber === 5 && p.length === 0 && p.cls === 0)) return false;
  try {
    return verify(scheme.hash, cert.tbs, issuerKey, cert.signatureValue);
  } catch {
    return false;
  }
}

/**
 * A self-signed certificate (what WebRTC endpoints use): issuer and subject are the same name
 * (byte for byte) and the certificate's own key verifies its signature.
 */
export function verifySelfSigned(cert: ParsedCertificate): boolean {
  return bytesEqual(cert.issuerName.der, cert.subjectName.der) && verifySignedBy(cert, cert.publicKey);
}
