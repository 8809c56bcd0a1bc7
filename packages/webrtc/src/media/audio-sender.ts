import { cryptoRandom, type RandomSource } from '@rtcstack/common';
import {
  cnameSdes,
  encodeRtcp,
  encodeRtp,
  g711Encode,
  lawForPayloadType,
  nackSequenceNumbers,
  SenderStats,
  ToneGenerator,
  type G711Law,
  type ReportBlock,
  type RtcpPacket,
} from '@rtcstack/rtp-rtcp';
import { PacketHistory } from './packet-history.ts';
import { DEFAULT_RTCP_INTERVAL_MS, randomisedInterval } from './rtcp-interval.ts';
import { decodeRtcpOrDrop } from './rtcp-input.ts';

/** Anything that yields 16-bit audio, `n` samples at a time (a microphone, a file, a tone). */
export interface AudioSource {
  next(samples: number): Int16Array;
}

/** The default source: a sine tone. `amplitude` is a fraction of full scale (default 0.5). */
export interface ToneSpec {
  readonly frequencyHz: number;
  readonly amplitude?: number;
}

export interface AudioSenderOptions {
  /** Our SSRC (RFC 3550 §8: random, announced in SDP a=ssrc). */
  readonly ssrc: number;
  /** 0 = PCMU, 8 = PCMA (RFC 3551 Table 4); another PT needs `law` (G.711 on a dynamic PT) or `encode`. */
  readonly payloadType: number;
  /** Media clock (8000 Hz for G.711). */
  readonly clockRate?: number;
  /** Our RTCP CNAME (RFC 3550 §6.5.1), carried in every compound packet. */
  readonly cname: string;
  /** Where samples come from; default a 440 Hz tone at half scale. */
  readonly source?: AudioSource | ToneSpec;
  /** G.711 law for a dynamic payload type. */
  readonly law?: G711Law;
  /** Encoder for a non-G.711 payload type (e.g. a test's stand-in for Opus): samples -> payload. */
  readonly encode?: (samples: Int16Array) => Uint8Array;
  /** Packet duration (RFC 3551 §4.2 default 20 ms). */
  readonly ptimeMs?: number;
  /** How long sent packets stay available for retransmission. */
  readonly historyMs?: number;
  /**
   * Answer generic NACKs with retransmissions (default true). RFC 4585 §4.2: NACK is only in use
   * when `a=rtcp-fb:<pt> nack` was negotiated; without it NACKs are counted, never answered.
   */
  readonly retransmit?: boolean;
  /** Mean RTCP interval, randomised ×[0.5, 1.5] (RFC 3550 §6.3.1). */
  readonly rtcpIntervalMs?: number;
  /** Unix time (ms) of `now = 0`, for the NTP timestamp in SRs; the core reads no clock. */
  readonly unixMsAtZero?: number;
  /**
   * Report blocks to put in our SRs (a peer that also receives reports on what it receives in
   * its SR, RFC 3550 §6.4.1). Called when an SR is built.
   */
  readonly reportBlocks?: (now: number) => readonly ReportBlock[];
  /** Randomness for the first sequence number, timestamp and RTCP intervals. */
  readonly random?: RandomSource;
}

export type AudioSenderOutput =
  | { readonly type: 'rtp'; readonly data: Uint8Array; readonly retransmission: boolean }
  | { readonly type: 'rtcp'; readonly data: Uint8Array };

/** What the remote receiver told us about our stream in its report blocks (W3C remote-inbound-rtp). */
export interface RemoteInboundStats {
  /** Fraction lost in the last report interval, 0..1 (the 8-bit field / 256). */
  readonly fractionLost: number;
  /** Cumulative packets lost (can be negative with duplicates, RFC 3550 §6.4.1). */
  readonly packetsLost: number;
  /** Interarrival jitter in seconds. */
  readonly jitter: number;
  /** Extended highest sequence number received. */
  readonly highestSequence: number;
  /** Last RTT in seconds, from LSR/DLSR (RFC 3550 §6.4.1); undefined before the first echo. */
  readonly roundTripTime: number | undefined;
  readonly totalRoundTripTime: number;
  readonly roundTripTimeMeasurements: number;
  readonly reportsReceived: number;
  /** When (our `now`, ms) the last report block arrived. */
  readonly lastReportAt: number;
}

