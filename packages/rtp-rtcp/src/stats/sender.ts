import type { ReportBlock, SenderReport } from '../rtcp/reports.ts';
import { compactNtpToMs, ntpFromUnixMs, ntpMiddle32, roundTripCompact } from './ntp.ts';

export interface SenderStatsOptions {
  readonly ssrc: number;
  readonly clockRate: number;
  /**
   * Wall-clock (Unix ms) that corresponds to `now = 0`. The core never reads a clock: the caller
   * says once how its `now` maps to real time, and NTP timestamps follow from it.
   */
  readonly unixMsAtZero: number;
}

/**
 * The sending side of a stream's RTCP (RFC 3550 §6.4.1): counts what was sent, builds SRs that
 * map NTP time to the RTP clock, and measures round-trip time from the report blocks that come
 * back (RTT = A - LSR - DLSR).
 */
export class SenderStats {
  readonly ssrc: number;
  readonly clockRate: number;
  private readonly unixMsAtZero: number;
  packetCount = 0;
  octetCount = 0;
  private lastRtpTimestamp: number | undefined;
  private lastSendTime = 0;
  /** Last measured round-trip time in ms. */
  rttMs: number | undefined;

  constructor(o: SenderStatsOptions) {
    this.ssrc = o.ssrc >>> 0;
    this.clockRate = o.clockRate;
    this.unixMsAtZero = o.unixMsAtZero;
  }

  /** Account for a sent RTP packet: payload octets only (§6.4.1 sender's octet count). */
  handleRtpSent(now: number, rtpTimestamp: number, payloadLength: number): void {
    this.packetCount = (this.packetCount + 1) >>> 0;
    this.octetCount = (this.octetCount + payloadLength) >>> 0;
    this.lastRtpTimestamp = rtpTimestamp >>> 0;
    this.lastSendTime = now;
  }

  /** The RTP timestamp for the instant `now`: last sent timestamp advanced by the media clock. */
  rtpTimestampAt(now: number): number {
    const base = this.lastRtpTimestamp ?? 0;
    return (base + Math.round(((now - this.lastSendTime) * this.clockRate) / 1000)) >>> 0;
  }

  /** Build an SR for `now` carrying `reports` (reception reports about remote sources). */
  buildSenderReport(now: number, reports: readonly ReportBlock[] = []): SenderReport {
    const ntp = ntpFromUnixMs(this.unixMsAtZero + now);
    return {
      type: 'sr',
      ssrc: this.ssrc,
      ntpSeconds: ntp.seconds,
      ntpFraction: ntp.fraction,
      rtpTimestamp: this.rtpTimestampAt(now),
      packetCount: this.packetCount,
      octetCount: this.octetCount,
      reports,
    };
  }

  /** Compact NTP time of `now`. */
  compactNtpAt(now: number): number {
    const ntp = ntpFromUnixMs(this.unixMsAtZero + now);
    return ntpMiddle32(ntp.seconds, ntp.fraction);
  }

  /**
   * A report block arrived (in an RR or SR from the peer) at `now`. If it is about our SSRC and
   * echoes one of our SRs, compute RTT (§6.4.1). Returns the RTT in ms, or undefined.
   */
  handleReportBlock(now: number, block: ReportBlock): number | undefined {
    if (block.ssrc >>> 0 !== this.ssrc) return undefined;
    const rtt = roundTripCompact(this.compactNtpAt(now), block.lastSr, block.delaySinceLastSr);
    if (rtt === undefined) return undefined;
    this.rttMs = compactNtpToMs(rtt);
    return this.rttMs;
  }
}
