/**
 * MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) and MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6),
 * and the keys they use (§9.1.1 short-term, §9.2.2 long-term).
 *
 * The HMAC covers the message from the header up to (not including) the integrity attribute,
 * with the header's length field rewritten as if the integrity attribute were the last one: it
 * counts the integrity attribute but not FINGERPRINT or anything after. Padding bytes are hashed
 * exactly as received (RFC 5769 §2.1 pads USERNAME with spaces).
 */
import { createHash, createHmac } from 'node:crypto';
import { constantTimeEqual, writeU16 } from '@rtcstack/common';
import { AttributeType, HEADER_LENGTH, PasswordAlgorithm } from './constants.ts';
import type { DecodedMessage } from './message.ts';
import { prepare, type StringProfile } from './stringprep.ts';

/** A named verification outcome: never an exception. */
export type Verification = 'valid' | 'absent' | 'invalid';

const utf8 = new TextEncoder();

/** RFC 8489 §9.1.1: key = OpaqueString(password). (ICE: the peer's ice-pwd, RFC 8445 §7.2.2.) */
export function shortTermKey(password: string, profile: StringProfile = 'opaque-string'): Uint8Array {
  return utf8.encode(prepare(password, profile));
}

export interface LongTermKeyOptions {
  /** PASSWORD-ALGORITHM: MD5 (default, RFC 5389 compatible) or SHA-256 (RFC 8489 §18.5). */
  readonly algorithm?: number;
  /** String preparation of realm and password; RFC 8489 says OpaqueString, RFC 5389 SASLprep. */
  readonly profile?: StringProfile;
}

/**
 * RFC 8489 §9.2.2: key = MD5(username ":" OpaqueString(realm) ":" OpaqueString(password)), or
 * SHA-256 of the same when PASSWORD-ALGORITHM is SHA-256. The username is used as sent in
 * USERNAME (it was already prepared, §14.3).
 */
export function longTermKey(username: string, realm: string, password: string, options: LongTermKeyOptions = {}): Uint8Array {
  const profile = options.profile ?? 'opaque-string';
  const algorithm = options.algorithm ?? PasswordAlgorithm.MD5;
  const hash = algorithm === PasswordAlgorithm.SHA256 ? 'sha256' : algorithm === PasswordAlgorithm.MD5 ? 'md5' : undefined;
  if (!hash) throw new RangeError(`unknown password algorithm 0x${algorithm.toString(16)}`);
  const input = `${username}:${prepare(realm, profile)}:${prepare(password, profile)}`;
  return new Uint8Array(createHash(hash).update(input, 'utf8').digest());
}

/** RFC 8489 §14.4: USERHASH = SHA-256(OpaqueString(username) ":" OpaqueString(realm)). */
export function userHash(username: string, realm: string, profile: StringProfile = 'opaque-string'): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`${prepare(username, profile)}:${prepare(realm, profile)}`, 'utf8').digest());
}

type Mac = 'sha1' | 'sha256';

/** HMAC over raw[0..end) with the length field set as if an attribute of `attrLength` ended there. */
function macOf(alg: Mac, key: Uint8Array, raw: Uint8Array, end: number, attrLength: number): Uint8Array {
  const header = raw.slice(0, HEADER_LENGTH);
  writeU16(header, 2, end - HEADER_LENGTH + 4 + attrLength);
  return new Uint8Array(createHmac(alg, key).update(header).update(raw.subarray(HEADER_LENGTH, end)).digest());
}

function append(message: Uint8Array, type: number, alg: Mac, key: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(message.length + 4 + size);
  out.set(message);
  const at = message.length;
  const mac = macOf(alg, key, out, at, size).subarray(0, size);
  writeU16(out, 2, out.length - HEADER_LENGTH);
  writeU16(out, at, type);
  writeU16(out, at + 2, size);
  out.set(mac, at + 4);
  return out;
}

/** Append MESSAGE-INTEGRITY to an encoded message (before any FINGERPRINT). */
export function appendMessageIntegrity(message: Uint8Array, key: Uint8Array): Uint8Array {
  return append(message, AttributeType.MESSAGE_INTEGRITY, 'sha1', key, 20);
}

/** Append MESSAGE-INTEGRITY-SHA256; `length` may truncate it to 16..32 bytes (§14.6). */
export function appendMessageIntegritySha256(message: Uint8Array, key: Uint8Array, length = 32): Uint8Array {
  if (length < 16 || length > 32 || length % 4 !== 0) throw new RangeError('MESSAGE-INTEGRITY-SHA256 length must be 16..32, a multiple of 4');
  return append(message, AttributeType.MESSAGE_INTEGRITY_SHA256, 'sha256', key, length);
}

function verify(msg: DecodedMessage, type: number, alg: Mac, key: Uint8Array): Verification {
  const a = msg.attributes.find((x) => x.type === type);
  if (!a) return 'absent';
  const mac = macOf(alg, key, msg.raw, a.offset, a.value.length).subarray(0, a.value.length);
  return constantTimeEqual(mac, a.value) ? 'valid' : 'invalid';
}

/** Check the first MESSAGE-INTEGRITY (HMAC-SHA1) against `key`, in constant time. */
export function verifyMessageIntegrity(msg: DecodedMessage, key: Uint8Array): Verification {
  return verify(msg, AttributeType.MESSAGE_INTEGRITY, 'sha1', key);
}

/** Check the first MESSAGE-INTEGRITY-SHA256 against `key`, in constant time. */
export function verifyMessageIntegritySha256(msg: DecodedMessage, key: Uint8Array): Verification {
  return verify(msg, AttributeType.MESSAGE_INTEGRITY_SHA256, 'sha256', key);
}

/**
 * RFC 8489 §9.1.4: prefer MESSAGE-INTEGRITY-SHA256 when present, else MESSAGE-INTEGRITY.
 * 'absent' only when the message carries neither.
 */
export function verifyIntegrity(msg: DecodedMessage, key: Uint8Array): Verification {
  const sha256 = verifyMessageIntegritySha256(msg, key);
  return sha256 !== 'absent' ? sha256 : verifyMessageIntegrity(msg, key);
}
