// The association state machine (RFC 9260 §4): it owns the Transmission Control Block (§14) and
// the timers, dispatches each chunk by state and verification tag (§8.4, §8.5), and holds the
// shutdown sequence (§9), heartbeats (§8.3) and the glue to the modules that hold each RFC
// section's algorithm: handshake.ts (§5), out-queue.ts and data-writer.ts (§6.1), sack.ts (§6.2),
// congestion.ts (§7.2), forward-tsn.ts (RFC 3758), stream-reset.ts (RFC 6525).
import { isParseError, readU16, readU32, writeU16 } from '@rtcstack/common';
import { ChunkType, DataFlag, ReconfigResult, CauseCode } from './constants.ts';
import {
  encodeChunk,
  isUnknown,
  type DataChunk,
  type ForwardTsnChunk,
  type InitChunk,
  type ReconfigChunk,
  type SackChunk,
} from './chunk.ts';
import { ChecksumError, decodePacket, encodePacket, writeCommonHeader, type Packet } from './packet.ts';
import { readChecksum, writeChecksum } from './crc32c.ts';
import { scanInitParams } from './param.ts';
import {
  cookieWhileShuttingDown,
  noUserData,
  staleCookie,
  unrecognizedChunk,
  unrecognizedParams,
  userInitiatedAbort,
  type ErrorCause,
} from './cause.ts';
import { openCookie, type CookieContents } from './cookie.ts';
import { RtoEstimator } from './rto.ts';
import { TsnTracker } from './tsn-tracker.ts';
import { Reassembler } from './reassembly.ts';
import { unwrapTsn, wireTsn } from './tsn.ts';
import type { ReconfigParam } from './reconfig-param.ts';
import { resolveOptions, type ResolvedOptions, type SctpOptions } from './options.ts';
import {
  AssociationState,
  newStats,
  type CloseReason,
  type SctpOutput,
  type SctpStats,
  type SendOptions,
} from './events.ts';
import { pad4 } from './tlv.ts';
import { sharedPacketSlab } from './packet-slab.ts';
import { randomTag, randomU32 } from './random.ts';
import { cookieCase, initAckChunk, initAckTags, initChunk, peerFeatures } from './handshake.ts';
import { chunkAt, type OutChunk, type OutMessage } from './out-queue.ts';
import { StreamScheduler } from './stream-scheduler.ts';
import { writeDataChunk } from './data-writer.ts';
import { MAX_DUP_TSNS, buildSack, sackSize, writeSack } from './sack.ts';
import {
  enterFastRecovery,
  newCongestionState,
  type CongestionState,
  onCumulativeAckAdvanced,
  onRetransmitTimeout,
  resetCongestion,
} from './congestion.ts';
import { forwardTsnChunk, shouldAbandon, skipAbandoned } from './forward-tsn.ts';
import { heartbeatInfo, heartbeatSentAt } from './heartbeat.ts';
import { outgoingResetRequest, reconfigResponse, type DeferredPeerReset, type OutgoingReset } from './stream-reset.ts';

/**
 * One SCTP association (RFC 9260), sans-IO: feed it packets and time, poll packets and events.
 *
 * It speaks SCTP packets as bytes with no IP/UDP underneath: over DTLS each DTLS record carries one
 * SCTP packet (RFC 8261 §5), and in tests each simulated datagram is one packet.
 *
 *   const a = new SctpAssociation({}); a.connect(now);
 *   a.handleInput(now, bytes); a.handleTimeout(now);
 *   for (let o; (o = a.pollOutput()); ) { if (o.type === 'packet') transport.send(o.data); ... }
 *   a.nextTimeout()  // when to call handleTimeout next
 */
export class SctpAssociation {
  readonly options: ResolvedOptions;
  readonly stats: SctpStats = newStats();
  private _state: AssociationState = AssociationState.CLOSED;
  private now = 0;
  private outputs: SctpOutput[] = [];
  private outHeadIdx = 0;
  private dirty = false;

  // --- TCB: tags and negotiated parameters (RFC 9260 §14) ---
  private localTag = 0;
  private peerTag = 0;
  private myInitialTsn = 0;
  private peerForwardTsn = false;
  /** Both sides offered RFC 9653 zero checksums for DTLS. */
  private peerZeroChecksum = false;
  private peerReconfig = false;
  private numOutbound: number;
  private numInbound: number;

  // --- handshake ---
  private initChunk: Uint8Array | undefined;
  private cookieEcho: Uint8Array | undefined;
  private t1At: number | undefined;
  private t1Count = 0;
  private cookieSentAt = 0;
  private t2At: number | undefined;

  // --- sender (§6.1, §7) ---
  private nextTsn = 0;
  private cumAckPoint = 0;
  private advancedPeerAckPoint = 0;
  private peerRwnd = 0;
  /** cwnd, ssthresh and fast recovery (§7.2, congestion.ts). */
  private readonly cc: CongestionState = newCongestionState();
  private flightSize = 0;
  private forceRetransmit = false;
  private outstanding: OutChunk[] = [];
  private outstandingHead = 0;
  private rtxQueue: OutChunk[] = [];
  private rtxSortNeeded = false;
  /** Outgoing streams' queues, served round-robin (stream-scheduler.ts). */
  private readonly streams = new StreamScheduler((streamId) => this.emit({ type: 'bufferedAmountLow', streamId }));
  private t3At: number | undefined;
  private forwardTsnNeeded = false;
  private errorCount = 0;
  private readonly rto: RtoEstimator;
  /** Gap blocks of the previous SACK (absolute first TSN -> last TSN), to skip re-walking them. */
  private lastGapBlocks: Map<number, number> = new Map();
  /** The one chunk being timed for RTT (§6.3.1 C4: one measurement per round trip; C5: Karn). */
  private rttProbeTsn: number | undefined;

  // --- receiver (§6.2) ---
  private tracker: TsnTracker | undefined;
  private reassembler: Reassembler;
  private sackNow = false;
  private delayedAckAt: number | undefined;
  private packetsSinceSack = 0;
  private dupTsns: number[] = [];

  // --- control chunks waiting for the next packet, encoded ---
  private control: Uint8Array[] = [];

  // --- heartbeat (§8.3) ---
  private hbAt: number | undefined;
  private hbNonce: number | undefined;

  // --- stream reset (RFC 6525) ---
  private myReqSeq = 0;
  private peerNextReqSeq = 0;
  private lastPeerResponse: { seq: number; result: number } | undefined;
  private outgoingReset: OutgoingReset | undefined;
  private resetQueue: number[] = [];
  private reconfigAt: number | undefined;
  private deferredPeerReset: DeferredPeerReset | undefined;

  constructor(options: SctpOptions = {}) {
    this.options = resolveOptions(options);
    this.numOutbound = this.options.outboundStreams;
    this.numInbound = this.options.inboundStreams;
    this.rto = new RtoEstimator(this.options.rtoInitial, this.options.rtoMin, this.options.rtoMax);
    this.reassembler = new Reassembler((m) => {
      this.stats.messagesDelivered++;
      this.emit({ type: 'message', streamId: m.streamId, ppid: m.ppid, data: m.data, unordered: m.unordered });
    });
  }

  get state(): AssociationState {
    return this._state;
  }

  /** Negotiated stream counts (min of what each side offered, §5.1.1). */
  get outboundStreams(): number {
    return this.numOutbound;
  }
  get inboundStreams(): number {
    return this.numInbound;
  }
  /** RFC 9653: both sides agreed to send zero checksums (SCTP over DTLS). */
  get zeroChecksumInUse(): boolean {
    return this.options.zeroChecksum && this.peerZeroChecksum;
  }
  get peerSupportsPartialReliability(): boolean {
    return this.peerForwardTsn;
  }
  /** Our verification tag and the peer's (0 while unknown). */
  get verificationTags(): { readonly local: number; readonly peer: number } {
    return { local: this.localTag, peer: this.peerTag };
  }
  get congestionWindow(): number {
    return this.cc.cwnd;
  }
  get currentRto(): number {
    return this.rto.rto;
  }

