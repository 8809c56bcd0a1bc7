import { ParseError, type ByteReader, type ByteWriter } from '@rtcstack/common';
import type { RtcpCommon } from './header.ts';

/** A reception report block (RFC 3550 §6.4.1): what one receiver saw of one source. */
export interface ReportBlock {
  /** SSRC of the source this block is about. */
  readonly ssrc: number;
  /** Fraction lost since the previous report, as a fixed-point number /256 (A.3). */
  readonly fractionLost: number;
  /** Cumulative number of packets lost; 24-bit signed (duplicates can make it negative). */
  readonly cumulativeLost: number;
  /** Extended highest sequence number received: cycles << 16 | highest seq (A.1). */
  readonly highestSequence: number;
  /** Interarrival jitter in timestamp units (A.8). */
  readonly jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from this source (0 if none). */
  readonly lastSr: number;
  /** Delay since that SR was received, in units of 1/65536 s. */
  readonly delaySinceLastSr: number;
}

/** SR (RFC 3550 §6.4.1): a sender's clock mapping and counts, plus its reception reports. */
export interface SenderReport extends RtcpCommon {
  readonly type: 'sr';
  readonly ssrc: number;
  /** NTP timestamp (RFC 5905 era 0): seconds since 1900 and a 32-bit fraction. */
  readonly ntpSeconds: number;
  readonly ntpFraction: number;
  /** The same instant in the RTP media clock. */
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
  readonly reports: readonly ReportBlock[];
  /** Profile-specific extension after the report blocks (RFC 3550 §6.4.1), if any. */
  readonly profileExtension?: Uint8Array;
}

/** RR (RFC 3550 §6.4.2): a receiver that is not sending reports what it received. */
export interface ReceiverReport extends RtcpCommon {
  readonly type: 'rr';
  readonly ssrc: number;
  readonly reports: readonly ReportBlock[];
  readonly profileExtension?: Uint8Array;
}

export function readReportBlock(r: ByteReader): ReportBlock {
  const ssrc = r.u32('report.ssrc');
  const fractionLost = r.u8('report.fractionLost');
  const lost24 = r.u24('report.cumulativeLost');
  return {
    ssrc,
    fractionLost,
    cumulativeLost: lost24 & 0x800000 ? lost24 - 0x1000000 : lost24,
    highestSequence: r.u32('report.highestSequence'),
    jitter: r.u32('report.jitter'),
    lastSr: r.u32('report.lastSr'),
    delaySinceLastSr: r.u32('report.delaySinceLastSr'),
  };
}

export function writeReportBlock(w: ByteWriter, b: ReportBlock): void {
  if (b.cumulativeLost < -0x800000 || b.cumulativeLost > 0x7fffff) throw new RangeError('rtcp: cumulativeLost must fit 24-bit signed');
  w.u32(b.ssrc).u8(b.fractionLost).u24(b.cumulativeLost & 0xffffff);
  w.u32(b.highestSequence).u32(b.jitter).u32(b.lastSr).u32(b.delaySinceLastSr);
}

function readBlocks(r: ByteReader, count: number): ReportBlock[] {
  if (r.remaining < 24 * count) {
    r.fail('report', `count ${count} needs ${24 * count} bytes of report blocks, only ${r.remaining} remain`);
  }
  const out: ReportBlock[] = [];
  for (let i = 0; i < count; i++) out.push(readReportBlock(r));
  return out;
}

export function readSenderReport(r: ByteReader, count: number): Omit<SenderReport, 'padding'> {
  if (r.remaining < 24) throw new ParseError('rtcp', 'sr.senderInfo', r.offset, `needs 24 bytes, ${r.remaining} remain`);
  const ssrc = r.u32('sr.ssrc');
  const ntpSeconds = r.u32('sr.ntpSeconds');
  const ntpFraction = r.u32('sr.ntpFraction');
  const rtpTimestamp = r.u32('sr.rtpTimestamp');
  const packetCount = r.u32('sr.packetCount');
  const octetCount = r.u32('sr.octetCount');
  const reports = readBlocks(r, count);
  const ext = r.rest();
  return { type: 'sr', ssrc, ntpSeconds, ntpFraction, rtpTimestamp, packetCount, octetCount, reports, ...(ext.length ? { profileExtension: ext } : {}) };
}

export function readReceiverReport(r: ByteReader, count: number): Omit<ReceiverReport, 'padding'> {
  const ssrc = r.u32('rr.ssrc');
  const reports = readBlocks(r, count);
  const ext = r.rest();
  return { type: 'rr', ssrc, reports, ...(ext.length ? { profileExtension: ext } : {}) };
}

export function writeSenderReport(w: ByteWriter, p: SenderReport): void {
  w.u32(p.ssrc).u32(p.ntpSeconds).u32(p.ntpFraction).u32(p.rtpTimestamp).u32(p.packetCount).u32(p.octetCount);
  for (const b of p.reports) writeReportBlock(w, b);
  if (p.profileExtension) w.bytes(p.profileExtension);
}

export function writeReceiverReport(w: ByteWriter, p: ReceiverReport): void {
  w.u32(p.ssrc);
  for (const b of p.reports) writeReportBlock(w, b);
  if (p.profileExtension) w.bytes(p.profileExtension);
}
