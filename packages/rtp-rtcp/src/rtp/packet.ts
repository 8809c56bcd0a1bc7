import { ParseError, readU32, writeU32 } from '@rtcstack/common';
import { extensionWireLength, parseExtensionBody, writeExtension, type RtpExtensionBlock } from './extensions.ts';

/**
 * The RTP fixed header (RFC 3550 §5.1):
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export interface RtpPacket {
  readonly marker: boolean;
  /** 7 bits; the SDP (a=rtpmap) says what it means. */
  readonly payloadType: number;
  /** 16 bits, +1 per packet. */
  readonly sequenceNumber: number;
  /** 32 bits, in the media clock (8000 Hz for G.711). */
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrcs: readonly number[];
  /** X bit set: the header extension block (RFC 3550 §5.3.1, RFC 8285). */
  readonly extension?: RtpExtensionBlock;
  /** Zero-copy view of the payload (padding removed). */
  readonly payload: Uint8Array;
  /** P bit: number of padding bytes at the end, including the count byte (0 = no P bit). */
  readonly padding: number;
}

const NO_CSRCS: readonly number[] = Object.freeze([]);

/** RFC 3550 §5.1: version field is 2. */
export const RTP_VERSION = 2;
export const RTP_HEADER_LENGTH = 12;

/**
 * Decode one RTP packet. Hot path: direct index reads, no copies (payload and extension data are
 * views into `buf`). Throws ParseError('rtp', ...) on malformed input (RFC 3550 §5.1, A.1 checks).
 */
export function decodeRtp(buf: Uint8Array): RtpPacket {
  const n = buf.length;
  if (n < RTP_HEADER_LENGTH) throw new ParseError('rtp', 'header', 0, `needs 12 bytes, got ${n}`);
  const b0 = buf[0];
  if (b0 >> 6 !== RTP_VERSION) throw new ParseError('rtp', 'header.version', 0, `version ${b0 >> 6}, expected 2`);
  const cc = b0 & 0x0f;
  const b1 = buf[1];
  let at = RTP_HEADER_LENGTH + 4 * cc;
  if (at > n) throw new ParseError('rtp', 'csrc', RTP_HEADER_LENGTH, `CSRC count ${cc} needs ${4 * cc} bytes, only ${n - RTP_HEADER_LENGTH} remain`);
  let csrcs = NO_CSRCS;
  if (cc > 0) {
    const list: number[] = new Array<number>(cc);
    for (let i = 0; i < cc; i++) list[i] = readU32(buf, RTP_HEADER_LENGTH + 4 * i);
    csrcs = list;
  }
  let extension: RtpExtensionBlock | undefined;
  if (b0 & 0x10) {
    if (at + 4 > n) throw new ParseError('rtp', 'extension.header', at, 'X bit set but the extension header is missing');
    const profile = (buf[at] << 8) | buf[at + 1];
    const words = (buf[at + 2] << 8) | buf[at + 3];
    const bodyStart = at + 4;
    const bodyEnd = bodyStart + 4 * words;
    if (bodyEnd > n) {
      throw new ParseError('rtp', 'extension.length', at + 2, `extension length ${words} words runs past the end (${n - bodyStart} bytes remain)`);
    }
    extension = parseExtensionBody(buf, profile, bodyStart, bodyEnd);
    at = bodyEnd;
  }
  let end = n;
  let padding = 0;
  if (b0 & 0x20) {
    // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
    padding = buf[n - 1];
    if (padding === 0) throw new ParseError('rtp', 'padding', n - 1, 'P bit set but padding count is 0');
    if (padding > n - at) throw new ParseError('rtp', 'padding', n - 1, `padding ${padding} is longer than the ${n - at} byte(s) after the header`);
    end = n - padding;
  }
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: (buf[2] << 8) | buf[3],
    timestamp: readU32(buf, 4),
    ssrc: readU32(buf, 8),
    csrcs,
    extension,
    payload: buf.subarray(at, end),
    padding,
  };
}

/** Bytes `encodeRtp` will produce. */
export function rtpEncodedLength(p: RtpPacket): number {
  return RTP_HEADER_LENGTH + 4 * p.csrcs.length + (p.extension ? extensionWireLength(p.extension) : 0) + p.payload.length + p.padding;
}

/** Encode into `out` at `offset` (which must have room); returns bytes written. */
export function encodeRtpInto(p: RtpPacket, out: Uint8Array, offset = 0): number {
  if (p.csrcs.length > 15) throw new RangeError('rtp: at most 15 CSRCs');
  if (p.padding < 0 || p.padding > 255) throw new RangeError('rtp: padding must be 0..255');
  const len = rtpEncodedLength(p);
  if (offset + len > out.length) throw new RangeError('rtp: output buffer too small');
  out[offset] = 0x80 | (p.padding > 0 ? 0x20 : 0) | (p.extension ? 0x10 : 0) | p.csrcs.length;
  out[offset + 1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  out[offset + 2] = (p.sequenceNumber >>> 8) & 0xff;
  out[offset + 3] = p.sequenceNumber & 0xff;
  writeU32(out, offset + 4, p.timestamp);
  writeU32(out, offset + 8, p.ssrc);
  let at = offset + RTP_HEADER_LENGTH;
  for (const c of p.csrcs) {
    writeU32(out, at, c);
    at += 4;
  }
  if (p.extension) at += writeExtension(p.extension, out, at);
  out.set(p.payload, at);
  at += p.payload.length;
  if (p.padding > 0) {
    out.fill(0, at, at + p.padding - 1);
    out[at + p.padding - 1] = p.padding;
    at += p.padding;
  }
  return at - offset;
}

export function encodeRtp(p: RtpPacket): Uint8Array {
  const out = new Uint8Array(rtpEncodedLength(p));
  encodeRtpInto(p, out, 0);
  return out;
}

/**
 * RFC 5761 §4 / RFC 7983: with rtcp-mux, a packet whose second byte (M+PT) is 192..223 is RTCP
 * (RTCP packet types 200..207 and the feedback types fall there; RTP PTs 64..95 must be avoided).
 */
export function isRtcp(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[1] >= 192 && buf[1] <= 223;
}
