/**
 * X.509 for the DTLS layer: our own DER reader/writer, certificate parsing and generation,
 * SDP fingerprints (RFC 8122), PEM, and an annotated DER view for labs.
 */
export type { LocalCertificate, LocalKeyType, GenerateCertificateOptions, CertificateTemplate } from './generate.ts';
export {
  generateCertificate,
  loadPemCertificate,
  encodeTbsCertificate,
  encodeEcP256Spki,
  signCertificate,
  CertificateError,
} from './generate.ts';
export type { ParsedCertificate, ParsedKeyType, AlgorithmIdentifier, Extension as CertificateExtension, SubjectPublicKeyInfo } from './certificate.ts';
export { parseCertificate, parseSubjectPublicKeyInfo, serialToHex } from './certificate.ts';
export { verifySelfSigned, verifySignedBy } from './verify.ts';
export type { FingerprintAlgorithm } from './fingerprint.ts';
export {
  fingerprint,
  fingerprintBytes,
  fingerprintMatches,
  fingerprintHashes,
  isFingerprintAlgorithm,
  parseFingerprintValue,
} from './fingerprint.ts';
export { pemToDer, derToPem } from './pem.ts';
export type { DistinguishedName, NameAttribute, RelativeDistinguishedName } from './name.ts';
export { formatName } from './name.ts';
export type { DerDescription } from './describe.ts';
export { describeCertificate, describeDer, formatDerDescription } from './describe.ts';
export { Oid, oidName, type OidName } from './oids.ts';
export * as der from './der.ts';
