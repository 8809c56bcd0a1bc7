import { cryptoRandom, isParseError, type RandomSource } from '@rtcstack/common';
import {
  cnameSdes,
  decodeRtp,
  encodeRtcp,
  g711Decode,
  nackPairsFromSequenceNumbers,
  NTP_UNIX_OFFSET_SECONDS,
  ReceiverStats,
  rms,
  type G711Law,
  type ReportBlock,
  type RtcpPacket,
  type RtpPacket,
} from '@rtcstack/rtp-rtcp';
import { JitterBuffer, type BufferedPacket } from './jitter-buffer.ts';
import { NackGenerator, type NackOptions } from './nack-generator.ts';
import { DEFAULT_RTCP_INTERVAL_MS, randomisedInterval } from './rtcp-interval.ts';
import { decodeRtcpOrDrop } from './rtcp-input.ts';
import { Unwrapper } from './sequence.ts';

/** What a payload type carries: G.711 is decoded; anything else (Opus, ...) is counted only. */
export const PayloadKinds = ['PCMU', 'PCMA', 'opaque'] as const;
export type PayloadKind = (typeof PayloadKinds)[number];

const LAW_OF: Readonly<Record<PayloadKind, G711Law | undefined>> = { PCMU: 'ulaw', PCMA: 'alaw', opaque: undefined };

/** Floor of the NACK retry interval (ms); see nackRetryIntervalMs. */
export const MIN_NACK_RETRY_MS = 50;

/**
 * How long to wait before asking again for a packet already NACKed: max(1.5 × RTT, 50 ms).
 * libwebrtc's nack_requester re-asks once `now - sent_at >= rtt` (RTT assumed 100 ms until
 * measured, checked on a 20 ms tick). We add margin: the measured RTT (≈1 ms on loopback) does
 * not include the time a loaded peer takes to turn a NACK into a resend, and asking again before
 * the first resend lands makes the peer send a byte-identical second copy, which SRTP's replay
 * check (RFC 3711 §3.3.2) then drops.
 */
export function nackRetryIntervalMs(rttMs: number): number {
  return Math.max(MIN_NACK_RETRY_MS, 1.5 * rttMs);
}

export interface AudioReceiverOptions {
  /** Our SSRC, the sender SSRC of our RRs and NACKs. */
  readonly localSsrc: number;
  /** PT -> what it carries (from the negotiated a=rtpmap lines). Other PTs are dropped and counted. */
  readonly payloadTypes: Readonly<Record<number, PayloadKind>> | ReadonlyMap<number, PayloadKind>;
  /** Our RTCP CNAME. */
  readonly cname: string;
  /** The SSRC to receive (a=ssrc); default: the first one seen. */
  readonly remoteSsrc?: number;
  readonly clockRate?: number;
  /** Playout delay of the jitter buffer. */
  readonly jitterBufferMs?: number;
  /** Mean RTCP interval, randomised ×[0.5, 1.5] (RFC 3550 §6.3.1). */
  readonly rtcpIntervalMs?: number;
  /** Generic NACK tuning; `false` turns NACKs off (e.g. when nack was not negotiated). */
  readonly nack?: NackOptions | false;
  /**
   * Send NACK/PLI/FIR alone (RFC 5506 reduced-size RTCP, a=rtcp-rsize) instead of in a compound
   * with RR + SDES (RFC 4585 §3.1).
   */
  readonly reducedSize?: boolean;
  /**
   * Send RR + SDES on the RTCP timer (default true). When our report block was taken for an SR
   * (`reportBlock(now)`, AudioSenderOptions.reportBlocks, RFC 3550 §6.4.1) within the last 1.5
   * intervals, the RR is skipped: one report per interval, and RRs resume by themselves when the
   * sender stops. `false` never sends periodic RRs.
   */
  readonly periodicReports?: boolean;
  readonly random?: RandomSource;
}

/** A decoded (or concealed) 20 ms frame of audio, in playout order. */
export interface AudioFrame {
  readonly type: 'audio';
  readonly samples: Int16Array;
  /**
   * Level as the W3C audioLevel: linear 0..1 where 1 is full scale (0 dBov). It is the frame's RMS
   * over 32768, so a full-scale sine reads about 0.707 (-3 dBov); silence reads 0.
   */
  readonly level: number;
  readonly rtpTimestamp: number;
  readonly sequenceNumber: number | undefined;
  readonly payloadType: number | undefined;
  /** True for silence inserted in place of packets that never came in time. */
  readonly concealed: boolean;
}

export type AudioReceiverOutput = { readonly type: 'rtcp'; readonly data: Uint8Array } | AudioFrame;