  // ───────────────────────────── sans-IO interface ─────────────────────────────

  /** Start the four-way handshake as the initiator (§5.1 A): send INIT, enter COOKIE-WAIT. */
  connect(now: number): void {
    this.now = now;
    if (this._state !== AssociationState.CLOSED) throw new Error(`connect() in state ${this._state}`);
    this.newTcb(randomTag(this.options.random), randomU32(this.options.random));
    this.initChunk = encodeChunk(initChunk(this.options, this.localTag, this.myInitialTsn));
    this.sendRaw(0, [this.initChunk]);
    this.t1Count = 0;
    this.t1At = now + this.rto.rto;
    this.setState(AssociationState.COOKIE_WAIT);
  }

  handleInput(now: number, packet: Uint8Array): void {
    this.now = now;
    this.stats.packetsReceived++;
    let p: Packet;
    try {
      // RFC 9653 §5.3: having offered zero checksums, accept a checksum of 0 as well as a correct one.
      p = decodePacket(packet, !(this.options.zeroChecksum && packet.length >= 12 && readChecksum(packet) === 0));
    } catch (e) {
      if (e instanceof ChecksumError) this.stats.badChecksum++;
      else if (isParseError(e)) {
        this.stats.parseErrors++;
        if (e.field === 'data.userData') this.onEmptyData(packet);
      } else throw e;
      return;
    }
    if (p.destinationPort !== this.options.localPort || p.sourcePort !== this.options.remotePort) {
      this.stats.badPort++;
      return;
    }
    this.handlePacket(p);
    this.dirty = true;
  }

  handleTimeout(now: number): void {
    this.now = now;
    if (this.t1At !== undefined && now >= this.t1At) this.onT1();
    if (this.t2At !== undefined && now >= this.t2At) this.onT2();
    if (this.t3At !== undefined && now >= this.t3At) this.onT3();
    if (this.delayedAckAt !== undefined && now >= this.delayedAckAt) {
      this.delayedAckAt = undefined;
      this.sackNow = true;
    }
    if (this.hbAt !== undefined && now >= this.hbAt) this.onHeartbeatTimer();
    if (this.reconfigAt !== undefined && now >= this.reconfigAt) this.onReconfigTimer();
    this.dirty = true;
  }

  nextTimeout(): number | undefined {
    let t: number | undefined;
    for (const x of [this.t1At, this.t2At, this.t3At, this.delayedAckAt, this.hbAt, this.reconfigAt]) {
      if (x !== undefined && (t === undefined || x < t)) t = x;
    }
    return t;
  }

  pollOutput(): SctpOutput | undefined {
    if (this.dirty) {
      this.dirty = false;
      this.flush();
    }
    return this.pollEvent();
  }

  /**
   * What is already queued (messages, state changes, packets built earlier) without building new
   * packets: a caller that reads a burst of datagrams drains events after each one and calls
   * pollOutput() once after the burst, so the burst gets one SACK (see SctpTransport).
   */
  pollEvent(): SctpOutput | undefined {
    if (this.outHeadIdx < this.outputs.length) {
      const o = this.outputs[this.outHeadIdx++];
      if (this.outHeadIdx === this.outputs.length) {
        this.outputs.length = 0;
        this.outHeadIdx = 0;
      }
      return o;
    }
    return undefined;
  }

  /** Queue a user message (§6.1). `data` is not copied: do not modify it afterwards. */
  send(now: number, streamId: number, ppid: number, data: Uint8Array, opts: SendOptions = {}): void {
    this.now = now;
    const s = this._state;
    if (s !== AssociationState.ESTABLISHED && s !== AssociationState.COOKIE_WAIT && s !== AssociationState.COOKIE_ECHOED) {
      throw new Error(`cannot send in state ${s}`);
    }
    if (data.length === 0) throw new Error('SCTP cannot carry an empty message (RFC 9260 §6.2: no user data)');
    if (streamId < 0 || streamId >= this.numOutbound) throw new Error(`stream ${streamId} out of range (${this.numOutbound} outbound streams)`);
    const m: OutMessage = {
      streamId,
      ppid,
      data,
      unordered: opts.unordered ?? false,
      maxRetransmits: opts.maxRetransmits,
      expiresAt: opts.maxLifetimeMs === undefined ? undefined : now + opts.maxLifetimeMs,
      offset: 0,
      ssn: 0,
      abandoned: false,
      chunks: [],
    };
    this.streams.enqueue(m);
    this.dirty = true;
  }

  /** Bytes queued on a stream and not yet transmitted once (W3C bufferedAmount). */
  bufferedAmount(streamId: number): number {
    return this.streams.bufferedAmount(streamId);
  }

  /** Emit `bufferedAmountLow` for the stream whenever its queue drops to `bytes` or below. */
  setBufferedAmountLowThreshold(streamId: number, bytes: number): void {
    this.streams.stream(streamId).lowThreshold = bytes;
  }

  /** Graceful shutdown (§9.2): deliver everything outstanding, then SHUTDOWN. */
  shutdown(now: number): void {
    this.now = now;
    if (this._state === AssociationState.ESTABLISHED) {
      this.setState(AssociationState.SHUTDOWN_PENDING);
      this.checkShutdownProgress();
    } else if (this._state === AssociationState.COOKIE_WAIT || this._state === AssociationState.COOKIE_ECHOED) {
      this.abort(now, 'shutdown before established');
    }
    this.dirty = true;
  }

  /** ABORT (§9.1): tell the peer and drop everything at once. */
  abort(now: number, reason = 'user abort'): void {
    this.now = now;
    if (this._state === AssociationState.CLOSED) return;
    if (this.peerTag !== 0) {
      this.sendRaw(this.peerTag, [encodeChunk({ type: ChunkType.ABORT, tBit: false, causes: [userInitiatedAbort(reason)] })]);
    }
    this.close('abort');
  }

  /**
   * Reset outgoing streams (RFC 6525 §5.1.2), e.g. to close a data channel. Waits until every
   * message already queued on the streams has been sent once, so the peer receives them first.
   */
  resetStreams(now: number, streamIds: readonly number[]): void {
    this.now = now;
    for (const id of streamIds) if (!this.resetQueue.includes(id)) this.resetQueue.push(id);
    this.dirty = true;
  }

  // ───────────────────────────── packet dispatch ─────────────────────────────

