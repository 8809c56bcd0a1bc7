import { ByteReader, ByteWriter, ParseError } from '@rtcstack/common';
import { readApp, writeApp, type AppPacket } from './app.ts';
import { readBye, writeBye, type Goodbye } from './bye.ts';
import {
  readFeedbackSsrcs,
  readFir,
  readNack,
  readPli,
  writeFeedbackSsrcs,
  writeFirFci,
  writeNackFci,
  type FullIntraRequest,
  type GenericNack,
  type OtherPsFeedback,
  type OtherRtpFeedback,
  type PictureLossIndication,
} from './feedback.ts';
import { PsfbFormat, RtcpPacketType, RtpfbFormat, type RtcpCommon } from './header.ts';
import { isRembFci, readRemb, writeRembFci, type Remb } from './remb.ts';
import { readReceiverReport, readSenderReport, writeReceiverReport, writeSenderReport, type ReceiverReport, type SenderReport } from './reports.ts';
import { readSdes, writeSdes, type SourceDescription } from './sdes.ts';
import { readTwcc, writeTwccFci, type TransportCcFeedback } from './twcc.ts';

/** A packet type this codec does not interpret (XR, future types): skipped by length, kept raw. */
export interface RawRtcpPacket extends RtcpCommon {
  readonly type: 'raw';
  readonly packetType: number;
  readonly count: number;
  readonly body: Uint8Array;
}

export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | SourceDescription
  | Goodbye
  | AppPacket
  | GenericNack
  | PictureLossIndication
  | FullIntraRequest
  | Remb
  | TransportCcFeedback
  | OtherRtpFeedback
  | OtherPsFeedback
  | RawRtcpPacket;

/**
 * Decode a compound RTCP packet (RFC 3550 §6.1), or a single reduced-size one (RFC 5506).
 * Every length word must agree with the bytes: a packet whose length runs past the end, or a
 * datagram that ends mid-header, is a ParseError, never guessed around.
 */
export function decodeRtcp(buf: Uint8Array): RtcpPacket[] {
  if (buf.length === 0) throw new ParseError('rtcp', 'header', 0, 'empty datagram');
  const out: RtcpPacket[] = [];
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < 4) throw new ParseError('rtcp', 'header', at, `${buf.length - at} trailing byte(s), not a header`);
    const b0 = buf[at];
    if (b0 >> 6 !== 2) throw new ParseError('rtcp', 'header.version', at, `version ${b0 >> 6}, expected 2`);
    const count = b0 & 0x1f;
    const pt = buf[at + 1];
    const words = (buf[at + 2] << 8) | buf[at + 3];
    const size = 4 * (words + 1);
    if (at + size > buf.length) {
      throw new ParseError('rtcp', 'header.length', at + 2, `length ${words} means ${size} bytes but only ${buf.length - at} remain`);
    }
    let bodyEnd = at + size;
    let padding: Uint8Array | undefined;
    if (b0 & 0x20) {
      // RFC 3550 §6.4.1: padding MUST only be added to the last packet of a compound (A.2 check).
      if (bodyEnd !== buf.length) throw new ParseError('rtcp', 'padding', at, 'P bit set on a packet that is not the last of the compound');
      const n = buf[bodyEnd - 1];
      // libwebrtc's common_header.cc rejects both of these too.
      if (n === 0) throw new ParseError('rtcp', 'padding', bodyEnd - 1, 'P bit set but padding count is 0');
      if (n > size - 4) throw new ParseError('rtcp', 'padding', bodyEnd - 1, `padding ${n} is longer than the ${size - 4} byte body`);
      padding = buf.subarray(bodyEnd - n, bodyEnd);
      bodyEnd -= n;
    }
    const r = new ByteReader(buf, 'rtcp', at + 4, bodyEnd);
    const p = decodeBody(r, pt, count);
    out.push(padding ? { ...p, padding } : p);
    at += size;
  }
  return out;
}

function decodeBody(r: ByteReader, pt: number, count: number): RtcpPacket {
  switch (pt) {
    case RtcpPacketType.SR:
      return readSenderReport(r, count);
    case RtcpPacketType.RR:
      return readReceiverReport(r, count);
    case RtcpPacketType.SDES:
      return readSdes(r, count);
    case RtcpPacketType.BYE:
      return readBye(r, count);
    case RtcpPacketType.APP:
      return readApp(r, count);
    case RtcpPacketType.RTPFB: {
      const s = readFeedbackSsrcs(r);
      if (count === RtpfbFormat.NACK) return readNack(r, s);
      if (count === RtpfbFormat.TWCC) return readTwcc(r, s);
      return { type: 'rtpfb', fmt: count, ...s, fci: r.rest() };
    }
    case RtcpPacketType.PSFB: {
      const s = readFeedbackSsrcs(r);
      if (count === PsfbFormat.PLI) return readPli(r, s);
      if (count === PsfbFormat.FIR) return readFir(r, s);
      if (count === PsfbFormat.AFB && isRembFci(r)) return readRemb(r, s);
      return { type: 'psfb', fmt: count, ...s, fci: r.rest() };
    }
    default:
      return { type: 'raw', packetType: pt, count, body: r.rest() };
  }
}