export interface AudioSenderStats {
  readonly ssrc: number;
  /** RTP packets sent, retransmissions included (W3C outbound-rtp). */
  readonly packetsSent: number;
  /** Payload bytes sent, retransmissions included. */
  readonly bytesSent: number;
  /** RTP header bytes sent. */
  readonly headerBytesSent: number;
  readonly retransmittedPacketsSent: number;
  readonly retransmittedBytesSent: number;
  /** Generic NACK packets received for our SSRC. */
  readonly nackCount: number;
  /** Sequence numbers asked for that were no longer in the history. */
  readonly nackMisses: number;
  /** PLIs received (RFC 4585 §6.3.1): acknowledged; audio has no key frames. */
  readonly pliCount: number;
  /** New FIR requests received (RFC 5104 §4.3.1; a repeated sequence number is not a new request). */
  readonly firCount: number;
  /** Compound RTCP packets sent. */
  readonly rtcpPacketsSent: number;
  /** RTCP datagrams that failed to parse and were dropped. */
  readonly malformedRtcp: number;
  readonly remoteInbound: RemoteInboundStats | undefined;
  /** Seconds; same as remoteInbound.roundTripTime. */
  readonly roundTripTime: number | undefined;
}

/** RFC 3550 §6.2: the first report may go out after half the interval. */
const FIRST_REPORT_FACTOR = 0.5;
/** Frames sent at once when the caller wakes us late; beyond this the gap is skipped. */
const MAX_CATCH_UP_FRAMES = 5;

function u32(random: RandomSource): number {
  const b = random(4);
  return ((b[0] << 24) >>> 0) + ((b[1] << 16) | (b[2] << 8) | b[3]);
}

/**
 * One outgoing audio stream, sans-IO: produces a 20 ms G.711 RTP packet per tick, sends SR + SDES
 * about once a second, and answers RTCP feedback (NACK -> retransmission, PLI/FIR -> counted).
 * The caller protects (SRTP) and sends what pollOutput() returns.
 */
export class AudioSender {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly cname: string;
  private readonly ptimeMs: number;
  private readonly samplesPerFrame: number;
  private readonly source: AudioSource;
  private readonly encodePayload: (samples: Int16Array) => Uint8Array;
  private readonly rtcpIntervalMs: number;
  private readonly reportBlocks: ((now: number) => readonly ReportBlock[]) | undefined;
  private readonly random: RandomSource;
  private readonly history: PacketHistory;
  private readonly retransmit: boolean;
  private readonly senderStats: SenderStats;
  private readonly out: AudioSenderOutput[] = [];

  private sequenceNumber: number;
  private timestamp: number;
  private marker = true;
  private running = false;
  private nextFrameAt: number | undefined;
  /** The frame time at which we stopped: the timestamp the next frame would have had belongs to it. */
  private stoppedAt: number | undefined;
  private nextRtcpAt: number | undefined;
  private lastFirSequence = new Map<number, number>();

  private packetsSent = 0;
  private bytesSent = 0;
  private headerBytesSent = 0;
  private retransmittedPacketsSent = 0;
  private retransmittedBytesSent = 0;
  private nackCount = 0;
  private nackMisses = 0;
  private pliCount = 0;
  private firCount = 0;
  private rtcpPacketsSent = 0;
  private malformedRtcp = 0;
  private remoteInbound: RemoteInboundStats | undefined;

  constructor(o: AudioSenderOptions) {
    this.ssrc = o.ssrc >>> 0;
    this.payloadType = o.payloadType;
    this.clockRate = o.clockRate ?? 8000;
    this.cname = o.cname;
    this.ptimeMs = o.ptimeMs ?? 20;
    this.samplesPerFrame = Math.round((this.clockRate * this.ptimeMs) / 1000);
    const src = o.source ?? { frequencyHz: 440 };
    this.source = 'next' in src ? src : new ToneGenerator(src.frequencyHz, this.clockRate, src.amplitude ?? 0.5);
    const law = o.law ?? lawForPayloadType(o.payloadType);
    if (o.encode) this.encodePayload = o.encode;
    else if (law) this.encodePayload = (s) => g711Encode(law, s);
    else throw new RangeError(`media: payload type ${o.payloadType} is not G.711; pass law or encode`);
    this.rtcpIntervalMs = o.rtcpIntervalMs ?? DEFAULT_RTCP_INTERVAL_MS;
    this.reportBlocks = o.reportBlocks;
    this.random = o.random ?? cryptoRandom;
    this.history = new PacketHistory(o.historyMs ?? 1000);
    this.retransmit = o.retransmit ?? true;
    // RFC 3550 §5.1: sequence number and timestamp start at random values.
    this.sequenceNumber = u32(this.random) & 0xffff;
    this.timestamp = u32(this.random);
    this.senderStats = new SenderStats({ ssrc: this.ssrc, clockRate: this.clockRate, unixMsAtZero: o.unixMsAtZero ?? 0 });
  }

