import { randomFloat, type RandomSource } from '@rtcstack/common';

/** Default mean RTCP report interval for one audio stream: about once a second. */
export const DEFAULT_RTCP_INTERVAL_MS = 1000;

/**
 * The next report interval, randomised to [0.5, 1.5] × the mean (RFC 3550 §6.3.1) so that many
 * participants do not fall into step. The full §6.3 algorithm scales the mean with session size
 * and bandwidth; for a two-party call a fixed mean is what WebRTC implementations use.
 */
export function randomisedInterval(meanMs: number, random: RandomSource): number {
  return meanMs * (0.5 + randomFloat(random));
}