  private handlePacket(p: Packet): void {
    const chunks = p.chunks;
    if (chunks.length === 0) return;
    const first = chunks[0];
    const vtag = p.verificationTag;

    // INIT: alone in its packet with verification tag 0 (§6.10, §8.5.1 A).
    if (chunks.some((c) => c.type === ChunkType.INIT)) {
      if (chunks.length !== 1 || vtag !== 0) {
        this.stats.badVerificationTag++;
        return;
      }
      this.onInit(first as InitChunk);
      return;
    }
    // ABORT and SHUTDOWN COMPLETE: T bit says whose tag is reflected (§8.5.1 B, C).
    if (first.type === ChunkType.ABORT || first.type === ChunkType.SHUTDOWN_COMPLETE) {
      const t = (first as { tBit: boolean }).tBit;
      if (this._state === AssociationState.CLOSED) {
        this.stats.outOfTheBlue++; // §8.4 rules 2 and 6: discard.
        return;
      }
      const ok = t ? this.peerTag !== 0 && vtag === this.peerTag : vtag === this.localTag;
      if (!ok) {
        this.stats.badVerificationTag++;
        return;
      }
      if (first.type === ChunkType.ABORT) this.close('peer-abort', (first as { causes: readonly ErrorCause[] }).causes);
      else if (this._state === AssociationState.SHUTDOWN_ACK_SENT) this.close('shutdown');
      return;
    }
    let start = 0;
    if (first.type === ChunkType.COOKIE_ECHO) {
      // §8.5.1 D: the tag is checked against the cookie, not the current TCB.
      if (!this.onCookieEcho(vtag, (first as { cookie: Uint8Array }).cookie)) return;
      start = 1;
    } else if (this._state === AssociationState.CLOSED) {
      this.outOfTheBlue(p);
      return;
    } else if (
      first.type === ChunkType.SHUTDOWN_ACK &&
      (this._state === AssociationState.COOKIE_WAIT || this._state === AssociationState.COOKIE_ECHOED)
    ) {
      // §8.5.1 E then §8.4 rule 5: SHUTDOWN COMPLETE with the T bit, reflecting the tag.
      this.sendRaw(vtag, [encodeChunk({ type: ChunkType.SHUTDOWN_COMPLETE, tBit: true })]);
      return;
    } else if (vtag !== this.localTag) {
      this.stats.badVerificationTag++;
      return;
    }
    if (start > 0 && vtag !== this.localTag) return;

    let sawData = false;
    let immediate = false;
    const hadGaps = this.tracker?.hasGaps ?? false;
    const report: ErrorCause[] = [];
    for (let i = start; i < chunks.length; i++) {
      const c = chunks[i];
      if (this._state === AssociationState.CLOSED) break; // an ABORT earlier in the packet
      if (isUnknown(c)) {
        // §3.2: the upper two bits of an unknown chunk type say what to do.
        this.stats.unknownChunks++;
        const bits = c.type >>> 6;
        if (bits & 1) report.push(unrecognizedChunk(c.raw));
        if (bits & 2) continue;
        break;
      }
      switch (c.type) {
        case ChunkType.DATA:
          if (this.onData(c)) immediate = true;
          sawData = true;
          break;
        case ChunkType.INIT_ACK:
          this.onInitAck(c);
          break;
        case ChunkType.SACK:
          this.onSack(c);
          break;
        case ChunkType.HEARTBEAT:
          this.control.push(encodeChunk({ type: ChunkType.HEARTBEAT_ACK, info: c.info }));
          break;
        case ChunkType.HEARTBEAT_ACK:
          this.onHeartbeatAck(c.info);
          break;
        case ChunkType.ABORT:
          this.close('peer-abort', c.causes);
          break;
        case ChunkType.SHUTDOWN:
          this.onShutdown(c.cumulativeTsnAck);
          break;
        case ChunkType.SHUTDOWN_ACK:
          this.onShutdownAck();
          break;
        case ChunkType.ERROR:
          if (this._state === AssociationState.COOKIE_ECHOED && c.causes.some((x) => x.code === CauseCode.STALE_COOKIE_ERROR)) {
            // §5.2.6: our cookie went stale in transit; start over with a fresh INIT.
            this.control = this.control.filter((x) => x !== this.cookieEcho);
            this.cookieEcho = undefined;
            this.peerTag = 0;
            this.tracker = undefined;
            if (this.initChunk) this.sendRaw(0, [this.initChunk]);
            this.t1At = this.now + this.rto.rto;
            this.setState(AssociationState.COOKIE_WAIT);
            break;
          }
          this.emit({ type: 'error', causes: c.causes });
          break;
        case ChunkType.COOKIE_ECHO:
          break; // only meaningful first in a packet
        case ChunkType.COOKIE_ACK:
          if (this._state === AssociationState.COOKIE_ECHOED) {
            // The COOKIE ECHO round trip is a first RTT sample unless it was retransmitted (Karn);
            // either way the handshake's T1 backoff is dropped.
            if (this.t1Count === 0) this.rto.measure(this.now - this.cookieSentAt);
            else this.rto.reset();
            this.established();
          }
          break;
        case ChunkType.SHUTDOWN_COMPLETE:
          break; // only meaningful first in a packet (handled above)
        case ChunkType.FORWARD_TSN:
          this.onForwardTsn(c);
          break;
        case ChunkType.RE_CONFIG:
          this.onReconfig(c);
          break;
      }
    }
    if (report.length) this.control.push(encodeChunk({ type: ChunkType.ERROR, causes: report }));

    if (sawData && this.tracker) {
      if (this._state === AssociationState.SHUTDOWN_SENT) {
        // §9.2: answer DATA with SHUTDOWN (plus a SACK when SHUTDOWN alone cannot say it all).
        this.control.push(encodeChunk({ type: ChunkType.SHUTDOWN, cumulativeTsnAck: wireTsn(this.tracker.cumulative) }));
        this.t2At = this.now + this.rto.rto;
        if (this.tracker.hasGaps || this.dupTsns.length) this.sackNow = true;
      } else {
        // §6.2: SACK at least every second packet, within 200 ms, at once on gaps or duplicates.
        this.packetsSinceSack++;
        if (immediate || hadGaps || this.tracker.hasGaps || this.dupTsns.length || this.packetsSinceSack >= 2) {
          this.sackNow = true;
        } else if (this.delayedAckAt === undefined) {
          this.delayedAckAt = this.now + this.options.delayedAckMs;
        }
      }
      this.checkDeferredReset();
    }
  }

  /**
   * §6.2: a DATA chunk with no user data (length 16) MUST be answered with ABORT "No User Data".
   * The packet failed to decode, so check by hand that it is the peer's (our tag, our ports,
   * §8.5) before tearing the association down; anything else stays a dropped, counted packet.
   */
  private onEmptyData(packet: Uint8Array): void {
    const s = this._state;
    if (s === AssociationState.CLOSED || s === AssociationState.COOKIE_WAIT || this.peerTag === 0) return;
    if (readU32(packet, 4) !== this.localTag) return;
    if (readU16(packet, 0) !== this.options.remotePort || readU16(packet, 2) !== this.options.localPort) return;
    for (let at = 12; at + 4 <= packet.length; ) {
      const len = readU16(packet, at + 2);
      if (len < 4) return;
      if (packet[at] === ChunkType.DATA && len === 16 && at + 8 <= packet.length) {
        this.sendRaw(this.peerTag, [encodeChunk({ type: ChunkType.ABORT, tBit: false, causes: [noUserData(readU32(packet, at + 4))] })]);
        this.close('abort', [noUserData(readU32(packet, at + 4))]);
        return;
      }
      at += pad4(len);
    }
  }

  /** §8.4: a packet for which we hold no association. */
  private outOfTheBlue(p: Packet): void {
    this.stats.outOfTheBlue++;
    for (const c of p.chunks) {
      if (c.type === ChunkType.SHUTDOWN_ACK) {
        this.sendRaw(p.verificationTag, [encodeChunk({ type: ChunkType.SHUTDOWN_COMPLETE, tBit: true })]);
        return;
      }
      if (c.type === ChunkType.ERROR || c.type === ChunkType.COOKIE_ACK || c.type === ChunkType.SHUTDOWN_COMPLETE) return;
    }
    this.sendRaw(p.verificationTag, [encodeChunk({ type: ChunkType.ABORT, tBit: true, causes: [] })]);
  }

  // ───────────────────────────── handshake (§5) ─────────────────────────────

  /** INIT received (§5.1 B; collisions §5.2.1, §5.2.2). We answer without keeping state. */
  private onInit(init: InitChunk): void {
    if (init.initiateTag === 0 || init.outboundStreams === 0 || init.inboundStreams === 0) {
      this.stats.parseErrors++; // §5.1: invalid INIT, discard
      return;
    }
    if (this._state === AssociationState.SHUTDOWN_ACK_SENT) {
      // §9.2: the peer lost our SHUTDOWN COMPLETE exchange; repeat SHUTDOWN ACK.
      this.control.push(encodeChunk({ type: ChunkType.SHUTDOWN_ACK, tBit: false }));
      return;
    }
    const scan = scanInitParams(init.params);
    const tags = initAckTags(
      { state: this._state, localTag: this.localTag, peerTag: this.peerTag, initialTsn: this.myInitialTsn },
      this.options.random,
    );
    const ack = initAckChunk(this.options, this.now, init, tags, peerFeatures(scan.params), scan.unrecognized);
    this.sendRaw(init.initiateTag, [encodeChunk(ack)]);
  }

