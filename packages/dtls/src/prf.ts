import { createHmac } from 'node:crypto';
import { concatBytes } from '@rtcstack/common';
import type { PrfHash } from './constants.ts';

const enc = new TextEncoder();

/**
 * RFC 5246 §5: P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...
 * with A(0) = seed, A(i) = HMAC(secret, A(i-1)); truncated to `length`.
 */
export function pHash(hash: PrfHash, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let a: Uint8Array = seed;
  let at = 0;
  while (at < length) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret).update(a).update(seed).digest();
    out.set(block.subarray(0, Math.min(block.length, length - at)), at);
    at += block.length;
  }
  return out;
}

/** RFC 5246 §5: PRF(secret, label, seed) = P_<hash>(secret, label + seed). */
export function prf(hash: PrfHash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  return pHash(hash, secret, concatBytes(enc.encode(label), seed), length);
}

/** RFC 5246 §8.1: the classic master secret (kept for the published vectors; we always use EMS). */
export function masterSecret(hash: PrfHash, preMaster: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): Uint8Array {
  return prf(hash, preMaster, 'master secret', concatBytes(clientRandom, serverRandom), 48);
}

/** RFC 7627 §4: master secret bound to the session hash (hash of the handshake through ClientKeyExchange). */
export function extendedMasterSecret(hash: PrfHash, preMaster: Uint8Array, sessionHash: Uint8Array): Uint8Array {
  return prf(hash, preMaster, 'extended master secret', sessionHash, 48);
}

/** RFC 5246 §6.3: key_block = PRF(master, "key expansion", server_random + client_random). */
export function keyBlock(hash: PrfHash, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, length: number): Uint8Array {
  return prf(hash, master, 'key expansion', concatBytes(serverRandom, clientRandom), length);
}

/** Record keys cut from the key block, RFC 5246 §6.3 (AEAD suites have no MAC keys). */
export interface KeyMaterial {
  readonly clientWriteKey: Uint8Array;
  readonly serverWriteKey: Uint8Array;
  readonly clientWriteIv: Uint8Array;
  readonly serverWriteIv: Uint8Array;
}

export function expandKeys(
  hash: PrfHash,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  keyLength: number,
  ivLength: number,
): KeyMaterial {
  const kb = keyBlock(hash, master, clientRandom, serverRandom, 2 * keyLength + 2 * ivLength);
  let at = 0;
  const take = (n: number): Uint8Array => kb.slice(at, (at += n));
  return { clientWriteKey: take(keyLength), serverWriteKey: take(keyLength), clientWriteIv: take(ivLength), serverWriteIv: take(ivLength) };
}

/** RFC 5246 §7.4.9: verify_data = PRF(master, finished_label, Hash(handshake_messages))[0..11]. */
export function verifyData(hash: PrfHash, master: Uint8Array, label: 'client finished' | 'server finished', transcriptHash: Uint8Array): Uint8Array {
  return prf(hash, master, label, transcriptHash, 12);
}

/**
 * RFC 5705 §4: exporter = PRF(master, label, client_random + server_random [+ context_length + context]).
 * WebRTC uses label "EXTRACTOR-dtls_srtp" with no context (RFC 5764 §4.2).
 */
export function exportKeyingMaterial(
  hash: PrfHash,
  master: Uint8Array,
  label: string,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  length: number,
  context?: Uint8Array,
): Uint8Array {
  const seed = context
    ? concatBytes(clientRandom, serverRandom, new Uint8Array([context.length >> 8, context.length & 0xff]), context)
    : concatBytes(clientRandom, serverRandom);
  return prf(hash, master, label, seed, length);
}
