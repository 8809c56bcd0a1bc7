/**
 * SRTP protection profiles negotiated by DTLS-SRTP (RFC 5764 §4.1.2, RFC 7714 §14.2).
 *
 * One row per profile: the DTLS code point, the cipher family, the master key and salt sizes
 * and the tag lengths. Everything else in this package reads its sizes from here.
 */
export const SRTP_PROFILES = {
  /** RFC 5764 §4.1.2: AES-128 counter mode, HMAC-SHA1 with an 80-bit tag. */
  SRTP_AES128_CM_HMAC_SHA1_80: {
    name: 'SRTP_AES128_CM_HMAC_SHA1_80',
    id: 0x0001,
    kind: 'aes-cm-hmac-sha1',
    keyLength: 16,
    saltLength: 14,
    authKeyLength: 20,
    rtpTagLength: 10,
    rtcpTagLength: 10,
  },
  /** RFC 5764 §4.1.2: as above with a 32-bit SRTP tag; SRTCP still uses an 80-bit tag. */
  SRTP_AES128_CM_HMAC_SHA1_32: {
    name: 'SRTP_AES128_CM_HMAC_SHA1_32',
    id: 0x0002,
    kind: 'aes-cm-hmac-sha1',
    keyLength: 16,
    saltLength: 14,
    authKeyLength: 20,
    rtpTagLength: 4,
    rtcpTagLength: 10,
  },
  /** RFC 7714 §14.2: AES-128-GCM AEAD, 96-bit salt, 128-bit tag. */
  SRTP_AEAD_AES_128_GCM: {
    name: 'SRTP_AEAD_AES_128_GCM',
    id: 0x0007,
    kind: 'aead-aes-gcm',
    keyLength: 16,
    saltLength: 12,
    authKeyLength: 0,
    rtpTagLength: 16,
    rtcpTagLength: 16,
  },
  /** RFC 7714 §14.2: AES-256-GCM AEAD, 96-bit salt, 128-bit tag. */
  SRTP_AEAD_AES_256_GCM: {
    name: 'SRTP_AEAD_AES_256_GCM',
    id: 0x0008,
    kind: 'aead-aes-gcm',
    keyLength: 32,
    saltLength: 12,
    authKeyLength: 0,
    rtpTagLength: 16,
    rtcpTagLength: 16,
  },
} as const;

export type SrtpProfileName = keyof typeof SRTP_PROFILES;
export type SrtpProfile = (typeof SRTP_PROFILES)[SrtpProfileName];
export type SrtpProfileId = SrtpProfile['id'];
export type SrtpCipherKind = SrtpProfile['kind'];

/** SDES / libsrtp style names (RFC 4568, RFC 7714 §14.1) for the same profiles. */
const ALIASES: Readonly<Record<string, SrtpProfileName>> = {
  AES_CM_128_HMAC_SHA1_80: 'SRTP_AES128_CM_HMAC_SHA1_80',
  AES_CM_128_HMAC_SHA1_32: 'SRTP_AES128_CM_HMAC_SHA1_32',
  AEAD_AES_128_GCM: 'SRTP_AEAD_AES_128_GCM',
  AEAD_AES_256_GCM: 'SRTP_AEAD_AES_256_GCM',
};

export const ALL_PROFILES: readonly SrtpProfile[] = Object.values(SRTP_PROFILES);

export function profileById(id: number): SrtpProfile | undefined {
  return ALL_PROFILES.find((p) => p.id === id);
}

/** Accepts the DTLS name, the SDES name, or the numeric code point. */
export function resolveProfile(p: SrtpProfile | SrtpProfileName | string | number): SrtpProfile {
  if (typeof p === 'object') return p;
  if (typeof p === 'number') {
    const found = profileById(p);
    if (!found) throw new RangeError(`unknown SRTP protection profile 0x${p.toString(16).padStart(4, '0')}`);
    return found;
  }
  const name = (p in SRTP_PROFILES ? p : ALIASES[p]) as SrtpProfileName | undefined;
  if (!name) throw new RangeError(`unknown SRTP protection profile ${p}`);
  return SRTP_PROFILES[name];
}
