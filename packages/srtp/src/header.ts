import { ParseError, readU32 } from '@rtcstack/common';

/**
 * The only RTP/RTCP parsing SRTP needs: where the header ends (everything after it is
 * encrypted) and which SSRC the packet belongs to. Bounds-checked; bad input -> ParseError.
 */

/** Length of the RTP header in `p[0..end)`: fixed 12 bytes, CSRCs, extension (RFC 3550 §5.1, §5.3.1). */
export function rtpHeaderLength(p: Uint8Array, end: number): number {
  if (end < 12) throw new ParseError('srtp', 'rtp.header', 0, `needs 12 bytes, only ${end}`);
  const b0 = p[0];
  if (b0 >> 6 !== 2) throw new ParseError('srtp', 'rtp.version', 0, `version ${b0 >> 6}, expected 2`);
  let h = 12 + (b0 & 0x0f) * 4;
  if (h > end) throw new ParseError('srtp', 'rtp.csrc', 12, `${b0 & 0x0f} CSRCs run past the end`);
  if (b0 & 0x10) {
    if (h + 4 > end) throw new ParseError('srtp', 'rtp.extension', h, 'extension header runs past the end');
    h += 4 + ((p[h + 2] << 8) | p[h + 3]) * 4;
    if (h > end) throw new ParseError('srtp', 'rtp.extension.length', h, 'extension runs past the end');
  }
  return h;
}

/** RTCP: the first 8 bytes (V/P/RC, PT, length, sender SSRC) stay in the clear (RFC 3711 §3.4). */
export function checkRtcpHeader(p: Uint8Array, end: number): void {
  if (end < 8) throw new ParseError('srtp', 'rtcp.header', 0, `needs 8 bytes, only ${end}`);
  if (p[0] >> 6 !== 2) throw new ParseError('srtp', 'rtcp.version', 0, `version ${p[0] >> 6}, expected 2`);
}

/** A big-endian u32 (SSRC, SRTCP E||index word); the caller has checked the bounds. */
export const readSsrc = readU32;
