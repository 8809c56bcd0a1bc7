// Random values the association needs: verification tags (RFC 9260 §5.3.1: never 0), initial
// TSNs (§5.3.1) and heartbeat nonces (§8.3), all from the injectable RandomSource.
import { readU32 } from '@rtcstack/common';

export function randomU32(rng: (n: number) => Uint8Array): number {
  return readU32(rng(4), 0);
}

/** A verification tag: any 32-bit value except 0 (§3.3.2). */
export function randomTag(rng: (n: number) => Uint8Array): number {
  let t = 0;
  while (t === 0) t = randomU32(rng);
  return t;
}
