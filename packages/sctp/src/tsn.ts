/**
 * Serial number arithmetic for 32-bit TSNs and 16-bit SSNs (RFC 9260 §1.6, RFC 1982).
 *
 * The association keeps TSNs "unwrapped": plain integers that keep counting past 2^32, so that
 * comparisons are ordinary `<`. Only on the wire are they reduced modulo 2^32; `unwrapTsn` maps a
 * wire value back to the unwrapped number nearest a reference.
 */
export const TSN_MOD = 2 ** 32;

export const wireTsn = (t: number): number => ((t % TSN_MOD) + TSN_MOD) % TSN_MOD;

/** The unwrapped TSN congruent to `wire` that lies within 2^31 of `ref`. */
export function unwrapTsn(wire: number, ref: number): number {
  const refWire = ref % TSN_MOD;
  let d = wire - refWire;
  if (d > 2 ** 31) d -= TSN_MOD;
  else if (d < -(2 ** 31)) d += TSN_MOD;
  return ref + d;
}

/** 16-bit serial comparison: is a "after" b (RFC 1982 with SERIAL_BITS = 16)? */
export function ssnGreater(a: number, b: number): boolean {
  const d = (a - b) & 0xffff;
  return d !== 0 && d < 0x8000;
}