  /** INIT ACK received (§5.1 C): only meaningful in COOKIE-WAIT (§5.2.3). */
  private onInitAck(ack: InitChunk): void {
    if (this._state !== AssociationState.COOKIE_WAIT) return;
    if (ack.initiateTag === 0 || ack.outboundStreams === 0 || ack.inboundStreams === 0) return;
    const cookie = ack.params.find((p) => p.kind === 'stateCookie');
    if (!cookie || cookie.kind !== 'stateCookie') {
      this.stats.parseErrors++; // §5.1: missing mandatory parameter
      return;
    }
    const scan = scanInitParams(ack.params);
    const f = peerFeatures(scan.params);
    this.peerTag = ack.initiateTag;
    this.peerForwardTsn = f.fwd;
    this.peerReconfig = f.reconfig;
    this.peerZeroChecksum = f.zero;
    this.numOutbound = Math.min(this.options.outboundStreams, ack.inboundStreams);
    this.numInbound = Math.min(this.options.inboundStreams, ack.outboundStreams);
    this.peerRwnd = ack.aRwnd;
    this.setupReceiver(ack.initialTsn);
    this.cookieEcho = encodeChunk({ type: ChunkType.COOKIE_ECHO, cookie: cookie.cookie });
    // COOKIE ECHO must be the first chunk of its packet (§5.1 C, §6.10).
    this.control.unshift(this.cookieEcho);
    if (scan.unrecognized.length) {
      this.control.push(encodeChunk({ type: ChunkType.ERROR, causes: [unrecognizedParams(scan.unrecognized)] }));
    }
    this.t1Count = 0;
    this.cookieSentAt = this.now;
    this.t1At = this.now + this.rto.rto;
    this.setState(AssociationState.COOKIE_ECHOED);
  }

  /**
   * COOKIE ECHO (§5.1 D, §5.2.4). Returns false when the packet must be dropped. The cookie's
   * MAC and age are checked before anything in it is believed.
   */
  private onCookieEcho(vtag: number, bytes: Uint8Array): boolean {
    let r = openCookie(this.options.cookieSecret, bytes, this.now);
    // §5.1.5 step 3 before step 4: an authentic cookie in a packet with the wrong verification tag
    // is dropped silently, stale or not (no Stale Cookie ERROR for a packet that is not the peer's).
    if ((r.ok || r.reason === 'stale') && vtag !== r.cookie.localTag) {
      this.stats.badVerificationTag++;
      return false;
    }
    // §5.2.4 step 3: a stale cookie whose tags both match the current association is still
    // valid (our COOKIE ACK was lost and the peer kept retransmitting).
    if (
      !r.ok &&
      r.reason === 'stale' &&
      this._state !== AssociationState.CLOSED &&
      r.cookie.localTag === this.localTag &&
      r.cookie.peerTag === this.peerTag
    ) {
      r = { ok: true, cookie: r.cookie };
    }
    if (!r.ok) {
      if (r.reason === 'stale') {
        this.stats.staleCookie++;
        // §5.2.6 / §3.3.10.3: tell the peer how stale, in microseconds.
        this.sendRaw(r.cookie.peerTag, [encodeChunk({ type: ChunkType.ERROR, causes: [staleCookie(r.stalenessMs * 1000)] })]);
      } else this.stats.badCookie++;
      return false;
    }
    const c = r.cookie;
    const ack = encodeChunk({ type: ChunkType.COOKIE_ACK, tBit: false });
    if (this._state === AssociationState.CLOSED) {
      this.fromCookie(c, true);
      this.established();
      this.control.unshift(ack);
      return true;
    }
    // §5.2.4: what the cookie's tags say about the existing association (handshake.ts).
    switch (cookieCase(c, this.localTag, this.peerTag)) {
      case 'restart': // A: the peer restarted
        if (this._state === AssociationState.SHUTDOWN_ACK_SENT) {
          this.sendRaw(c.peerTag, [
            encodeChunk({ type: ChunkType.SHUTDOWN_ACK, tBit: false }),
            encodeChunk({ type: ChunkType.ERROR, causes: [cookieWhileShuttingDown()] }),
          ]);
          return false;
        }
        this.fromCookie(c, true);
        this.emit({ type: 'restarted' });
        this.established();
        this.control.unshift(ack);
        return true;
      case 'collision': // B: INIT collision; adopt the peer's tag and parameters from the cookie
        this.fromCookie(c, false);
        if (this._state === AssociationState.COOKIE_WAIT || this._state === AssociationState.COOKIE_ECHOED) this.established();
        this.control.unshift(ack);
        return true;
      case 'duplicate': // D: our COOKIE ACK was lost, or the collision's second cookie
        if (this._state === AssociationState.COOKIE_ECHOED || this._state === AssociationState.COOKIE_WAIT) this.established();
        this.control.unshift(ack);
        return true;
      case 'discard': // C and anything else: silently discard
        this.stats.badCookie++;
        return false;
    }
  }

  /** Build (restart) or update (collision) the TCB from a verified cookie. */
  private fromCookie(c: CookieContents, fresh: boolean): void {
    if (fresh) this.newTcb(c.localTag, c.localInitialTsn);
    this.peerTag = c.peerTag;
    this.peerForwardTsn = c.peerForwardTsn;
    this.peerReconfig = c.peerReconfig;
    this.peerZeroChecksum = c.peerZeroChecksum ?? false;
    this.numOutbound = c.outboundStreams;
    this.numInbound = c.inboundStreams;
    this.peerRwnd = c.peerArwnd;
    this.setupReceiver(c.peerInitialTsn);
  }

  private newTcb(localTag: number, initialTsn: number): void {
    this.localTag = localTag;
    this.peerTag = 0;
    this.myInitialTsn = initialTsn;
    this.nextTsn = initialTsn;
    this.cumAckPoint = initialTsn - 1;
    this.advancedPeerAckPoint = this.cumAckPoint;
    this.myReqSeq = initialTsn; // RFC 6525 §5.1.1: request sequence numbers start at the initial TSN
    resetCongestion(this.cc, this.options.mtu, this.options.receiveWindow);
    this.flightSize = 0;
    this.outstanding = [];
    this.outstandingHead = 0;
    this.rtxQueue = [];
    this.forwardTsnNeeded = false;
    this.errorCount = 0;
    this.rttProbeTsn = undefined;
    this.peerZeroChecksum = false;
    this.lastGapBlocks = new Map();
    this.outgoingReset = undefined;
    this.deferredPeerReset = undefined;
    this.lastPeerResponse = undefined;
    this.streams.resetSsns();
    this.reassembler = new Reassembler((m) => {
      this.stats.messagesDelivered++;
      this.emit({ type: 'message', streamId: m.streamId, ppid: m.ppid, data: m.data, unordered: m.unordered });
    });
  }

  private setupReceiver(peerInitialTsn: number): void {
    this.tracker = new TsnTracker(peerInitialTsn);
    this.peerNextReqSeq = peerInitialTsn;
    this.sackNow = false;
    this.delayedAckAt = undefined;
    this.packetsSinceSack = 0;
    this.dupTsns = [];
  }

  private established(): void {
    this.t1At = undefined;
    this.initChunk = undefined;
    this.cookieEcho = undefined;
    this.setState(AssociationState.ESTABLISHED);
    this.emit({ type: 'connected' });
    if (this.options.heartbeatIntervalMs > 0) this.hbAt = this.now + this.options.heartbeatIntervalMs + this.rto.rto;
  }