/** Sender-side facts from the peer's SRs (W3C remote-outbound-rtp). */
export interface RemoteOutboundStats {
  readonly packetsSent: number;
  readonly bytesSent: number;
  readonly reportsSent: number;
  /** The sender's wall clock in its last SR, as Unix ms (W3C remoteTimestamp). */
  readonly remoteTimestamp: number;
  /** When (our `now`) that SR arrived. */
  readonly lastReportAt: number;
}

export interface AudioReceiverStats {
  readonly ssrc: number | undefined;
  /** RTP packets accepted for our stream, retransmissions and duplicates included. */
  readonly packetsReceived: number;
  /** When (our `now`, ms) the last one arrived. */
  readonly lastPacketReceivedAt: number | undefined;
  /** RFC 3550 A.3 cumulative lost: expected - received (a repaired packet is received). */
  readonly packetsLost: number;
  /** RFC 3550 A.8 interarrival jitter, seconds. */
  readonly jitter: number;
  /** Payload bytes received. */
  readonly bytesReceived: number;
  readonly headerBytesReceived: number;
  /** Level of the last frame played, 0..1 (see AudioFrame.level). */
  readonly audioLevel: number;
  /** W3C: sum of level² × frame duration. */
  readonly totalAudioEnergy: number;
  readonly totalSamplesDuration: number;
  /** Samples played out, concealed ones included. */
  readonly totalSamplesReceived: number;
  readonly concealedSamples: number;
  readonly silentConcealedSamples: number;
  readonly concealmentEvents: number;
  /** Packets that came after their playout time (or overflowed the buffer). */
  readonly packetsDiscarded: number;
  readonly packetsDuplicated: number;
  /** W3C: seconds each played sample waited in the jitter buffer, summed; / emitted count = mean. */
  readonly jitterBufferDelay: number;
  readonly jitterBufferEmittedCount: number;
  /** Opaque payloads (e.g. Opus) played through the buffer but not decoded. */
  readonly opaquePacketsReceived: number;
  /** Generic NACK packets sent, and sequence numbers they asked for. */
  readonly nackCount: number;
  readonly nackRequests: number;
  /** NACKed packets that then arrived; holes given up after the request limit. */
  readonly nackRepaired: number;
  readonly nackGaveUp: number;
  readonly pliCount: number;
  readonly firCount: number;
  readonly rtcpPacketsSent: number;
  readonly malformedRtp: number;
  readonly malformedRtcp: number;
  readonly unknownPayloadType: number;
  /** RTP packets from an SSRC other than the one received. */
  readonly otherSsrc: number;
  readonly remoteOutbound: RemoteOutboundStats | undefined;
  readonly byeReceived: boolean;
}

function isMap<K, V>(x: Readonly<Record<number, V>> | ReadonlyMap<K, V>): x is ReadonlyMap<K, V> {
  return x instanceof Map;
}

/**
 * One incoming audio stream, sans-IO. handleRtp takes plain RTP (after SRTP unprotect): RFC 3550
 * receiver statistics, a fixed-delay jitter buffer, G.711 decoding and audio level, generic NACKs
 * for holes (RFC 4585). RR + SDES go out about once a second. pollOutput() yields RTCP datagrams to
 * protect and send, and audio frames in playout order.
 */
export class AudioReceiver {
  readonly localSsrc: number;
  readonly cname: string;
  readonly clockRate: number;
  private remoteSsrc: number | undefined;
  private readonly kinds: ReadonlyMap<number, PayloadKind>;
  private readonly rtcpIntervalMs: number;
  private readonly reducedSize: boolean;
  private readonly periodicReports: boolean;
  private readonly random: RandomSource;
  private readonly buffer: JitterBuffer;
  private readonly nack: NackGenerator | undefined;
  private readonly seqUnwrap = new Unwrapper(16);
  private readonly tsUnwrap = new Unwrapper(32);
  private rxStats: ReceiverStats | undefined;
  private readonly out: AudioReceiverOutput[] = [];
  private nextRtcpAt: number | undefined;
  /** Whether the stream being played decodes to audio (so a missing slot is concealed). */
  private playingAudio = false;
  /** Inside a run of concealed slots (one concealment event, W3C). */
  private concealing = false;
  private firSequence = 0;
  private rttMs: number | undefined;
  /** When an SR last took our report block (then our own RR is not needed). */
  private reportTakenAt: number | undefined;

