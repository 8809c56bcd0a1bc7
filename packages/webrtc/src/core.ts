/**
 * The peer connection's transport core, sans-IO: one UDP socket's datagrams in, datagrams and
 * events out. It composes the layers in the order a call uses them:
 *
 *   datagram ──> IceAgent (STUN 0..3 consumed; other bytes only from vouched-for pairs)
 *                   │ 'data'
 *                   ▼ classifyPacket (RFC 7983 §7)
 *        20..63 ──> DtlsEndpoint ── 'data' ──> SctpTransport (@rtcstack/sctp: association + DCEP channels)
 *                        └── 'connected': exporter keys ──> SrtpSession (RFC 5764 §4.2)
 *      128..191 ──> SrtpSession.unprotect ──> 'rtp' / 'rtcp' (RFC 5761 §4 by packet type)
 *
 * Nothing here reads a clock or opens a socket: callers pass `now` and carry the 'transmit'
 * outputs to the wire (see node/udp-transport.ts and the simulated transport in the tests).
 */
import { cryptoRandom, type Address, type RandomSource } from '@rtcstack/common';
import { DtlsEndpoint, type ExpectedFingerprint, type LocalCertificate, type SrtpProfileName } from '@rtcstack/dtls';
import { IceAgent, candidateToSdp, type IceCandidate, type IceCredentials, type SelectedPair, type TurnServerConfig } from '@rtcstack/ice';
import { SctpTransport, type DataChannel, type DataChannelInit } from '@rtcstack/sctp';
import { srtpSessionFromDtls, type SrtpSession, type UnprotectFailure } from '@rtcstack/srtp';
import { classifyPacket, newDemuxCounters, type DemuxCounters, type PacketClass } from './demux.ts';
import { newChannelRef, type ChannelOutput, type ChannelRef } from './channel-ref.ts';
import type { RTCDtlsTransportState, RTCIceGatheringState, RTCIceTransportState } from './states.ts';

export interface CoreOptions {
  readonly certificate: LocalCertificate;
  readonly random?: RandomSource;
  readonly stunServers?: readonly Address[];
  readonly turnServers?: readonly TurnServerConfig[];
  /** 'relay': only relayed candidates are announced (W3C iceTransportPolicy). */
  readonly iceTransportPolicy?: 'all' | 'relay';
  /** SRTP profiles offered/accepted in DTLS use_srtp, preferred first. */
  readonly srtpProfiles?: readonly SrtpProfileName[];
  /** NSS key log lines (for --pcap). */
  readonly keyLog?: (line: string) => void;
  /** ICE timing knobs (tests). */
  readonly iceTa?: number;
  readonly nominationDelay?: number;
  readonly consentInterval?: number;
  readonly disconnectedTimeout?: number;
  readonly consentTimeout?: number;
  /** SCTP minimum and initial RTO (ms); defaults 200 and 500. */
  readonly sctpRtoMin?: number;
  readonly sctpRtoInitial?: number;
  /** First DTLS retransmission timeout (ms); default 100. */
  readonly dtlsRetransmitInitialMs?: number;
}

/** What the wire saw, for the demo's sequence diagram and --trace. */
export interface WireEvent {
  readonly dir: 'in' | 'out';
  /** 'sctp': an SCTP packet carried inside a DTLS application_data record (RFC 8261). */
  readonly cls: PacketClass | 'sctp';
  readonly data: Uint8Array;
  /** For SRTP/SRTCP: the unprotected packet. */
  readonly plain?: Uint8Array;
}

export type CoreOutput =
  | { readonly type: 'transmit'; readonly data: Uint8Array; readonly remote: Address; readonly local?: Address }
  | { readonly type: 'ice-candidate'; readonly candidate: string | null; readonly raw?: IceCandidate }
  | { readonly type: 'ice-gathering-state'; readonly state: RTCIceGatheringState }
  | { readonly type: 'ice-state'; readonly state: RTCIceTransportState }
  | { readonly type: 'selected-pair'; readonly pair: SelectedPair }
  | { readonly type: 'dtls-state'; readonly state: RTCDtlsTransportState; readonly reason?: string }
  | { readonly type: 'sctp-state'; readonly state: 'connecting' | 'connected' | 'closed' }
  | { readonly type: 'rtp'; readonly packet: Uint8Array; readonly ssrc: number }
  | { readonly type: 'rtcp'; readonly packet: Uint8Array }
  | { readonly type: 'wire'; readonly event: WireEvent }
  | ChannelOutput;

