import { randomBytes } from 'node:crypto';

/**
 * Where a core gets randomness (transaction ids, tie-breakers, keys, cookies). Injected so tests
 * can be deterministic; production uses node:crypto's CSPRNG.
 */
export type RandomSource = (n: number) => Uint8Array;

export const cryptoRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));

/**
 * A deterministic generator (SplitMix32-style) for tests and the simulated network.
 * NOT cryptographically secure: never use it for keys outside tests.
 */
export function seededRandom(seed: number): RandomSource & { float(): number; int(maxExclusive: number): number } {
  let s = seed >>> 0;
  const next32 = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const fn = ((n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = next32();
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (v >>> (8 * j)) & 0xff;
    }
    return out;
  }) as RandomSource & { float(): number; int(maxExclusive: number): number };
  fn.float = () => next32() / 2 ** 32;
  fn.int = (maxExclusive: number) => Math.floor(fn.float() * maxExclusive);
  return fn;
}

/** A random float in [0, 1) from a RandomSource. */
export function randomFloat(rng: RandomSource): number {
  const b = rng(4);
  return (((b[0] << 24) >>> 0) + ((b[1] << 16) | (b[2] << 8) | b[3])) / 2 ** 32;
}
