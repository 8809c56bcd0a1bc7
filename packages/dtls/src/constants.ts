/**
 * DTLS 1.2 code points (IANA TLS registries), as `as const` tables with derived union types.
 */

/** RFC 5246 §6.2.1 / RFC 6347 §4.1: record content types. */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

/** RFC 6347 §4.1: DTLS 1.0 is {254,255}, DTLS 1.2 is {254,253} (one's complement of TLS). */
export const DTLS_1_0 = 0xfeff;
export const DTLS_1_2 = 0xfefd;

/** RFC 5246 §7.4 + RFC 6347 §4.2.1 (hello_verify_request). */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  hello_verify_request: 3,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
} as const;
export type HandshakeType = (typeof HandshakeType)[keyof typeof HandshakeType];

export function handshakeTypeName(t: number): string {
  for (const [k, v] of Object.entries(HandshakeType)) if (v === t) return k;
  return `unknown(${t})`;
}

/** RFC 5246 §7.2 alert levels and descriptions (plus RFC 5746 no_renegotiation). */
export const AlertLevel = { warning: 1, fatal: 2 } as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  user_canceled: 90,
  no_renegotiation: 100,
  unsupported_extension: 110,
} as const;
export type AlertDescription = (typeof AlertDescription)[keyof typeof AlertDescription];
export type AlertName = keyof typeof AlertDescription;

export function alertName(d: number): string {
  for (const [k, v] of Object.entries(AlertDescription)) if (v === d) return k;
  return `unknown(${d})`;
}

/** IANA ExtensionType values used here. */
export const ExtensionType = {
  supported_groups: 10, // RFC 8422 §5.1.1 (was elliptic_curves)
  ec_point_formats: 11, // RFC 8422 §5.1.2
  signature_algorithms: 13, // RFC 5246 §7.4.1.4.1
  use_srtp: 14, // RFC 5764 §4.1.1
  extended_master_secret: 23, // RFC 7627 §5.1
  supported_versions: 43, // RFC 8446 (ignored by DTLS 1.2)
  key_share: 51, // RFC 8446 (ignored by DTLS 1.2)
  renegotiation_info: 0xff01, // RFC 5746 §3.2
} as const;
export type ExtensionType = (typeof ExtensionType)[keyof typeof ExtensionType];

/** RFC 8422 §5.1.1 / RFC 7748: the groups we do ECDHE over. */
export const NamedGroup = { secp256r1: 23, x25519: 29 } as const;
export type NamedGroup = (typeof NamedGroup)[keyof typeof NamedGroup];

/** RFC 8446 §4.2.3 SignatureScheme values (TLS 1.2 reads them as hash||signature bytes). */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  ecdsa_secp256r1_sha256: 0x0403,
  rsa_pss_rsae_sha256: 0x0804,
} as const;
export type SignatureScheme = (typeof SignatureScheme)[keyof typeof SignatureScheme];

/** RFC 5246 §7.4.4 ClientCertificateType. */
export const ClientCertificateType = { rsa_sign: 1, ecdsa_sign: 64 } as const;

/** RFC 5746 §3.3: signalling cipher suite value, same meaning as an empty renegotiation_info. */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

export type AeadName = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
export type PrfHash = 'sha256' | 'sha384';

export interface CipherSuiteInfo {
  readonly id: number;
  readonly name: string;
  /** Which certificate (and so which signature) the suite authenticates with. */
  readonly auth: 'ecdsa' | 'rsa';
  readonly aead: AeadName;
  readonly keyLength: number;
  /** Implicit IV from the key block: 4 bytes for GCM (RFC 5288 §3), 12 for ChaCha (RFC 7905 §2). */
  readonly fixedIvLength: number;
  /** Bytes of explicit nonce carried in each record: 8 for GCM, 0 for ChaCha. */
  readonly explicitNonceLength: number;
  readonly prfHash: PrfHash;
}

/** The suites we implement (RFC 5289, RFC 7905), in our server's preference order. */
export const CIPHER_SUITES = [
  { id: 0xc02b, name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', auth: 'ecdsa', aead: 'aes-128-gcm', keyLength: 16, fixedIvLength: 4, explicitNonceLength: 8, prfHash: 'sha256' },
  { id: 0xc02f, name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', auth: 'rsa', aead: 'aes-128-gcm', keyLength: 16, fixedIvLength: 4, explicitNonceLength: 8, prfHash: 'sha256' },
  { id: 0xcca9, name: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', auth: 'ecdsa', aead: 'chacha20-poly1305', keyLength: 32, fixedIvLength: 12, explicitNonceLength: 0, prfHash: 'sha256' },
  { id: 0xcca8, name: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', auth: 'rsa', aead: 'chacha20-poly1305', keyLength: 32, fixedIvLength: 12, explicitNonceLength: 0, prfHash: 'sha256' },
  { id: 0xc02c, name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', auth: 'ecdsa', aead: 'aes-256-gcm', keyLength: 32, fixedIvLength: 4, explicitNonceLength: 8, prfHash: 'sha384' },
  { id: 0xc030, name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', auth: 'rsa', aead: 'aes-256-gcm', keyLength: 32, fixedIvLength: 4, explicitNonceLength: 8, prfHash: 'sha384' },
] as const satisfies readonly CipherSuiteInfo[];
export type CipherSuiteName = (typeof CIPHER_SUITES)[number]['name'];

export function cipherSuiteById(id: number): CipherSuiteInfo | undefined {
  return CIPHER_SUITES.find((s) => s.id === id);
}
export function cipherSuiteByName(name: string): CipherSuiteInfo | undefined {
  return CIPHER_SUITES.find((s) => s.name === name);
}

/** RFC 5764 §4.1.2 and RFC 7714 §14.2: SRTP protection profiles and their key/salt sizes. */
export const SRTP_PROFILES = [
  { id: 0x0001, name: 'SRTP_AES128_CM_HMAC_SHA1_80', keyLength: 16, saltLength: 14 },
  { id: 0x0002, name: 'SRTP_AES128_CM_HMAC_SHA1_32', keyLength: 16, saltLength: 14 },
  { id: 0x0007, name: 'SRTP_AEAD_AES_128_GCM', keyLength: 16, saltLength: 12 },
  { id: 0x0008, name: 'SRTP_AEAD_AES_256_GCM', keyLength: 32, saltLength: 12 },
] as const;
export type SrtpProfileName = (typeof SRTP_PROFILES)[number]['name'];
export interface SrtpProfileInfo {
  readonly id: number;
  readonly name: SrtpProfileName;
  readonly keyLength: number;
  readonly saltLength: number;
}
export function srtpProfileById(id: number): SrtpProfileInfo | undefined {
  return SRTP_PROFILES.find((p) => p.id === id);
}
export function srtpProfileByName(name: string): SrtpProfileInfo | undefined {
  // OpenSSL spells the first two without "HMAC_" (SRTP_AES128_CM_SHA1_80): accept both.
  const n = name.replace(/^SRTP_AES128_CM_SHA1_/, 'SRTP_AES128_CM_HMAC_SHA1_');
  return SRTP_PROFILES.find((p) => p.name === n);
}
