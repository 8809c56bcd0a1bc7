/**
 * FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message up to the attribute, XOR 0x5354554e, with
 * the header length already counting the FINGERPRINT attribute. It lets a receiver tell STUN from
 * other protocols sharing the port (RTP, DTLS); it is not a security check.
 */
import { readU32, writeU16, writeU32 } from '@rtcstack/common';
import { AttributeType, FINGERPRINT_XOR, HEADER_LENGTH } from './constants.ts';
import type { DecodedMessage } from './message.ts';
import type { Verification } from './integrity.ts';

/** The CRC-32 of ISO 3309 / ITU-T V.42 / IEEE 802.3 (reflected polynomial 0xEDB88320). */
const table = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** FINGERPRINT value for a message whose first `end` bytes precede the attribute. */
function fingerprintOf(raw: Uint8Array, end: number): number {
  // The length field must cover the 8-byte FINGERPRINT attribute; patch a copy of the header.
  const header = raw.slice(0, HEADER_LENGTH);
  writeU16(header, 2, end - HEADER_LENGTH + 8);
  const crc = crc32(raw.subarray(HEADER_LENGTH, end), crc32(header));
  return (crc ^ FINGERPRINT_XOR) >>> 0;
}

/** Append FINGERPRINT to an encoded message (it must be the last attribute). */
export function appendFingerprint(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(message.length + 8);
  out.set(message);
  writeU16(out, 2, out.length - HEADER_LENGTH);
  const at = message.length;
  writeU16(out, at, AttributeType.FINGERPRINT);
  writeU16(out, at + 2, 4);
  writeU32(out, at + 4, fingerprintOf(out, at));
  return out;
}

/** 'valid', 'absent', or 'invalid' (a named outcome, never an exception). */
export function verifyFingerprint(msg: DecodedMessage): Verification {
  const fp = msg.attributes.find((a) => a.type === AttributeType.FINGERPRINT);
  if (!fp) return 'absent';
  // decodeMessage guarantees FINGERPRINT is last and 4 bytes long.
  return readU32(msg.raw, fp.offset + 4) === fingerprintOf(msg.raw, fp.offset) ? 'valid' : 'invalid';
}
