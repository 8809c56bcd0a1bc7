import { createCipheriv } from 'node:crypto';
import { resolveProfile, type SrtpProfile, type SrtpProfileName } from './profile.ts';

/** Key derivation labels (RFC 3711 §4.3.1, §4.3.2). */
export const KDF_LABELS = {
  rtpEncryption: 0x00,
  rtpAuth: 0x01,
  rtpSalt: 0x02,
  rtcpEncryption: 0x03,
  rtcpAuth: 0x04,
  rtcpSalt: 0x05,
} as const;
export type KdfLabel = (typeof KDF_LABELS)[keyof typeof KDF_LABELS];

/** The keys one direction of one stream kind (SRTP or SRTCP) uses. */
export interface SessionKeys {
  readonly encryptionKey: Uint8Array;
  /** HMAC-SHA1 key; empty for the AEAD profiles, whose tag comes from GCM itself. */
  readonly authKey: Uint8Array;
  readonly salt: Uint8Array;
}

export interface DerivedKeys {
  readonly rtp: SessionKeys;
  readonly rtcp: SessionKeys;
}

/** The master key and salt one sender uses (half of the DTLS-SRTP exporter block). */
export interface MasterKey {
  readonly key: Uint8Array;
  readonly salt: Uint8Array;
}

/**
 * The AES-CM PRF of RFC 3711 §4.3.3 with key derivation rate 0:
 *   x = label<<48 XOR master_salt (112 bits; a 96-bit AEAD salt is padded with zeros, RFC 7714 §11)
 *   PRF_n(k_master, x) = first n bytes of AES-CM keystream with IV = x * 2^16.
 * AES-256 master keys use AES-256 (RFC 6188 §3, AES_256_CM_PRF; RFC 7714 §11).
 */
export function kdfPrf(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, outLength: number): Uint8Array {
  if (masterKey.length !== 16 && masterKey.length !== 32) throw new RangeError(`master key must be 16 or 32 bytes, got ${masterKey.length}`);
  const first = kdfPrfInput(masterSalt, label);
  const blocks = Math.ceil(outLength / 16);
  const input = new Uint8Array(blocks * 16);
  for (let j = 0; j < blocks; j++) {
    input.set(first, j * 16);
    input[j * 16 + 14] = j >>> 8; // block counter: x * 2^16 + j
    input[j * 16 + 15] = j & 0xff;
  }
  const ecb = createCipheriv(masterKey.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb', masterKey, null);
  ecb.setAutoPadding(false);
  return new Uint8Array(ecb.update(input)).subarray(0, outLength);
}

/** The first AES input block of the PRF, x * 2^16 (RFC 3711 §4.3.1, §4.3.3; kdr = 0). */
export function kdfPrfInput(masterSalt: Uint8Array, label: number): Uint8Array {
  if (masterSalt.length > 14) throw new RangeError(`master salt must be at most 14 bytes, got ${masterSalt.length}`);
  const x = new Uint8Array(16);
  x.set(masterSalt, 0);
  // key_id = label || (index DIV kdr) is 7 bytes right-aligned against the 14-byte salt, so the
  // label lands on byte 7; with kdr = 0 the 6 index bytes are zero. Bytes 14-15: the * 2^16.
  x[7] ^= label;
  return x;
}

/** All six session keys for a profile (RFC 3711 §4.3.1; labels 0..2 SRTP, 3..5 SRTCP). */
export function deriveSessionKeys(profileIn: SrtpProfile | SrtpProfileName | number, master: MasterKey): DerivedKeys {
  const profile = resolveProfile(profileIn);
  if (master.key.length !== profile.keyLength) {
    throw new RangeError(`${profile.name}: master key must be ${profile.keyLength} bytes, got ${master.key.length}`);
  }
  if (master.salt.length !== profile.saltLength) {
    throw new RangeError(`${profile.name}: master salt must be ${profile.saltLength} bytes, got ${master.salt.length}`);
  }
  const d = (label: number, n: number): Uint8Array => (n === 0 ? new Uint8Array(0) : kdfPrf(master.key, master.salt, label, n));
  return {
    rtp: {
      encryptionKey: d(KDF_LABELS.rtpEncryption, profile.keyLength),
      authKey: d(KDF_LABELS.rtpAuth, profile.authKeyLength),
      salt: d(KDF_LABELS.rtpSalt, profile.saltLength),
    },
    rtcp: {
      encryptionKey: d(KDF_LABELS.rtcpEncryption, profile.keyLength),
      authKey: d(KDF_LABELS.rtcpAuth, profile.authKeyLength),
      salt: d(KDF_LABELS.rtcpSalt, profile.saltLength),
    },
  };
}
