/** Root mean square of 16-bit samples. */
export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / samples.length);
}

/**
 * Level in dBov (RFC 6464 §3): decibels relative to the overload point (full scale, 32768).
 * A full-scale square wave is 0 dBov, a full-scale sine about -3 dBov; silence is -Infinity.
 */
export function levelDbov(samples: Int16Array): number {
  const r = rms(samples);
  return r === 0 ? -Infinity : 20 * Math.log10(r / 32768);
}

/**
 * The RFC 6464 audio level value: -dBov rounded to an integer in 0..127 (127 = silence, the
 * value the client-to-mixer header extension carries).
 */
export function audioLevel(samples: Int16Array): number {
  const db = levelDbov(samples);
  if (!Number.isFinite(db)) return 127;
  return Math.max(0, Math.min(127, Math.round(-db)));
}
