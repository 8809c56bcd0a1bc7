import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison for MACs, tags, fingerprints and cookies. Lengths are not secret;
 * a length mismatch returns false at once.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
