/**
 * NTP timestamps as RTCP uses them (RFC 3550 §4): 32-bit seconds since 1900-01-01 and a 32-bit
 * fraction. The "compact" form in LSR/DLSR is the middle 32 bits: 16.16 fixed point seconds.
 */
export interface NtpTime {
  readonly seconds: number;
  readonly fraction: number;
}

/** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (Unix epoch). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

/** Unix milliseconds -> NTP timestamp (seconds wrap at 2^32, as the field does). */
export function ntpFromUnixMs(unixMs: number): NtpTime {
  const totalSeconds = Math.floor(unixMs / 1000);
  const ms = unixMs - totalSeconds * 1000;
  return {
    seconds: (totalSeconds + NTP_UNIX_OFFSET_SECONDS) >>> 0,
    fraction: Math.min(0xffffffff, Math.floor((ms / 1000) * 2 ** 32)) >>> 0,
  };
}

/** The middle 32 bits (RFC 3550 §6.4.1, LSR): low 16 bits of seconds, high 16 bits of fraction. */
export function ntpMiddle32(seconds: number, fraction: number): number {
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}

/** Compact NTP (units of 1/65536 s) -> milliseconds. */
export function compactNtpToMs(v: number): number {
  return (v * 1000) / 65536;
}

/** Milliseconds -> compact NTP units (1/65536 s), rounded down, as a 32-bit value. */
export function msToCompactNtp(ms: number): number {
  return Math.floor((ms * 65536) / 1000) >>> 0;
}

/**
 * Round-trip time at the sender of an SR (RFC 3550 §6.4.1): A - LSR - DLSR, all compact NTP.
 * `arrival` is the compact NTP time the report block arrived. Returns units of 1/65536 s, or
 * undefined when the receiver has not seen an SR yet (LSR = 0).
 */
export function roundTripCompact(arrival: number, lsr: number, dlsr: number): number | undefined {
  if (lsr === 0) return undefined;
  // Modular 32-bit arithmetic: the compact clock wraps every 18 hours.
  const rtt = (arrival - lsr - dlsr) >>> 0;
  // A negative result (clock skew) wraps to a huge value; report it as 0 rather than 18 hours.
  return rtt > 0x80000000 ? 0 : rtt;
}