  /** T1-init / T1-cookie expiry (§5.1 and §6.3.3's backoff). */
  private onT1(): void {
    this.t1Count++;
    if (this.t1Count > this.options.maxInitRetransmits) {
      this.close('init-timeout');
      return;
    }
    this.rto.backOff();
    this.t1At = this.now + this.rto.rto;
    if (this._state === AssociationState.COOKIE_WAIT && this.initChunk) this.sendRaw(0, [this.initChunk]);
    else if (this._state === AssociationState.COOKIE_ECHOED && this.cookieEcho) {
      if (this.control[0] !== this.cookieEcho) this.control.unshift(this.cookieEcho);
    } else this.t1At = undefined;
  }

  // ───────────────────────────── shutdown (§9.2) ─────────────────────────────

  private allDataAcked(): boolean {
    return this.streams.queuedMessages === 0 && this.outstandingHead >= this.outstanding.length;
  }

  private checkShutdownProgress(): void {
    if (!this.allDataAcked() || !this.tracker) return;
    if (this._state === AssociationState.SHUTDOWN_PENDING) {
      this.control.push(encodeChunk({ type: ChunkType.SHUTDOWN, cumulativeTsnAck: wireTsn(this.tracker.cumulative) }));
      this.errorCount = 0;
      this.t2At = this.now + this.rto.rto;
      this.t3At = undefined;
      this.setState(AssociationState.SHUTDOWN_SENT);
    } else if (this._state === AssociationState.SHUTDOWN_RECEIVED) {
      this.control.push(encodeChunk({ type: ChunkType.SHUTDOWN_ACK, tBit: false }));
      this.errorCount = 0;
      this.t2At = this.now + this.rto.rto;
      this.t3At = undefined;
      this.setState(AssociationState.SHUTDOWN_ACK_SENT);
    }
  }

  private onShutdown(cumWire: number): void {
    switch (this._state) {
      case AssociationState.ESTABLISHED:
      case AssociationState.SHUTDOWN_PENDING:
        this.ackUpTo(cumWire);
        this.setState(AssociationState.SHUTDOWN_RECEIVED);
        this.checkShutdownProgress();
        break;
      case AssociationState.SHUTDOWN_RECEIVED:
        this.ackUpTo(cumWire);
        this.checkShutdownProgress();
        break;
      case AssociationState.SHUTDOWN_SENT:
        // Both sides shut down at once: answer with SHUTDOWN ACK.
        this.control.push(encodeChunk({ type: ChunkType.SHUTDOWN_ACK, tBit: false }));
        this.t2At = this.now + this.rto.rto;
        this.setState(AssociationState.SHUTDOWN_ACK_SENT);
        break;
      case AssociationState.SHUTDOWN_ACK_SENT:
        this.control.push(encodeChunk({ type: ChunkType.SHUTDOWN_ACK, tBit: false }));
        break;
    }
  }

  private onShutdownAck(): void {
    if (this._state === AssociationState.SHUTDOWN_SENT || this._state === AssociationState.SHUTDOWN_ACK_SENT) {
      this.sendRaw(this.peerTag, [encodeChunk({ type: ChunkType.SHUTDOWN_COMPLETE, tBit: false })]);
      this.close('shutdown');
    }
  }

  private onT2(): void {
    this.errorCount++;
    if (this.errorCount > this.options.maxRetransmits) {
      this.close('retransmit-limit');
      return;
    }
    this.rto.backOff();
    this.t2At = this.now + this.rto.rto;
    if (this._state === AssociationState.SHUTDOWN_SENT && this.tracker) {
      this.control.push(encodeChunk({ type: ChunkType.SHUTDOWN, cumulativeTsnAck: wireTsn(this.tracker.cumulative) }));
    } else if (this._state === AssociationState.SHUTDOWN_ACK_SENT) {
      this.control.push(encodeChunk({ type: ChunkType.SHUTDOWN_ACK, tBit: false }));
    } else this.t2At = undefined;
  }

  private close(reason: CloseReason, causes?: readonly ErrorCause[]): void {
    if (this._state === AssociationState.CLOSED) return;
    this.t1At = this.t2At = this.t3At = this.delayedAckAt = this.hbAt = this.reconfigAt = undefined;
    this.streams.clear();
    this.outstanding = [];
    this.outstandingHead = 0;
    this.rtxQueue = [];
    this.control = [];
    this.sackNow = false;
    this.flightSize = 0;
    this.resetQueue = [];
    this.tracker = undefined;
    this.setState(AssociationState.CLOSED);
    this.localTag = 0;
    this.peerTag = 0;
    this.emit(causes && causes.length ? { type: 'closed', reason, causes } : { type: 'closed', reason });
  }

  // ───────────────────────────── receiving data (§6.2) ─────────────────────────────

  /** Returns true when the chunk asks for an immediate SACK (I bit, RFC 7053). */
  private onData(c: DataChunk): boolean {
    const tr = this.tracker;
    if (!tr || this._state === AssociationState.COOKIE_WAIT) return false;
    this.stats.dataChunksReceived++;
    const tsn = unwrapTsn(c.tsn, tr.cumulative);
    if (tr.has(tsn)) {
      this.stats.duplicateTsnsReceived++;
      if (this.dupTsns.length < MAX_DUP_TSNS) this.dupTsns.push(c.tsn);
      return true;
    }
    // §6.2: with no room, drop DATA beyond the highest TSN seen so far.
    if (this.reassembler.bufferedBytes + c.userData.length > this.options.receiveWindow && tsn > tr.highest) return true;
    tr.add(tsn);
    if (c.streamId >= this.numInbound) {
      // §6.5: acknowledge, discard, report Invalid Stream Identifier.
      const v = new Uint8Array(4);
      writeU16(v, 0, c.streamId);
      this.control.push(encodeChunk({ type: ChunkType.ERROR, causes: [{ code: CauseCode.INVALID_STREAM_IDENTIFIER, value: v }] }));
      return true;
    }
    this.reassembler.add(tsn, c.streamId, c.ssn, c.ppid, c.flags, c.userData);
    return (c.flags & DataFlag.IMMEDIATE) !== 0;
  }

  private sackChunk(): SackChunk {
    const dups = this.dupTsns;
    this.dupTsns = [];
    return buildSack(this.tracker!, dups, this.options.mtu, this.options.receiveWindow, this.reassembler.bufferedBytes);
  }

  /** FORWARD TSN (RFC 3758 §3.6). */
  private onForwardTsn(c: ForwardTsnChunk): void {
    const tr = this.tracker;
    if (!tr) return;
    const newCum = unwrapTsn(c.newCumulativeTsn, tr.cumulative);
    if (newCum > tr.cumulative) {
      tr.forwardTo(newCum);
      this.reassembler.forward(newCum, c.streams);
    }
    this.sackNow = true; // §3.6: SACK at once
    this.checkDeferredReset();
  }

  // ───────────────────────────── SACK processing (§6.2.1, §7) ─────────────────────────────

  /** Advance the cumulative ack point; returns [bytes newly acked, RTT sample or -1]. */
  private ackUpTo(cumWire: number): [number, number] {
    const cum = unwrapTsn(cumWire, this.cumAckPoint);
    if (cum <= this.cumAckPoint || cum >= this.nextTsn) return [0, -1];
    let bytes = 0;
    let rtt = -1;
    const q = this.outstanding;
    let h = this.outstandingHead;
    while (h < q.length && q[h].tsn <= cum) {
      const c = q[h++];
      if (!c.acked && !c.abandoned) {
        bytes += c.data.length;
        if (c.tsn === this.rttProbeTsn) {
          rtt = this.now - c.sentAt;
          this.rttProbeTsn = undefined;
        }
      }
      if (c.inFlight) this.flightSize -= c.data.length;
      c.inFlight = false;
      c.acked = true;
      c.retransmit = false;
    }
    if (h > 4096 && h * 2 > q.length) {
      this.outstanding = q.slice(h);
      h = 0;
    }
    this.outstandingHead = h;
    this.cumAckPoint = cum;
    if (this.advancedPeerAckPoint < cum) this.advancedPeerAckPoint = cum;
    return [bytes, rtt];
  }