export interface CoreStats {
  readonly demux: DemuxCounters;
  /** Datagrams of a class that arrived when no layer could take them (e.g. SRTP before keys). */
  droppedNoLayer: number;
  /** Every SRTP/SRTCP drop: the sum of the four below (kept for compatibility). */
  srtpFailures: number;
  /** Tag did not verify (RFC 3711 §3.3 step 5, RFC 7714 §8.2): forged or corrupted. */
  srtpAuthFailures: number;
  /** Already seen or older than the replay window (RFC 3711 §3.3.2): e.g. a duplicate resend. */
  srtpReplays: number;
  /** Header unreadable (too short, not RTP/RTCP). */
  srtpParseErrors: number;
  /** No crypto context for the SSRC. */
  srtpUnknownSsrc: number;
  /**
   * Exceptions other than a layer's own drop-and-count outcomes that reached the socket handler.
   * Always a bug: the peer connection catches them so one bad datagram cannot kill the process,
   * counts them here and keeps the last in `lastInternalError` (DESIGN.md, "Codecs and errors").
   */
  internalErrors: number;
  lastInternalError?: unknown;
  bytesSent: number;
  bytesReceived: number;
  packetsSent: number;
  packetsReceived: number;
}

/** Which CoreStats counter each SRTP unprotect failure goes to. */
const SRTP_FAILURE_COUNTER = {
  'auth-failed': 'srtpAuthFailures',
  replayed: 'srtpReplays',
  'parse-error': 'srtpParseErrors',
  'unknown-ssrc': 'srtpUnknownSsrc',
} as const satisfies Record<UnprotectFailure, keyof CoreStats>;

export class PeerConnectionCore {
  readonly random: RandomSource;
  readonly stats: CoreStats = {
    demux: newDemuxCounters(),
    droppedNoLayer: 0,
    srtpFailures: 0,
    srtpAuthFailures: 0,
    srtpReplays: 0,
    srtpParseErrors: 0,
    srtpUnknownSsrc: 0,
    internalErrors: 0,
    bytesSent: 0,
    bytesReceived: 0,
    packetsSent: 0,
    packetsReceived: 0,
  };
  /** Data channels the application created before SCTP was up, opened when it connects. */
  private pendingChannels: ChannelRef[] = [];
  readonly channels = new Set<ChannelRef>();
  /** Set true to get 'wire' outputs (demo, --trace). */
  traceWire = false;
  ice: IceAgent | undefined;
  dtls: DtlsEndpoint | undefined;
  sctp: SctpTransport | undefined;
  srtp: SrtpSession | undefined;
  dtlsRole: 'client' | 'server' | undefined;
  dtlsState: RTCDtlsTransportState = 'new';
  iceState: RTCIceTransportState = 'new';
  gatheringState: RTCIceGatheringState = 'new';
  localCredentials: IceCredentials;
  selectedPair: SelectedPair | undefined;
  peerFingerprint: string | undefined;
  /** DER of the peer's DTLS certificate (getStats 'certificate'). */
  peerCertificate: Uint8Array | undefined;
  private readonly localAddresses: Address[] = [];
  private remoteFingerprints: readonly ExpectedFingerprint[] = [];
  private sctpPort = 5000;
  private remoteSctpPort = 5000;
  private remoteMaxMessageSize = 65536;
  private wantSctp = false;
  private lastDataPath: { remote: Address; local: Address } | undefined;
  private readonly outputs: CoreOutput[] = [];
  private closed = false;
  private now = 0;