  private packetsReceived = 0;
  private lastPacketReceivedAt: number | undefined;
  private bytesReceived = 0;
  private headerBytesReceived = 0;
  private audioLevel = 0;
  private totalAudioEnergy = 0;
  private totalSamplesDuration = 0;
  private totalSamplesReceived = 0;
  private concealedSamples = 0;
  private concealmentEvents = 0;
  private packetsDiscarded = 0;
  private packetsDuplicated = 0;
  private jitterBufferDelay = 0;
  private jitterBufferEmittedCount = 0;
  private opaquePacketsReceived = 0;
  private nackCount = 0;
  private nackRequests = 0;
  private pliCount = 0;
  private firCount = 0;
  private rtcpPacketsSent = 0;
  private malformedRtp = 0;
  private malformedRtcp = 0;
  private unknownPayloadType = 0;
  private otherSsrc = 0;
  private remoteOutbound: RemoteOutboundStats | undefined;
  private byeReceived = false;
  private byeAt: number | undefined;

  constructor(o: AudioReceiverOptions) {
    this.localSsrc = o.localSsrc >>> 0;
    this.cname = o.cname;
    this.clockRate = o.clockRate ?? 8000;
    this.remoteSsrc = o.remoteSsrc === undefined ? undefined : o.remoteSsrc >>> 0;
    const pts = o.payloadTypes;
    this.kinds = isMap(pts) ? pts : new Map(Object.entries(pts).map(([k, v]) => [Number(k), v]));
    this.rtcpIntervalMs = o.rtcpIntervalMs ?? DEFAULT_RTCP_INTERVAL_MS;
    this.reducedSize = o.reducedSize ?? false;
    this.periodicReports = o.periodicReports ?? true;
    this.random = o.random ?? cryptoRandom;
    this.buffer = new JitterBuffer({ delayMs: o.jitterBufferMs ?? 60, clockRate: this.clockRate });
    this.nack = o.nack === false ? undefined : new NackGenerator(o.nack);
  }

  /** Start the RTCP timer (otherwise the first RTP packet starts it). */
  start(now: number): void {
    // RFC 3550 §6.2: the first report may go out after half the interval.
    if (this.periodicReports && this.nextRtcpAt === undefined) this.nextRtcpAt = now + 0.5 * randomisedInterval(this.rtcpIntervalMs, this.random);
  }

  /**
   * Tell the NACK logic the round-trip time (the peer connection measures it on its sending side):
   * a repeated request waits for one RTT plus a margin, `nackRetryIntervalMs(rtt)`.
   */
  setRoundTripTime(rttMs: number): void {
    if (!(rttMs > 0)) return;
    this.rttMs = rttMs;
    if (this.nack) this.nack.retryIntervalMs = nackRetryIntervalMs(rttMs);
  }

  /** A plain (already unprotected) RTP packet. Malformed input is counted and dropped. */
  handleRtp(now: number, data: Uint8Array): void {
    let p: RtpPacket;
    try {
      p = decodeRtp(data);
    } catch (e) {
      if (!isParseError(e)) throw e;
      this.malformedRtp++;
      return;
    }
    if (this.remoteSsrc === undefined) this.remoteSsrc = p.ssrc;
    if (p.ssrc !== this.remoteSsrc) {
      this.otherSsrc++;
      return;
    }
    this.start(now);
    // Jitter from in-order packets only (as libwebrtc): a NACK resend arrives an RTT late and
    // would read as delay variation of the path (RFC 3550 A.8 assumes packets in order).
    this.rxStats ??= new ReceiverStats({ ssrc: p.ssrc, clockRate: this.clockRate, minSequential: 1, jitterInOrderOnly: true });
    this.rxStats.handleRtp(now, p.sequenceNumber, p.timestamp);
    this.packetsReceived++;
    this.lastPacketReceivedAt = now;
    this.bytesReceived += p.payload.length;
    this.headerBytesReceived += data.length - p.payload.length;
    const sequence = this.seqUnwrap.unwrap(p.sequenceNumber);
    const timestamp = this.tsUnwrap.unwrap(p.timestamp);
    this.nack?.onPacket(now, sequence);
    if (!this.kinds.has(p.payloadType)) {
      // Part of the sequence space (so loss stays right), but nothing we can play.
      this.unknownPayloadType++;
    } else {
      // G.711 carries one sample per octet, which gives the buffer the packet duration.
      const samples = LAW_OF[this.kinds.get(p.payloadType) ?? 'opaque'] ? p.payload.length : undefined;
      const r = this.buffer.insert({ sequence, timestamp, arrivedAt: now, packet: p, samples });
      if (r === 'late') this.packetsDiscarded++;
      else if (r === 'duplicate') this.packetsDuplicated++;
    }
    this.playDue(now);
    this.sendNacks(now);
  }