  /** Start sending: the first frame goes out at `now`. */
  start(now: number): void {
    if (this.running) return;
    this.running = true;
    this.marker = true;
    if (this.stoppedAt !== undefined && now > this.stoppedAt) {
      // RFC 3550 §5.1: the timestamp follows the sampling clock, which ran on while we were silent.
      this.timestamp = (this.timestamp + Math.round(((now - this.stoppedAt) * this.clockRate) / 1000)) >>> 0;
    }
    this.nextFrameAt = now;
    this.nextRtcpAt = now + FIRST_REPORT_FACTOR * randomisedInterval(this.rtcpIntervalMs, this.random);
    this.handleTimeout(now);
  }

  /** Stop sending; queues a final SR + SDES + BYE (RFC 3550 §6.6). */
  stop(now: number, reason?: string): void {
    if (!this.running) return;
    this.running = false;
    this.stoppedAt = this.nextFrameAt;
    this.nextFrameAt = undefined;
    this.nextRtcpAt = undefined;
    this.queueRtcp([
      this.senderStats.buildSenderReport(now, this.reportBlocks?.(now) ?? []),
      cnameSdes(this.ssrc, this.cname),
      { type: 'bye', ssrcs: [this.ssrc], ...(reason ? { reason } : {}) },
    ]);
  }

  get isRunning(): boolean {
    return this.running;
  }

  nextTimeout(): number | undefined {
    if (this.nextFrameAt === undefined || this.nextRtcpAt === undefined) return undefined;
    return Math.min(this.nextFrameAt, this.nextRtcpAt);
  }

  handleTimeout(now: number): void {
    if (!this.running || this.nextFrameAt === undefined || this.nextRtcpAt === undefined) return;
    let sent = 0;
    while (this.nextFrameAt <= now) {
      if (sent < MAX_CATCH_UP_FRAMES) {
        this.sendFrame(this.nextFrameAt, now);
        sent++;
      } else {
        // Woken far too late: skip the frame (the timestamp still advances) and mark the resumption.
        this.timestamp = (this.timestamp + this.samplesPerFrame) >>> 0;
        this.marker = true;
      }
      this.nextFrameAt += this.ptimeMs;
    }
    if (this.nextRtcpAt <= now) {
      this.queueRtcp([this.senderStats.buildSenderReport(now, this.reportBlocks?.(now) ?? []), cnameSdes(this.ssrc, this.cname)]);
      this.nextRtcpAt = now + randomisedInterval(this.rtcpIntervalMs, this.random);
    }
  }

  pollOutput(): AudioSenderOutput | undefined {
    return this.out.shift();
  }

  /** `captureAt` is the frame's scheduled instant, which the RTP clock follows; `now` is when it leaves. */
  private sendFrame(captureAt: number, now: number): void {
    const samples = this.source.next(this.samplesPerFrame);
    const payload = this.encodePayload(samples);
    const data = encodeRtp({
      marker: this.marker, // RFC 3551 §4.1: first packet of a talkspurt
      payloadType: this.payloadType,
      sequenceNumber: this.sequenceNumber,
      timestamp: this.timestamp,
      ssrc: this.ssrc,
      csrcs: [],
      payload,
      padding: 0,
    });
    this.senderStats.handleRtpSent(captureAt, this.timestamp, payload.length);
    this.history.add(now, this.sequenceNumber, data, payload.length);
    this.marker = false;
    this.sequenceNumber = (this.sequenceNumber + 1) & 0xffff;
    this.timestamp = (this.timestamp + this.samplesPerFrame) >>> 0;
    this.packetsSent++;
    this.bytesSent += payload.length;
    this.headerBytesSent += data.length - payload.length;
    this.out.push({ type: 'rtp', data, retransmission: false });
  }

