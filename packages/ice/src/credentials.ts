/**
 * ICE credentials (RFC 8445 §5.3, RFC 8839 §5.4): ice-ufrag is 4..256 ice-chars, ice-pwd 22..256,
 * with at least 24 and 128 bits of randomness. ice-char = ALPHA / DIGIT / "+" / "/".
 */
import type { RandomSource } from '@rtcstack/common';

const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** n random ice-chars (6 bits each, from 64 symbols: no modulo bias). */
export function randomIceString(random: RandomSource, n: number): string {
  const b = random(n);
  let s = '';
  for (let i = 0; i < n; i++) s += ICE_CHARS[b[i] & 63];
  return s;
}

export interface IceCredentials {
  readonly ufrag: string;
  readonly pwd: string;
}

/** 8 chars = 48 bits (≥ 24), 24 chars = 144 bits (≥ 128). */
export function randomCredentials(random: RandomSource): IceCredentials {
  return { ufrag: randomIceString(random, 8), pwd: randomIceString(random, 24) };
}

/** The 64-bit tie-breaker of ICE-CONTROLLING / ICE-CONTROLLED (§7.1.1). */
export function randomTieBreaker(random: RandomSource): bigint {
  const b = random(8);
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}