  /** A (decrypted) RTCP datagram from the peer. Malformed input is counted and dropped. */
  handleRtcp(now: number, data: Uint8Array): void {
    const packets = decodeRtcpOrDrop(data);
    if (!packets) {
      this.malformedRtcp++;
      return;
    }
    for (const p of packets) {
      if (p.type === 'sr' && p.ssrc >>> 0 === this.remoteSsrc) {
        // §6.4.1: remember its NTP time for LSR, and when it came for DLSR.
        this.rxStats?.handleSenderReport(now, p);
        this.remoteOutbound = {
          packetsSent: p.packetCount,
          bytesSent: p.octetCount,
          reportsSent: (this.remoteOutbound?.reportsSent ?? 0) + 1,
          remoteTimestamp: (p.ntpSeconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + (p.ntpFraction / 2 ** 32) * 1000,
          lastReportAt: now,
        };
      } else if (p.type === 'bye' && this.remoteSsrc !== undefined && p.ssrcs.includes(this.remoteSsrc)) {
        this.byeReceived = true;
        this.byeAt = now;
      }
    }
  }

  /** Ask the sender for a decoder refresh: PLI (RFC 4585 §6.3.1) or FIR (RFC 5104 §4.3.1). */
  requestKeyFrame(now: number, kind: 'pli' | 'fir'): void {
    if (this.remoteSsrc === undefined) return;
    const s = { senderSsrc: this.localSsrc, mediaSsrc: kind === 'pli' ? this.remoteSsrc : 0 };
    if (kind === 'pli') {
      this.pliCount++;
      this.sendFeedback(now, [{ type: 'pli', ...s }]);
    } else {
      this.firCount++;
      this.firSequence = (this.firSequence + 1) & 0xff;
      // RFC 5104 §4.3.1.2: media source SSRC is 0; the target is in the FCI entry.
      this.sendFeedback(now, [{ type: 'fir', ...s, entries: [{ ssrc: this.remoteSsrc, sequenceNumber: this.firSequence }] }]);
    }
  }

  /**
   * This receiver's report block for `now`, for a peer that also sends and wants it in its SR.
   * Each call closes a loss interval (RFC 3550 A.3).
   */
  reportBlock(now: number): ReportBlock | undefined {
    this.reportTakenAt = now;
    return this.sourceActive(now) ? this.rxStats?.reportBlock(now) : undefined;
  }

  nextTimeout(): number | undefined {
    let t = this.nextRtcpAt;
    for (const c of [this.buffer.nextTimeout(), this.nack?.nextTimeout()]) {
      if (c !== undefined && (t === undefined || c < t)) t = c;
    }
    return t;
  }

  handleTimeout(now: number): void {
    this.playDue(now);
    this.sendNacks(now);
    if (this.nextRtcpAt !== undefined && this.nextRtcpAt <= now) {
      const inSr = this.reportTakenAt !== undefined && now - this.reportTakenAt < 1.5 * this.rtcpIntervalMs;
      if (!inSr) this.queueRtcp(this.reportPackets(now));
      this.nextRtcpAt = now + randomisedInterval(this.rtcpIntervalMs, this.random);
    }
  }

  pollOutput(): AudioReceiverOutput | undefined {
    return this.out.shift();
  }

  /**
   * Whether to report on the source: it sent within 5 report intervals (RFC 3550 §6.3.5 timeout)
   * and has not said BYE since (§6.3.4).
   */
  private sourceActive(now: number): boolean {
    const last = this.lastPacketReceivedAt;
    if (last === undefined || now - last > 5 * this.rtcpIntervalMs) return false;
    return this.byeAt === undefined || this.byeAt < last;
  }

  private reportPackets(now: number): RtcpPacket[] {
    const block = this.sourceActive(now) ? this.rxStats?.reportBlock(now) : undefined;
    // RFC 3550 §6.4.2: RR with a block per source heard; §6.1: SDES CNAME in every compound.
    return [{ type: 'rr', ssrc: this.localSsrc, reports: block ? [block] : [] }, cnameSdes(this.localSsrc, this.cname)];
  }

  private queueRtcp(packets: RtcpPacket[]): void {
    this.rtcpPacketsSent++;
    this.out.push({ type: 'rtcp', data: encodeRtcp(packets) });
  }

  /** RFC 4585 §3.1: feedback rides in a compound with RR + SDES unless reduced-size was negotiated. */
  private sendFeedback(now: number, fb: RtcpPacket[]): void {
    this.queueRtcp(this.reducedSize ? fb : [...this.reportPackets(now), ...fb]);
  }

  private sendNacks(now: number): void {
    if (!this.nack || this.remoteSsrc === undefined) return;
    // Ask only for packets that could still be played if the answer takes one RTT (when known).
    const rtt = this.rttMs ?? 0;
    const seqs = this.nack.due(now, (s) => this.buffer.stillPlayable(s, now + rtt));
    if (seqs.length === 0) return;
    this.nackCount++;
    this.nackRequests += seqs.length;
    // RFC 4585 §6.2.1: PID + bitmask of the 16 following; one FCI entry per run.
    const pairs = nackPairsFromSequenceNumbers(seqs.map((s) => ((s % 0x10000) + 0x10000) % 0x10000));
    this.sendFeedback(now, [{ type: 'nack', senderSsrc: this.localSsrc, mediaSsrc: this.remoteSsrc, pairs }]);
  }

  private playDue(now: number): void {
    for (let e = this.buffer.pop(now); e; e = this.buffer.pop(now)) {
      if (e.kind === 'missing') this.conceal(e.timestamp, e.samples);
      else if (e.kind === 'late') this.packetsDiscarded++;
      else this.play(now, e.entry);
    }
  }

  private play(now: number, b: BufferedPacket): void {
    const p = b.packet;
    const law = LAW_OF[this.kinds.get(p.payloadType) ?? 'opaque'];
    this.concealing = false;
    if (!law) {
      this.opaquePacketsReceived++;
      this.playingAudio = false; // nothing decoded, so nothing to conceal either
      return;
    }
    const samples = g711Decode(law, p.payload);
    this.playingAudio = true;
    this.jitterBufferDelay += ((now - b.arrivedAt) / 1000) * samples.length;
    this.jitterBufferEmittedCount += samples.length;
    this.emitAudio(samples, b.timestamp, p.sequenceNumber, p.payloadType, false);
  }

  /** A slot without its packet: silence of the same length, on time (W3C concealedSamples). */
  private conceal(extTimestamp: number, n: number): void {
    if (!this.playingAudio || n <= 0) return;
    if (!this.concealing) this.concealmentEvents++;
    this.concealing = true;
    this.concealedSamples += n;
    this.emitAudio(new Int16Array(n), extTimestamp, undefined, undefined, true);
  }

  private emitAudio(samples: Int16Array, extTimestamp: number, seq: number | undefined, pt: number | undefined, concealed: boolean): void {
    const level = Math.min(1, rms(samples) / 32768);
    const seconds = samples.length / this.clockRate;
    this.audioLevel = level;
    this.totalAudioEnergy += level * level * seconds;
    this.totalSamplesDuration += seconds;
    this.totalSamplesReceived += samples.length;
    this.out.push({
      type: 'audio',
      samples,
      level,
      rtpTimestamp: ((extTimestamp % 2 ** 32) + 2 ** 32) % 2 ** 32,
      sequenceNumber: seq,
      payloadType: pt,
      concealed,
    });
  }

  stats(): AudioReceiverStats {
    const rx = this.rxStats;
    return {
      ssrc: this.remoteSsrc,
      packetsReceived: this.packetsReceived,
      lastPacketReceivedAt: this.lastPacketReceivedAt,
      packetsLost: rx ? rx.cumulativeLost : 0,
      jitter: rx ? rx.jitter / this.clockRate : 0,
      bytesReceived: this.bytesReceived,
      headerBytesReceived: this.headerBytesReceived,
      audioLevel: this.audioLevel,
      totalAudioEnergy: this.totalAudioEnergy,
      totalSamplesDuration: this.totalSamplesDuration,
      totalSamplesReceived: this.totalSamplesReceived,
      concealedSamples: this.concealedSamples,
      silentConcealedSamples: this.concealedSamples, // concealment is silence
      concealmentEvents: this.concealmentEvents,
      packetsDiscarded: this.packetsDiscarded,
      packetsDuplicated: this.packetsDuplicated,
      jitterBufferDelay: this.jitterBufferDelay,
      jitterBufferEmittedCount: this.jitterBufferEmittedCount,
      opaquePacketsReceived: this.opaquePacketsReceived,
      nackCount: this.nackCount,
      nackRequests: this.nackRequests,
      nackRepaired: this.nack?.repaired ?? 0,
      nackGaveUp: this.nack?.gaveUp ?? 0,
      pliCount: this.pliCount,
      firCount: this.firCount,
      rtcpPacketsSent: this.rtcpPacketsSent,
      malformedRtp: this.malformedRtp,
      malformedRtcp: this.malformedRtcp,
      unknownPayloadType: this.unknownPayloadType,
      otherSsrc: this.otherSsrc,
      remoteOutbound: this.remoteOutbound,
      byeReceived: this.byeReceived,
    };
  }
}