  private queueRtcp(packets: RtcpPacket[]): void {
    this.rtcpPacketsSent++;
    this.out.push({ type: 'rtcp', data: encodeRtcp(packets) });
  }

  /** A (decrypted) RTCP datagram from the peer. Malformed input is counted and dropped. */
  handleRtcp(now: number, data: Uint8Array): void {
    const packets = decodeRtcpOrDrop(data);
    if (!packets) {
      this.malformedRtcp++;
      return;
    }
    for (const p of packets) {
      switch (p.type) {
        case 'sr':
        case 'rr':
          for (const b of p.reports) if (b.ssrc >>> 0 === this.ssrc) this.handleReportBlock(now, b);
          break;
        case 'nack':
          if (p.mediaSsrc >>> 0 === this.ssrc) this.handleNack(now, nackSequenceNumbers(p.pairs));
          break;
        case 'pli':
          // RFC 4585 §6.3.1: a video sender would send a key frame; every audio frame is one.
          if (p.mediaSsrc >>> 0 === this.ssrc) this.pliCount++;
          break;
        case 'fir':
          for (const e of p.entries) {
            if (e.ssrc >>> 0 !== this.ssrc) continue;
            // RFC 5104 §4.3.1.2: a repeated command sequence number is a retransmitted request.
            if (this.lastFirSequence.get(p.senderSsrc) === e.sequenceNumber) continue;
            this.lastFirSequence.set(p.senderSsrc, e.sequenceNumber);
            this.firCount++;
          }
          break;
        default:
          break;
      }
    }
  }

  /** RFC 4585 §6.2.1: resend each requested packet still in the history, unchanged. */
  private handleNack(now: number, sequenceNumbers: readonly number[]): void {
    this.nackCount++;
    if (!this.retransmit) return; // RFC 4585 §4.2: not negotiated, so not in use
    const rttMs = this.senderStats.rttMs;
    for (const seq of sequenceNumbers) {
      const e = this.history.get(now, seq);
      if (!e) {
        this.nackMisses++;
        continue;
      }
      // A repeated NACK sent before our last resend could have arrived: resending again is waste.
      if (e.lastResentAt !== undefined && rttMs !== undefined && now - e.lastResentAt < rttMs) continue;
      e.lastResentAt = now;
      this.packetsSent++;
      this.bytesSent += e.payloadLength;
      this.headerBytesSent += e.data.length - e.payloadLength;
      this.retransmittedPacketsSent++;
      this.retransmittedBytesSent += e.payloadLength;
      this.out.push({ type: 'rtp', data: e.data, retransmission: true });
    }
  }

  /** RFC 3550 §6.4.1: loss and jitter as the receiver saw them; RTT = A - LSR - DLSR. */
  private handleReportBlock(now: number, b: ReportBlock): void {
    const rttMs = this.senderStats.handleReportBlock(now, b);
    const prev = this.remoteInbound;
    const measured = rttMs !== undefined;
    this.remoteInbound = {
      fractionLost: b.fractionLost / 256,
      packetsLost: b.cumulativeLost,
      jitter: b.jitter / this.clockRate,
      highestSequence: b.highestSequence,
      roundTripTime: measured ? rttMs / 1000 : prev?.roundTripTime,
      totalRoundTripTime: (prev?.totalRoundTripTime ?? 0) + (measured ? rttMs / 1000 : 0),
      roundTripTimeMeasurements: (prev?.roundTripTimeMeasurements ?? 0) + (measured ? 1 : 0),
      reportsReceived: (prev?.reportsReceived ?? 0) + 1,
      lastReportAt: now,
    };
  }

  stats(): AudioSenderStats {
    return {
      ssrc: this.ssrc,
      packetsSent: this.packetsSent,
      bytesSent: this.bytesSent,
      headerBytesSent: this.headerBytesSent,
      retransmittedPacketsSent: this.retransmittedPacketsSent,
      retransmittedBytesSent: this.retransmittedBytesSent,
      nackCount: this.nackCount,
      nackMisses: this.nackMisses,
      pliCount: this.pliCount,
      firCount: this.firCount,
      rtcpPacketsSent: this.rtcpPacketsSent,
      malformedRtcp: this.malformedRtcp,
      remoteInbound: this.remoteInbound,
      roundTripTime: this.remoteInbound?.roundTripTime,
    };
  }
}
