import { seededRandom } from '@rtcstack/common';

/** The simulator's deterministic generator: floats in [0, 1) and ints in [0, n). */
export type SimRandom = ReturnType<typeof seededRandom>;

/** FNV-1a 32-bit hash of a string: derives independent sub-seeds from names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A generator for one part of the network (a directed link, a NAT), seeded from the network
 * seed and the part's name. Each part has its own stream, so traffic on one link does not
 * change the loss pattern of another: adding an unrelated host keeps a test's outcome.
 */
export function subRandom(seed: number, name: string): SimRandom {
  return seededRandom((Math.imul(seed >>> 0, 0x9e3779b1) ^ hashString(name)) >>> 0);
}