  constructor(readonly options: CoreOptions) {
    this.random = options.random ?? cryptoRandom;
    const b = this.random(30);
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let ufrag = '';
    let pwd = '';
    for (let i = 0; i < 8; i++) ufrag += chars[b[i] & 63];
    for (let i = 8; i < 30; i++) pwd += chars[b[i] & 63];
    this.localCredentials = { ufrag, pwd };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A socket address the adapter has bound (a host candidate's base). */
  addLocalAddress(a: Address): void {
    this.localAddresses.push(a);
    this.ice?.addLocalAddress(a);
  }

  /**
   * Create the ICE agent (on the first description applied). The offerer is controlling
   * (RFC 8445 §6.1.1).
   */
  ensureIce(controlling: boolean): IceAgent {
    if (!this.ice) {
      const o = this.options;
      this.ice = new IceAgent({
        controlling,
        localUfrag: this.localCredentials.ufrag,
        localPwd: this.localCredentials.pwd,
        stunServers: o.stunServers,
        turnServers: o.turnServers,
        // W3C iceTransportPolicy 'relay': the agent announces and pairs relayed candidates only.
        transportPolicy: o.iceTransportPolicy ?? 'all',
        random: this.random,
        ...(o.iceTa !== undefined ? { ta: o.iceTa } : {}),
        ...(o.nominationDelay !== undefined ? { nominationDelay: o.nominationDelay } : {}),
        ...(o.consentInterval !== undefined ? { consentInterval: o.consentInterval } : {}),
        ...(o.disconnectedTimeout !== undefined ? { disconnectedTimeout: o.disconnectedTimeout } : {}),
        ...(o.consentTimeout !== undefined ? { consentTimeout: o.consentTimeout } : {}),
      });
      for (const a of this.localAddresses) this.ice.addLocalAddress(a);
    }
    return this.ice;
  }

  gather(now: number): void {
    this.now = now;
    this.ice?.gather(now);
    this.pump(now);
  }

  /** New local ICE credentials for an ICE restart (RFC 8445 §9); used in the next offer. */
  newCredentials(): IceCredentials {
    const b = this.random(30);
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let ufrag = '';
    let pwd = '';
    for (let i = 0; i < 8; i++) ufrag += chars[b[i] & 63];
    for (let i = 8; i < 30; i++) pwd += chars[b[i] & 63];
    return { ufrag, pwd };
  }

  /** Apply our (possibly new) credentials: restarts ICE when they changed. */
  applyLocalCredentials(now: number, creds: IceCredentials): void {
    this.now = now;
    if (creds.ufrag === this.localCredentials.ufrag && creds.pwd === this.localCredentials.pwd) return;
    this.localCredentials = creds;
    if (this.ice) this.ice.restart(now, creds);
    this.pump(now);
  }

  setRemoteCredentials(ufrag: string, pwd: string): void {
    this.ice?.setRemoteCredentials(ufrag, pwd);
  }

  addRemoteCandidate(now: number, line: string): void {
    this.now = now;
    this.ice?.addRemoteCandidate(line);
    this.pump(now);
  }

  endOfRemoteCandidates(now: number): void {
    this.ice?.endOfRemoteCandidates();
    this.pump(now);
  }

  /**
   * The DTLS role from a=setup (RFC 8842 §5): active = client. Set once; renegotiation keeps the
   * association (a DTLS restart is not supported).
   */
  setDtls(now: number, role: 'client' | 'server', remoteFingerprints: readonly ExpectedFingerprint[]): void {
    this.remoteFingerprints = remoteFingerprints;
    if (this.dtls) return;
    this.dtlsRole = role;
    this.dtls = new DtlsEndpoint({
      role,
      certificate: this.options.certificate,
      expectedFingerprints: remoteFingerprints,
      srtpProfiles: this.options.srtpProfiles ?? ['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_HMAC_SHA1_80'],
      random: this.random,
      // RFC 6347 §4.2.4.1 suggests 1 s, but ICE has just measured a working path: like libwebrtc,
      // start from a short timer so one lost flight does not stall the call for a second.
      retransmitInitialMs: this.options.dtlsRetransmitInitialMs ?? 100,
      ...(this.options.keyLog ? { keyLog: this.options.keyLog } : {}),
    });
    this.maybeStartDtls(now);
    this.pump(now);
  }

  /** The remote description has an m=application section: run SCTP once DTLS is up (RFC 8841). */
  enableSctp(now: number, remotePort: number, remoteMaxMessageSize = 65536): void {
    this.remoteSctpPort = remotePort;
    this.remoteMaxMessageSize = remoteMaxMessageSize;
    this.wantSctp = true;
    this.maybeStartSctp(now);
    this.pump(now);
  }

  // ---- data channels -------------------------------------------------------------------------

  sctpConnected(): boolean {
    return this.sctp?.state === 'connected';
  }

  /** createDataChannel: opened at once when SCTP is connected, else when it connects. */
  createChannel(now: number, label: string, init: DataChannelInit): ChannelRef {
    this.now = now;
    const ref = newChannelRef(label, init);
    this.channels.add(ref);
    if (this.sctp) this.bindChannel(ref, this.sctp.createDataChannel(label, init));
    else this.pendingChannels.push(ref);
    this.pump(now);
    return ref;
  }

  channelSend(now: number, ref: ChannelRef, data: string | Uint8Array): void {
    this.now = now;
    if (!ref.inner) throw new Error('channel is not open');
    ref.inner.send(data);
    ref.messagesSent++;
    ref.bytesSent += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    this.pump(now);
  }

  channelClose(now: number, ref: ChannelRef): void {
    this.now = now;
    if (ref.inner) ref.inner.close();
    else {
      this.pendingChannels = this.pendingChannels.filter((r) => r !== ref);
      this.channels.delete(ref);
      this.outputs.push({ type: 'channel-event', ref, event: 'close' });
    }
    this.pump(now);
  }

  /** Turn an SCTP DataChannel's callbacks into core outputs. */
  private bindChannel(ref: ChannelRef, ch: DataChannel): void {
    ref.inner = ch;
    const out = (event: 'open' | 'closing' | 'close' | 'error' | 'bufferedamountlow') => () => {
      if (event === 'close') this.channels.delete(ref);
      this.outputs.push({ type: 'channel-event', ref, event });
    };
    ch.onopen = out('open');
    ch.onclosing = out('closing');
    ch.onclose = out('close');
    ch.onerror = out('error');
    ch.onbufferedamountlow = out('bufferedamountlow');
    ch.onmessage = (ev) => {
      ref.messagesReceived++;
      ref.bytesReceived += typeof ev.data === 'string' ? Buffer.byteLength(ev.data) : ev.data.length;
      this.outputs.push({ type: 'channel-event', ref, event: 'message', data: ev.data });
    };
  }

  // ---- media ---------------------------------------------------------------------------------

  /** Protect and send one RTP packet; false before SRTP keys exist or with no selected pair. */
  sendRtp(now: number, rtp: Uint8Array): boolean {
    if (!this.srtp || this.closed) return false;
    return this.sendApp(now, this.srtp.protectRtp(rtp), 'rtp', rtp);
  }

  sendRtcp(now: number, rtcp: Uint8Array): boolean {
    if (!this.srtp || this.closed) return false;
    return this.sendApp(now, this.srtp.protectRtcp(rtcp), 'rtcp', rtcp);
  }

  // ---- sans-IO surface ---------------------------------------------------------------------

  handleDatagram(now: number, data: Uint8Array, remote: Address, local?: Address): void {
    this.now = now;
    if (this.closed) return;
    this.stats.packetsReceived++;
    this.stats.bytesReceived += data.length;
    const cls = classifyPacket(data);
    if (cls === 'stun') {
      this.stats.demux.stun++;
      if (this.traceWire) this.outputs.push({ type: 'wire', event: { dir: 'in', cls, data } });
    }
    if (!this.ice) {
      this.stats.droppedNoLayer++;
      return;
    }
    this.ice.handleInput(now, { data, remote, local: local ?? this.localAddresses[0] });
    this.pump(now);
  }

  handleTimeout(now: number): void {
    this.now = now;
    this.ice?.handleTimeout(now);
    const dt = this.dtls?.nextTimeout();
    if (this.dtls && dt !== undefined && now >= dt) this.dtls.handleTimeout(now);
    const st = this.sctp?.nextTimeout();
    if (this.sctp && st !== undefined && now >= st) this.sctp.handleTimeout(now);
    this.pump(now);
  }

  nextTimeout(): number | undefined {
    let t: number | undefined;
    for (const x of [this.ice?.nextTimeout(), this.dtls?.nextTimeout(), this.sctp?.nextTimeout()]) {
      if (x !== undefined && (t === undefined || x < t)) t = x;
    }
    return t;
  }

  pollOutput(): CoreOutput | undefined {
    return this.outputs.shift();
  }

  /**
   * Tear down in order (webrtc-pc §4.4.1.2 close): data channels (stream resets), SCTP SHUTDOWN,
   * DTLS close_notify, then ICE (consent stops, TURN allocations are released).
   */
  close(now: number): void {
    if (this.closed) return;
    this.now = now;
    if (this.sctp && this.sctp.state === 'connected') {
      for (const ref of this.channels) ref.inner?.close();
      this.sctp.close(now);
    }
    this.channels.clear();
    this.pendingChannels = [];
    this.pump(now);
    if (this.dtls && this.dtls.state === 'connected') this.dtls.close();
    this.pump(now);
    this.ice?.close(now);
    this.pump(now);
    this.closed = true;
    this.setDtlsState('closed');
    this.sctp = undefined;
    this.dtls = undefined;
  }

  // ---- internals ---------------------------------------------------------------------------

  private maybeStartDtls(now: number): void {
    if (this.dtls && this.dtlsRole === 'client' && this.selectedPair && this.dtls.state === 'new') {
      this.dtls.start(now);
      this.setDtlsState('connecting');
    }
  }

  private maybeStartSctp(now: number): void {
    if (!this.wantSctp || this.sctp || !this.dtls || this.dtls.state !== 'connected' || !this.dtlsRole) return;
    const sctp = new SctpTransport({
      role: this.dtlsRole, // RFC 8832 §6: stream id parity
      maxMessageSize: this.remoteMaxMessageSize,
      localPort: this.sctpPort,
      remotePort: this.remoteSctpPort,
      random: this.random,
      rtoMin: this.options.sctpRtoMin ?? 200,
      rtoInitial: this.options.sctpRtoInitial ?? 500,
      clock: () => this.now,
    });
    this.sctp = sctp;
    sctp.onstatechange = (st) => {
      this.outputs.push({ type: 'sctp-state', state: st });
      if (st === 'closed') this.channels.clear();
    };
    sctp.ondatachannel = (ch) => {
      const ref = newChannelRef(ch.label, { ordered: ch.ordered, protocol: ch.protocol, ...(ch.maxRetransmits !== null ? { maxRetransmits: ch.maxRetransmits } : {}), ...(ch.maxPacketLifeTime !== null ? { maxPacketLifeTime: ch.maxPacketLifeTime } : {}) });
      this.channels.add(ref);
      this.bindChannel(ref, ch);
      this.outputs.push({ type: 'channel-remote', ref });
    };
    this.outputs.push({ type: 'sctp-state', state: 'connecting' });
    // Channels created before SCTP existed get their ids now (DTLS role known) and open when it connects.
    for (const ref of this.pendingChannels.splice(0)) this.bindChannel(ref, sctp.createDataChannel(ref.label, ref.init));
    // RFC 8841 §10 / RFC 9260 §5.2.1: both sides send INIT; the association resolves the collision.
    sctp.start(now);
  }

  private setDtlsState(s: RTCDtlsTransportState, reason?: string): void {
    if (this.dtlsState === s) return;
    this.dtlsState = s;
    this.outputs.push({ type: 'dtls-state', state: s, ...(reason ? { reason } : {}) });
  }

  private sendApp(now: number, data: Uint8Array, cls: PacketClass, plain?: Uint8Array): boolean {
    if (!this.ice) return false;
    if (this.traceWire) this.outputs.push({ type: 'wire', event: { dir: 'out', cls, data, ...(plain ? { plain } : {}) } });
    if (this.ice.send(now, data)) return true;
    // Before the controlled side selects a pair, answer on the path the peer's data came from
    // (the agent has already vouched for it), so the DTLS handshake does not wait a timer.
    if (this.lastDataPath) {
      this.transmit(data, this.lastDataPath.remote, this.lastDataPath.local);
      return true;
    }
    return false;
  }

  private transmit(data: Uint8Array, remote: Address, local?: Address): void {
    this.stats.packetsSent++;
    this.stats.bytesSent += data.length;
    this.outputs.push({ type: 'transmit', data, remote, ...(local ? { local } : {}) });
  }

  /** Move outputs between layers until all are quiet. */
  private pump(now: number): void {
    for (let progress = true; progress; ) {
      progress = false;
      if (this.ice) {
        for (let o = this.ice.pollOutput(); o; o = this.ice.pollOutput()) {
          progress = true;
          this.onIce(now, o);
        }
      }
      if (this.dtls) {
        for (let o = this.dtls.pollOutput(); o; o = this.dtls.pollOutput()) {
          progress = true;
          this.onDtls(now, o);
          if (!this.dtls) break;
        }
      }
      if (this.sctp) {
        for (let p = this.sctp.pollOutput(); p; p = this.sctp.pollOutput()) {
          progress = true;
          this.onSctpPacket(p);
        }
      }
    }
  }

  private onIce(now: number, o: NonNullable<ReturnType<IceAgent['pollOutput']>>): void {
    switch (o.type) {
      case 'send':
        if (this.traceWire && o.data[0] <= 3) this.outputs.push({ type: 'wire', event: { dir: 'out', cls: 'stun', data: o.data } });
        this.transmit(o.data, o.remote, o.local);
        break;
      case 'candidate':
        if (this.options.iceTransportPolicy === 'relay' && o.candidate.type !== 'relay') break;
        this.outputs.push({ type: 'ice-candidate', candidate: o.sdp.startsWith('candidate:') ? o.sdp : `candidate:${o.sdp}`, raw: o.candidate });
        break;
      case 'end-of-candidates':
        this.outputs.push({ type: 'ice-candidate', candidate: null });
        break;
      case 'gathering-state':
        this.gatheringState = o.state;
        this.outputs.push({ type: 'ice-gathering-state', state: o.state });
        break;
      case 'connection-state':
        this.iceState = o.state;
        this.outputs.push({ type: 'ice-state', state: o.state });
        break;
      case 'selected-pair':
        this.selectedPair = o.pair;
        this.outputs.push({ type: 'selected-pair', pair: o.pair });
        this.maybeStartDtls(now);
        break;
      case 'data':
        this.lastDataPath = { remote: o.remote, local: o.local };
        this.onData(now, o.data);
        break;
      case 'role':
        break;
      case 'error':
        break;
    }
  }

  private onData(now: number, data: Uint8Array): void {
    const cls = classifyPacket(data);
    this.stats.demux[cls]++;
    if (cls === 'dtls') {
      if (!this.dtls) {
        this.stats.droppedNoLayer++;
        return;
      }
      if (this.traceWire) this.outputs.push({ type: 'wire', event: { dir: 'in', cls, data } });
      this.dtls.handleInput(now, data);
      return;
    }
    if (cls === 'rtp' || cls === 'rtcp') {
      if (!this.srtp) {
        this.stats.droppedNoLayer++;
        return;
      }
      const r = cls === 'rtp' ? this.srtp.unprotectRtp(data) : this.srtp.unprotectRtcp(data);
      if (!r.ok) {
        this.stats.srtpFailures++;
        this.stats[SRTP_FAILURE_COUNTER[r.reason]]++;
        return;
      }
      if (this.traceWire) this.outputs.push({ type: 'wire', event: { dir: 'in', cls, data, plain: r.packet } });
      if (cls === 'rtp') this.outputs.push({ type: 'rtp', packet: r.packet, ssrc: r.ssrc });
      else this.outputs.push({ type: 'rtcp', packet: r.packet });
      return;
    }
    // RFC 7983: anything else (ZRTP, TURN channel data outside TURN, unknown) is dropped.
    this.stats.droppedNoLayer++;
  }

  private onDtls(now: number, o: NonNullable<ReturnType<DtlsEndpoint['pollOutput']>>): void {
    switch (o.type) {
      case 'transmit':
        this.sendApp(now, o.data, 'dtls');
        break;
      case 'connected':
        this.peerFingerprint = o.peerFingerprint;
        this.peerCertificate = o.peerCertificate;
        if (o.srtpProfile && o.keyingMaterial.length > 0 && this.dtlsRole) {
          // RFC 5764 §4.2: the exporter block splits into client/server keys and salts.
          this.srtp = srtpSessionFromDtls({ profile: o.srtpProfile, keyingMaterial: o.keyingMaterial, role: this.dtlsRole });
        }
        this.setDtlsState('connected');
        this.maybeStartSctp(now);
        break;
      case 'data': {
        if (this.traceWire) this.outputs.push({ type: 'wire', event: { dir: 'in', cls: 'sctp', data: o.data } });
        // The peer's INIT can come before our own bookkeeping started SCTP: start, then feed it.
        if (!this.sctp && this.wantSctp) this.maybeStartSctp(now);
        const sctp = this.sctp as SctpTransport | undefined;
        if (sctp) sctp.handleInput(now, o.data);
        else this.stats.droppedNoLayer++;
        break;
      }
      case 'closed':
        for (const ref of this.channels) this.outputs.push({ type: 'channel-event', ref, event: 'close' });
        this.channels.clear();
        this.setDtlsState('closed');
        break;
      case 'error':
        this.setDtlsState('failed', o.reason);
        break;
    }
  }

  private onSctpPacket(p: Uint8Array): void {
    // RFC 8261 §5: each SCTP packet is one DTLS application_data record.
    if (!this.dtls || this.dtls.state !== 'connected') return;
    if (this.traceWire) this.outputs.push({ type: 'wire', event: { dir: 'out', cls: 'sctp', data: p } });
    this.dtls.send(p);
  }
}

export { candidateToSdp };