  private onSack(s: SackChunk): void {
    const st = this._state;
    if (st === AssociationState.CLOSED || st === AssociationState.COOKIE_WAIT || st === AssociationState.COOKIE_ECHOED) return;
    this.stats.sacksReceived++;
    const cum = unwrapTsn(s.cumulativeTsnAck, this.cumAckPoint);
    if (cum < this.cumAckPoint || cum >= this.nextTsn) return; // §6.2.1 D i): out of date, or nonsense
    const flightBefore = this.flightSize;
    const oldCum = this.cumAckPoint;
    let [bytesAcked, rtt] = this.ackUpTo(s.cumulativeTsnAck);
    const cumAdvanced = this.cumAckPoint > oldCum;
    let htna = cumAdvanced ? this.cumAckPoint : -1;
    let highestGapAcked = -1;
    // Gap blocks: mark acked. Gap-acked TSNs stay acked (our peers do not renege), so a block
    // already walked in the previous SACK is only walked from where it ended then: the cost per
    // SACK is what is new, not the whole window.
    const seen = this.lastGapBlocks;
    const now: Map<number, number> = new Map();
    for (const g of s.gapBlocks) {
      if (g.start > g.end) continue;
      const first = this.cumAckPoint + g.start;
      const end = Math.min(this.cumAckPoint + g.end, this.nextTsn - 1);
      now.set(first, end);
      const prevEnd = seen.get(first);
      for (let t = prevEnd === undefined ? first : Math.max(first, prevEnd + 1); t <= end; t++) {
        const c = chunkAt(this.outstanding, this.outstandingHead, t);
        if (!c || c.acked) continue;
        c.acked = true;
        if (c.inFlight) this.flightSize -= c.data.length;
        c.inFlight = false;
        c.retransmit = false;
        if (!c.abandoned) {
          bytesAcked += c.data.length;
          if (c.tsn === this.rttProbeTsn) {
            rtt = this.now - c.sentAt;
            this.rttProbeTsn = undefined;
          }
        }
        if (t > htna) htna = t;
      }
      if (end > highestGapAcked) highestGapAcked = end;
    }
    this.lastGapBlocks = now;
    // §6.2.1: the peer's window, less what is still in flight.
    this.peerRwnd = Math.max(0, s.aRwnd - this.flightSize);
    if (rtt >= 0) this.rto.measure(rtt);
    if (bytesAcked > 0) this.errorCount = 0;

    // §7.2.4 miss indications, with HTNA: only chunks below the highest newly acked TSN count.
    let newFastRtx = false;
    const limit = this.cc.fastRecovery && cumAdvanced ? highestGapAcked : htna;
    if (s.gapBlocks.length && limit > this.cumAckPoint) {
      // Walk only the holes between gap blocks (the TSNs the SACK reports missing).
      let holeStart = this.cumAckPoint + 1;
      const holes: [number, number][] = [];
      for (const g of s.gapBlocks) {
        if (g.start > g.end) continue;
        holes.push([holeStart, this.cumAckPoint + g.start - 1]);
        holeStart = this.cumAckPoint + g.end + 1;
      }
      for (const [from, to] of holes) {
        for (let t = from; t <= to && t < limit; t++) {
          const c = chunkAt(this.outstanding, this.outstandingHead, t);
          if (!c || c.acked || c.abandoned || !c.inFlight || c.fastRetransmitted) continue;
          if (++c.misses >= 3) {
            if (shouldAbandon(c, this.now, this.peerForwardTsn)) {
              this.abandon(c.msg);
              continue;
            }
            c.misses = 0;
            c.fastRetransmitted = true;
            this.markRetransmit(c);
            this.stats.fastRetransmits++;
            newFastRtx = true;
          }
        }
      }
    }

    // §7.2.1 / §7.2.2: grow cwnd when the cumulative ack advances and cwnd was in use.
    const mtu = this.options.mtu;
    if (cumAdvanced) onCumulativeAckAdvanced(this.cc, this.cumAckPoint, flightBefore, bytesAcked, mtu);
    if (this.flightSize === 0) this.cc.partialBytesAcked = 0;
    // §7.2.4: enter fast recovery once per loss episode.
    if (newFastRtx && !this.cc.fastRecovery) {
      enterFastRecovery(this.cc, mtu, this.nextTsn - 1);
      this.forceRetransmit = true;
    }
    this.advancePeerAckPoint();
    // §6.3.2 R2/R3: stop T3 when nothing is outstanding, restart it when the cum ack moves.
    if (this.flightSize > 0) {
      if (cumAdvanced || this.t3At === undefined) this.t3At = this.now + this.rto.rto;
    } else if (!this.forwardTsnNeeded && this.advancedPeerAckPoint <= this.cumAckPoint) this.t3At = undefined;
    this.checkShutdownProgress();
  }

  private markRetransmit(c: OutChunk): void {
    if (c.tsn === this.rttProbeTsn) this.rttProbeTsn = undefined; // Karn: never time a retransmission
    if (c.inFlight) this.flightSize -= c.data.length;
    c.inFlight = false;
    if (!c.retransmit) {
      c.retransmit = true;
      if (this.rtxQueue.length && this.rtxQueue[this.rtxQueue.length - 1].tsn > c.tsn) this.rtxSortNeeded = true;
      this.rtxQueue.push(c);
    }
  }

  /** T3-rtx expiry (§6.3.3). */
  private onT3(): void {
    this.t3At = undefined;
    if (this.outstandingHead >= this.outstanding.length && this.advancedPeerAckPoint <= this.cumAckPoint) return;
    this.stats.t3Expirations++;
    this.errorCount++;
    if (this.errorCount > this.options.maxRetransmits) {
      this.close('retransmit-limit');
      return;
    }
    this.rto.backOff();
    onRetransmitTimeout(this.cc, this.options.mtu); // §7.2.3
    for (let i = this.outstandingHead; i < this.outstanding.length; i++) {
      const c = this.outstanding[i];
      if (c.acked || c.abandoned) continue;
      if (shouldAbandon(c, this.now, this.peerForwardTsn)) {
        this.abandon(c.msg);
        continue;
      }
      c.fastRetransmitted = false;
      c.misses = 0;
      this.markRetransmit(c);
    }
    this.advancePeerAckPoint();
    if (this.advancedPeerAckPoint > this.cumAckPoint) this.forwardTsnNeeded = true;
    this.t3At = this.now + this.rto.rto;
  }

  // ───────────────────────────── partial reliability (RFC 3758) ─────────────────────────────

  /** Abandon every chunk of a message (§3.5 A3: all fragments together) and what is still unsent. */
  private abandon(m: OutMessage): void {
    if (m.abandoned) return;
    m.abandoned = true;
    this.stats.abandonedMessages++;
    if (m.offset < m.data.length) {
      const st = this.streams.stream(m.streamId);
      this.streams.reduceQueued(st, m.streamId, m.data.length - m.offset);
      m.offset = m.data.length;
    }
    for (const c of m.chunks) {
      if (c.acked || c.abandoned) continue;
      c.abandoned = true;
      if (c.inFlight) this.flightSize -= c.data.length;
      c.inFlight = false;
      c.retransmit = false;
    }
  }