/** PT and count field for a packet. */
function headerFields(p: RtcpPacket): [pt: number, count: number] {
  switch (p.type) {
    case 'sr':
      return [RtcpPacketType.SR, p.reports.length];
    case 'rr':
      return [RtcpPacketType.RR, p.reports.length];
    case 'sdes':
      return [RtcpPacketType.SDES, p.chunks.length];
    case 'bye':
      return [RtcpPacketType.BYE, p.ssrcs.length];
    case 'app':
      return [RtcpPacketType.APP, p.subtype];
    case 'nack':
      return [RtcpPacketType.RTPFB, RtpfbFormat.NACK];
    case 'twcc':
      return [RtcpPacketType.RTPFB, RtpfbFormat.TWCC];
    case 'rtpfb':
      return [RtcpPacketType.RTPFB, p.fmt];
    case 'pli':
      return [RtcpPacketType.PSFB, PsfbFormat.PLI];
    case 'fir':
      return [RtcpPacketType.PSFB, PsfbFormat.FIR];
    case 'remb':
      return [RtcpPacketType.PSFB, PsfbFormat.AFB];
    case 'psfb':
      return [RtcpPacketType.PSFB, p.fmt];
    case 'raw':
      return [p.packetType, p.count];
  }
}

function encodeBody(w: ByteWriter, p: RtcpPacket): void {
  switch (p.type) {
    case 'sr':
      return writeSenderReport(w, p);
    case 'rr':
      return writeReceiverReport(w, p);
    case 'sdes':
      return writeSdes(w, p);
    case 'bye':
      return writeBye(w, p);
    case 'app':
      return writeApp(w, p);
    case 'nack':
      writeFeedbackSsrcs(w, p);
      return writeNackFci(w, p);
    case 'twcc':
      writeFeedbackSsrcs(w, p);
      return writeTwccFci(w, p);
    case 'pli':
      return writeFeedbackSsrcs(w, p);
    case 'fir':
      writeFeedbackSsrcs(w, p);
      return writeFirFci(w, p);
    case 'remb':
      writeFeedbackSsrcs(w, p);
      return writeRembFci(w, p);
    case 'rtpfb':
    case 'psfb':
      writeFeedbackSsrcs(w, p);
      w.bytes(p.fci);
      return;
    case 'raw':
      w.bytes(p.body);
      return;
  }
}

/** Encode one packet onto a writer (header, body, padding; length patched in). */
function writeRtcpPacket(w: ByteWriter, p: RtcpPacket): void {
  const [pt, count] = headerFields(p);
  if (count < 0 || count > 31) throw new RangeError(`rtcp: ${p.type} count/FMT ${count} does not fit 5 bits`);
  const start = w.length;
  w.u8(0x80 | (p.padding ? 0x20 : 0) | count).u8(pt).u16(0);
  encodeBody(w, p);
  if (p.padding) {
    const n = p.padding.length;
    if (n === 0 || p.padding[n - 1] !== n) throw new RangeError('rtcp: padding must end with its own length');
    w.bytes(p.padding);
  }
  const size = w.length - start;
  if (size % 4 !== 0) throw new RangeError(`rtcp: ${p.type} packet is ${size} bytes, not a multiple of 4 (add padding)`);
  if (size / 4 - 1 > 0xffff) throw new RangeError('rtcp: packet too long');
  w.patchU16(start + 2, size / 4 - 1);
}

/** Encode packets back to back as one compound datagram (RFC 3550 §6.1). */
export function encodeRtcp(packets: readonly RtcpPacket[]): Uint8Array {
  // RFC 3550 §6.4.1: padding MUST only be added to the last individual packet.
  if (packets.some((p, i) => p.padding && i !== packets.length - 1)) {
    throw new RangeError('rtcp: padding is allowed only on the last packet of a compound (RFC 3550 §6.4.1)');
  }
  const w = new ByteWriter(256);
  for (const p of packets) writeRtcpPacket(w, p);
  return w.finish();
}
