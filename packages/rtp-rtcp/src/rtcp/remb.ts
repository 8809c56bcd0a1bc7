import type { ByteReader, ByteWriter } from '@rtcstack/common';
import type { RtcpCommon } from './header.ts';

/**
 * REMB (draft-alvestrand-rmcat-remb-03 §2.2): a receiver's estimate of the total bitrate the
 * sender may use, as PSFB FMT 15 (application layer feedback) with the FCI:
 *
 * |  'R' 'E' 'M' 'B'  | Num SSRC (8) | BR Exp (6) | BR Mantissa (18) | SSRC feedback ... |
 *
 * bitrate (bits/s) = mantissa * 2^exp.
 */
export interface Remb extends RtcpCommon {
  readonly type: 'remb';
  readonly senderSsrc: number;
  /** RFC: always 0 for REMB. */
  readonly mediaSsrc: number;
  readonly exponent: number;
  readonly mantissa: number;
  /** mantissa * 2^exponent, in bits per second (exact: an 18-bit mantissa fits a double). */
  readonly bitrate: number;
  readonly ssrcs: readonly number[];
}

/** True when a PSFB AFB FCI starts with the "REMB" identifier. */
export function isRembFci(r: ByteReader): boolean {
  const b = r.buf;
  const at = r.offset;
  return r.remaining >= 4 && b[at] === 0x52 && b[at + 1] === 0x45 && b[at + 2] === 0x4d && b[at + 3] === 0x42;
}

export function readRemb(r: ByteReader, s: { senderSsrc: number; mediaSsrc: number }): Omit<Remb, 'padding'> {
  r.skip(4, 'remb.identifier');
  const num = r.u8('remb.numSsrc');
  const v = r.u24('remb.bitrate');
  const exponent = v >>> 18;
  const mantissa = v & 0x3ffff;
  if (r.remaining !== 4 * num) r.fail('remb.ssrcs', `Num SSRC ${num} needs ${4 * num} bytes, ${r.remaining} remain`);
  const ssrcs: number[] = [];
  for (let i = 0; i < num; i++) ssrcs.push(r.u32('remb.ssrc'));
  return { type: 'remb', ...s, exponent, mantissa, bitrate: mantissa * 2 ** exponent, ssrcs };
}

export function writeRembFci(w: ByteWriter, p: Remb): void {
  if (p.ssrcs.length > 255) throw new RangeError('rtcp: REMB carries at most 255 SSRCs');
  if (p.exponent < 0 || p.exponent > 63 || p.mantissa < 0 || p.mantissa > 0x3ffff) throw new RangeError('rtcp: REMB exponent/mantissa out of range');
  w.u8(0x52).u8(0x45).u8(0x4d).u8(0x42).u8(p.ssrcs.length).u24((p.exponent << 18) | p.mantissa);
  for (const s of p.ssrcs) w.u32(s);
}

/** Build a REMB for a bitrate: the smallest exponent whose mantissa fits 18 bits (rounding down). */
export function remb(senderSsrc: number, bitrate: number, ssrcs: readonly number[]): Remb {
  let exponent = 0;
  let b = Math.max(0, Math.floor(bitrate));
  while (b > 0x3ffff && exponent < 63) {
    b = Math.floor(b / 2);
    exponent++;
  }
  const mantissa = Math.min(b, 0x3ffff);
  return { type: 'remb', senderSsrc, mediaSsrc: 0, exponent, mantissa, bitrate: mantissa * 2 ** exponent, ssrcs };
}