  /** §3.5 C1-C2: move the Advanced.Peer.Ack.Point over abandoned chunks. */
  private advancePeerAckPoint(): void {
    if (!this.peerForwardTsn) return;
    this.advancedPeerAckPoint = skipAbandoned(
      this.outstanding,
      this.outstandingHead,
      Math.max(this.advancedPeerAckPoint, this.cumAckPoint),
    );
    if (this.advancedPeerAckPoint > this.cumAckPoint) {
      this.forwardTsnNeeded = true;
      if (this.t3At === undefined) this.t3At = this.now + this.rto.rto; // C3
    } else this.forwardTsnNeeded = false;
  }

  // ───────────────────────────── stream reset (RFC 6525) ─────────────────────────────

  private onReconfig(c: ReconfigChunk): void {
    for (const p of c.params) this.onReconfigParam(p);
  }

  private respond(seq: number, result: number): void {
    this.lastPeerResponse = { seq, result };
    this.control.push(reconfigResponse(seq, result));
  }

  private onReconfigParam(p: ReconfigParam): void {
    const tr = this.tracker;
    if (!tr) return;
    switch (p.kind) {
      case 'outgoingSsnReset': {
        const seq = p.requestSeq;
        if (seq === this.peerNextReqSeq) {
          if (this.deferredPeerReset?.seq !== seq) {
            const lastTsn = unwrapTsn(p.senderLastTsn, tr.cumulative);
            this.deferredPeerReset = { seq, lastTsn, streamIds: p.streamIds };
            this.checkDeferredReset();
          }
          // §5.2.2 E2: still waiting for DATA up to the sender's last TSN ("deferred reset
          // processing"): answer "In progress" to the request and to each retransmission of it.
          if (this.deferredPeerReset?.seq === seq) this.respond(seq, ReconfigResult.IN_PROGRESS);
        } else if (this.lastPeerResponse && seq === this.lastPeerResponse.seq) {
          this.respond(seq, this.lastPeerResponse.result); // a retransmitted request
        } else this.respond(seq, ReconfigResult.ERROR_BAD_SEQUENCE_NUMBER);
        break;
      }
      case 'response': {
        const req = this.outgoingReset;
        if (!req || p.responseSeq !== req.seq) return;
        if (p.result === ReconfigResult.IN_PROGRESS) {
          this.reconfigAt = this.now + this.rto.rto;
          return;
        }
        this.outgoingReset = undefined;
        this.reconfigAt = undefined;
        if (p.result === ReconfigResult.SUCCESS_PERFORMED || p.result === ReconfigResult.SUCCESS_NOTHING_TO_DO) {
          for (const id of req.streamIds) this.streams.stream(id).nextSsn = 0;
          this.emit({ type: 'streamsReset', direction: 'outgoing', streamIds: req.streamIds });
        } else {
          this.emit({ type: 'error', causes: [] });
        }
        break;
      }
      case 'incomingSsnReset':
      case 'ssnTsnReset':
      case 'addOutgoingStreams':
      case 'addIncomingStreams':
        this.respond(p.requestSeq, ReconfigResult.DENIED);
        break;
      case 'raw':
        break;
    }
  }

  /** RFC 6525 §5.2.2: perform a peer's outgoing reset once every TSN up to its last one arrived. */
  private checkDeferredReset(): void {
    const d = this.deferredPeerReset;
    if (!d || !this.tracker || this.tracker.cumulative < d.lastTsn) return;
    this.deferredPeerReset = undefined;
    for (const id of d.streamIds) this.reassembler.resetStream(id);
    this.peerNextReqSeq = (this.peerNextReqSeq + 1) >>> 0;
    this.respond(d.seq, ReconfigResult.SUCCESS_PERFORMED);
    this.emit({ type: 'streamsReset', direction: 'incoming', streamIds: d.streamIds });
  }

  private trySendReset(): void {
    if (this.outgoingReset || this.resetQueue.length === 0) return;
    const st = this._state;
    if (st !== AssociationState.ESTABLISHED && st !== AssociationState.SHUTDOWN_PENDING) return;
    const ready = this.resetQueue.filter((id) => this.streams.pendingMessages(id) === 0);
    if (ready.length === 0) return;
    this.resetQueue = this.resetQueue.filter((id) => !ready.includes(id));
    if (!this.peerReconfig) {
      // Without RE-CONFIG support there is nothing to negotiate.
      for (const id of ready) this.streams.stream(id).nextSsn = 0;
      this.emit({ type: 'streamsReset', direction: 'outgoing', streamIds: ready });
      return;
    }
    this.outgoingReset = { seq: this.myReqSeq, streamIds: ready, lastTsn: this.nextTsn - 1 };
    this.myReqSeq = (this.myReqSeq + 1) >>> 0;
    this.control.push(outgoingResetRequest(this.outgoingReset, this.peerNextReqSeq));
    this.reconfigAt = this.now + this.rto.rto;
  }

  private onReconfigTimer(): void {
    this.reconfigAt = undefined;
    if (!this.outgoingReset) return;
    this.errorCount++;
    if (this.errorCount > this.options.maxRetransmits) {
      this.close('retransmit-limit');
      return;
    }
    this.control.push(outgoingResetRequest(this.outgoingReset, this.peerNextReqSeq));
    this.reconfigAt = this.now + this.rto.rto;
  }

  // ───────────────────────────── heartbeat (§8.3) ─────────────────────────────

  private onHeartbeatTimer(): void {
    const st = this._state;
    if (st === AssociationState.CLOSED || st === AssociationState.COOKIE_WAIT || st === AssociationState.COOKIE_ECHOED) {
      this.hbAt = undefined;
      return;
    }
    if (this.hbNonce !== undefined) {
      this.errorCount++;
      if (this.errorCount > this.options.maxRetransmits) {
        this.close('retransmit-limit');
        return;
      }
    }
    this.hbNonce = randomU32(this.options.random);
    this.control.push(encodeChunk({ type: ChunkType.HEARTBEAT, info: heartbeatInfo(this.now, this.hbNonce) }));
    this.hbAt = this.now + this.options.heartbeatIntervalMs + this.rto.rto;
  }

  private onHeartbeatAck(info: Uint8Array): void {
    const sent = heartbeatSentAt(info, this.hbNonce);
    if (sent === undefined) return;
    this.hbNonce = undefined;
    this.errorCount = 0;
    if (this.now >= sent) this.rto.measure(this.now - sent);
  }

  // ───────────────────────────── transmission ─────────────────────────────

  private canSendData(): boolean {
    const s = this._state;
    return (
      s === AssociationState.ESTABLISHED ||
      s === AssociationState.SHUTDOWN_PENDING ||
      s === AssociationState.SHUTDOWN_RECEIVED
    );
  }

  /** Build as many packets as cwnd, the peer's window and the queues allow (§6.1, §6.10 bundling). */
  private flush(): void {
    if (this._state === AssociationState.CLOSED) return;
    this.trySendReset();
    if (this.rtxSortNeeded) {
      this.rtxQueue.sort((a, b) => a.tsn - b.tsn);
      this.rtxSortNeeded = false;
    }
    const mtu = this.options.mtu;
    const dataOk = this.canSendData();
    for (;;) {
      if (!this.hasWork(dataOk)) break;
      const wantData = dataOk && (this.rtxQueue.length > 0 || this.streams.queuedMessages > 0);
      const sack =
        this.tracker && this.peerTag !== 0 && (this.sackNow || (this.delayedAckAt !== undefined && wantData))
          ? this.sackChunk()
          : undefined;
      const sackBytes = sack ? sackSize(sack) : 0;
      const sackOnly = sack !== undefined && this.control.length === 0 && !this.hasWork(dataOk, true);
      // A SACK on its own gets a packet of exactly its size; anything else a full-MTU buffer.
      const buf = this.packetBuffer(sackOnly ? 12 + sackBytes : mtu);
      let len = 12;
      let sentData = false;
      // Control chunks first; one larger than the MTU goes out alone.
      while (this.control.length) {
        const c = this.control[0];
        if (len + c.length > mtu && len > 12) break;
        if (len + c.length > mtu) {
          this.control.shift();
          this.sendRaw(this.peerTag, [c]);
          continue;
        }
        buf.set(c, len);
        len += c.length;
        this.control.shift();
      }
      if (sack) {
        if (len + sackBytes <= buf.length) {
          len = writeSack(buf, len, sack);
          this.sackNow = false;
          this.delayedAckAt = undefined;
          this.packetsSinceSack = 0;
          this.stats.sacksSent++;
        } else {
          // No room after the control chunks: put the gap info back for the next packet.
          this.dupTsns = [...sack.duplicateTsns, ...this.dupTsns];
          this.sackNow = true;
        }
      }
      if (this.forwardTsnNeeded && this.advancedPeerAckPoint > this.cumAckPoint && dataOk) {
        const f = encodeChunk(forwardTsnChunk(this.outstanding, this.outstandingHead, this.cumAckPoint, this.advancedPeerAckPoint));
        if (len + f.length <= mtu) {
          buf.set(f, len);
          len += f.length;
          this.forwardTsnNeeded = false;
          this.stats.forwardTsnsSent++;
        }
      }
      if (dataOk) {
        // Retransmissions before new data (§6.1 C, §7.2.4 step 3).
        while (this.rtxQueue.length) {
          const c = this.rtxQueue[0];
          if (!c.retransmit || c.acked || c.abandoned) {
            this.rtxQueue.shift();
            continue;
          }
          if (!this.forceRetransmit && this.flightSize >= this.cc.cwnd) break;
          if (shouldAbandon(c, this.now, this.peerForwardTsn)) {
            this.rtxQueue.shift();
            this.abandon(c.msg);
            this.advancePeerAckPoint();
            continue;
          }
          const size = 16 + pad4(c.data.length);
          if (len + size > mtu) break;
          len = this.writeData(buf, len, c);
          this.rtxQueue.shift();
          c.retransmit = false;
          c.sendCount++;
          this.stats.retransmissions++;
          sentData = true;
        }
        this.forceRetransmit = false;
        // New data: cwnd, the peer's window (with a zero-window probe when nothing is in flight).
        while (this.streams.queuedMessages > 0 && this.flightSize < this.cc.cwnd && this.rtxQueue.length === 0) {
          const m = this.streams.next();
          if (m.abandoned || (m.expiresAt !== undefined && this.now >= m.expiresAt && this.peerForwardTsn)) {
            if (m.offset === 0 && !m.abandoned) {
              // Never sent: drop quietly, no SSN was used.
              m.abandoned = true;
              this.stats.abandonedMessages++;
              this.streams.reduceQueued(this.streams.stream(m.streamId), m.streamId, m.data.length);
              m.offset = m.data.length;
            } else this.abandon(m);
            this.streams.finish(m);
            this.advancePeerAckPoint();
            continue;
          }
          const room = mtu - len - 16;
          const remaining = m.data.length - m.offset;
          if (room <= 0 || (room < remaining && room < 256 && len > 12)) break;
          const n = Math.min(room, remaining);
          if (this.peerRwnd < n && this.flightSize > 0) break;
          const st = this.streams.stream(m.streamId);
          let flags = 0;
          if (m.offset === 0) {
            flags |= DataFlag.BEGINNING;
            if (!m.unordered) {
              m.ssn = st.nextSsn;
              st.nextSsn = (st.nextSsn + 1) & 0xffff;
            }
          }
          if (m.offset + n === m.data.length) flags |= DataFlag.END;
          if (m.unordered) flags |= DataFlag.UNORDERED;
          const c: OutChunk = {
            tsn: this.nextTsn++,
            msg: m,
            flags,
            ssn: m.ssn,
            data: m.data.subarray(m.offset, m.offset + n),
            sentAt: this.now,
            sendCount: 1,
            acked: false,
            abandoned: false,
            inFlight: false,
            retransmit: false,
            misses: 0,
            fastRetransmitted: false,
          };
          m.chunks.push(c);
          this.outstanding.push(c);
          if (this.rttProbeTsn === undefined) this.rttProbeTsn = c.tsn;
          m.offset += n;
          len = this.writeData(buf, len, c);
          this.streams.reduceQueued(st, m.streamId, n);
          if (m.offset === m.data.length) this.streams.finish(m);
          sentData = true;
        }
      }
      if (len === 12) break;
      sharedPacketSlab.commit(len); // keep what was written, give the rest back
      // RFC 9653 §5.2: once both sides agreed, established-state packets may carry checksum 0
      // (INIT, COOKIE ECHO and OOTB answers keep a real CRC32c).
      const zero = this.options.zeroChecksum && this.peerZeroChecksum && this._state !== AssociationState.COOKIE_ECHOED;
      this.emitPacket(buf.subarray(0, len), this.peerTag, zero);
      if (sentData && this.t3At === undefined) this.t3At = this.now + this.rto.rto; // §6.3.2 R1
    }
    this.trySendReset();
    if (this.control.length) this.flushControlOnly();
  }

  /** Is there anything for flush() to put in a packet? `ignoreSack` asks about everything else. */
  private hasWork(dataOk: boolean, ignoreSack = false): boolean {
    if (this.control.length) return true;
    if (!ignoreSack && this.tracker && this.peerTag !== 0 && this.sackNow) return true;
    if (!dataOk) return false;
    if (this.forwardTsnNeeded && this.advancedPeerAckPoint > this.cumAckPoint) return true;
    if (this.rtxQueue.length && (this.forceRetransmit || this.flightSize < this.cc.cwnd)) return true;
    return this.streams.queuedMessages > 0 && this.flightSize < this.cc.cwnd && this.rtxQueue.length === 0;
  }

  /** Room for one packet in the process-wide slab (packet-slab.ts); flush() commits what it used. */
  private packetBuffer(n: number): Uint8Array {
    return sharedPacketSlab.take(n);
  }

  /** Control chunks queued by trySendReset after the main loop. */
  private flushControlOnly(): void {
    while (this.control.length) {
      const chunks: Uint8Array[] = [];
      let len = 12;
      while (this.control.length && (chunks.length === 0 || len + this.control[0].length <= this.options.mtu)) {
        len += this.control[0].length;
        chunks.push(this.control.shift()!);
      }
      this.sendRaw(this.peerTag, chunks);
    }
  }

  private writeData(buf: Uint8Array, at: number, c: OutChunk): number {
    const n = c.data.length;
    const end = writeDataChunk(buf, at, c);
    c.inFlight = true;
    c.sentAt = this.now;
    c.misses = 0;
    this.flightSize += n;
    this.peerRwnd = Math.max(0, this.peerRwnd - n);
    this.stats.dataChunksSent++;
    return end;
  }

  private emitPacket(bytes: Uint8Array, vtag: number, zeroChecksum = false): void {
    writeCommonHeader(bytes, this.options.localPort, this.options.remotePort, vtag);
    if (!zeroChecksum) writeChecksum(bytes);
    this.stats.packetsSent++;
    this.stats.bytesSent += bytes.length;
    this.emit({ type: 'packet', data: bytes });
  }

  /** A packet of already-encoded chunks with an explicit verification tag. */
  private sendRaw(vtag: number, chunks: readonly Uint8Array[]): void {
    let n = 12;
    for (const c of chunks) n += c.length;
    const buf = new Uint8Array(n);
    let at = 12;
    for (const c of chunks) {
      buf.set(c, at);
      at += c.length;
    }
    this.emitPacket(buf, vtag);
  }

  private emit(o: SctpOutput): void {
    this.outputs.push(o);
  }

  private setState(s: AssociationState): void {
    if (this._state === s) return;
    this._state = s;
    this.emit({ type: 'state', state: s });
  }
}

/** Re-exported for tests that build packets by hand. */
export { encodePacket };
