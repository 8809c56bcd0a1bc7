/**
 * RTCPeerConnection (W3C webrtc-pc §4) on top of the sans-IO PeerConnectionCore.
 *
 * This file holds what the specification defines: the operations chain, the signaling state
 * machine (signaling.ts), JSEP offers and answers (jsep.ts), the aggregate ICE/connection states
 * (states.ts), and the events. All I/O goes through a PeerTransport (node/udp-transport.ts by
 * default, a simulated network in tests).
 */
import { ParseError, cryptoRandom, type Address, type RandomSource } from '@rtcstack/common';
import type { ExpectedFingerprint, SrtpProfileName } from '@rtcstack/dtls';
import type { CodecSpec, Direction } from '@rtcstack/sdp';
import { RTCCertificate, defaultCertificate, newCertificate } from './certificate.ts';
import { parseIceServers, type RTCConfiguration } from './config.ts';
import { PeerConnectionCore, type CoreOutput } from './core.ts';
import { RTCDataChannel, type ChannelHost } from './data-channel.ts';
import type { DataChannelInit } from '@rtcstack/sctp';
import type { ChannelRef } from './channel-ref.ts';
import { RTCIceCandidate, RTCSessionDescription, type RTCIceCandidateInit, type RTCSessionDescriptionInit } from './description.ts';
import { RTCError, domError, invalidAccess, invalidState, operationError } from './errors.ts';
import { RtcEventTarget, makeEvent } from './event-target.ts';
import {
  AUDIO_CODECS,
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_SCTP_PORT,
  DescriptionError,
  answerDirection,
  answerSetup,
  dtlsRoleFromSetup,
  negotiateAudioCodecs,
  readRemoteDescription,
  reverseDirection,
  withoutFeedback,
  writeDescription,
  type LocalSection,
  type RemoteDescriptionInfo,
} from './jsep.ts';
import { MediaEngine } from './media-engine.ts';
import { udpTransport } from './node/udp-transport.ts';
import { implicitLocalType, needsImplicitRollback, nextSignalingState, type RTCSdpType, type RTCSignalingState } from './signaling.ts';
import { iceConnectionState, iceGatheringState, peerConnectionState, type RTCIceConnectionState, type RTCIceGatheringState, type RTCPeerConnectionState } from './states.ts';
import { collectStats, type RTCStatsReport } from './stats.ts';
import { AudioTrack, MediaStream, RTCRtpReceiver, RTCRtpSender, RTCRtpTransceiver } from './transceiver.ts';
import type { PeerTransport, TransportFactory } from './transport.ts';

/** Non-standard construction options (second argument). */
export interface PeerConnectionOptions {
  /** How to reach the network; default: node:dgram on every IPv4 interface (see udpTransport). */
  readonly transport?: TransportFactory;
  readonly random?: RandomSource;
  /** Passed to the core (ICE/SCTP timing knobs, key log). */
  readonly keyLog?: (line: string) => void;
  readonly iceTa?: number;
  readonly nominationDelay?: number;
  readonly consentInterval?: number;
  readonly disconnectedTimeout?: number;
  readonly consentTimeout?: number;
  /** Watch every wire event (demo trace). */
  readonly onWire?: (e: Extract<CoreOutput, { type: 'wire' }>['event'], at: number) => void;
  /** Watch every core output before it becomes an event (demo timeline). */
  readonly onCoreOutput?: (o: CoreOutput, at: number) => void;
  /** The tone our audio senders play (Hz); default 440. */
  readonly toneHz?: number;
  /**
   * DTLS use_srtp profiles, preferred first (RFC 5764 §4.1.2). Default: SRTP_AEAD_AES_128_GCM,
   * SRTP_AES128_CM_HMAC_SHA1_80.
   */
  readonly srtpProfiles?: readonly SrtpProfileName[];
}

interface Section {
  readonly mid: string;
  readonly kind: 'audio' | 'application';
  transceiver?: RTCRtpTransceiver;
  rejected: boolean;
}

type Handler = ((ev: Event) => void) | null;

let sessionCounter = 0;

/** ICE pacing defaults for the peer connection (ms); see the constructor. */
export const DEFAULT_ICE_TA = 5;
export const DEFAULT_NOMINATION_DELAY = 0;

export class RTCPeerConnection extends RtcEventTarget implements ChannelHost {
  /** webrtc-pc §4.10: generate an ECDSA P-256 certificate. */
  static async generateCertificate(keygenAlgorithm?: { name: string; namedCurve?: string }): Promise<RTCCertificate> {
    const name = typeof keygenAlgorithm === 'object' ? keygenAlgorithm.name : 'ECDSA';
    if (name !== 'ECDSA' || (keygenAlgorithm?.namedCurve ?? 'P-256') !== 'P-256') throw domError('NotSupportedError', 'only ECDSA P-256 certificates');
    return newCertificate(Date.now());
  }

  readonly maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
  readonly core: PeerConnectionCore;
  private config: RTCConfiguration;
  private readonly certificate: RTCCertificate;
  private readonly random: RandomSource;
  private readonly transportFactory: TransportFactory;
  private transport: PeerTransport | undefined;
  private transportOpening: Promise<void> | undefined;
  private readonly media: MediaEngine;

  private _signalingState: RTCSignalingState = 'stable';
  private _iceGatheringState: RTCIceGatheringState = 'new';
  private _iceConnectionState: RTCIceConnectionState = 'new';
  private _connectionState: RTCPeerConnectionState = 'new';
  private isClosed = false;

  private currentLocal: RTCSessionDescription | null = null;
  private pendingLocal: RTCSessionDescription | null = null;
  private currentRemote: RTCSessionDescription | null = null;
  private pendingRemote: RTCSessionDescription | null = null;
  private lastCreatedOffer = '';
  private lastCreatedAnswer = '';
  private remoteInfo: RemoteDescriptionInfo | undefined;
  private localCandidates: string[] = [];
  private localEndOfCandidates = false;

  private readonly sessionId: string;
  private sessionVersion = 1;
  /** The m= sections of the last negotiated (or pending) description, in order. */
  private sections: Section[] = [];
  private readonly transceivers: RTCRtpTransceiver[] = [];
  private readonly channelObjects = new Map<ChannelRef, RTCDataChannel>();
  private dataChannelsWanted = false;
  private iceRestartNeeded = false;
  private pendingCredentials: { ufrag: string; pwd: string } | undefined;
  private nextMid = 0;

  private opsTail: Promise<unknown> = Promise.resolve();
  private opsPending = 0;
  private negotiationNeeded = false;
  private gatherPending = false;
  private draining = false;
  private redrain = false;
  /** Times of interest for the demo's phase table (transport clock, ms). */
  readonly marks: Record<string, number> = {};

  constructor(configuration: RTCConfiguration = {}, private readonly options: PeerConnectionOptions = {}) {
    super();
    if (configuration.bundlePolicy !== undefined && !['balanced', 'max-compat', 'max-bundle'].includes(configuration.bundlePolicy)) {
      throw new TypeError(`bad bundlePolicy ${String(configuration.bundlePolicy)}`);
    }
    if (configuration.iceTransportPolicy !== undefined && !['all', 'relay'].includes(configuration.iceTransportPolicy)) {
      throw new TypeError(`bad iceTransportPolicy ${String(configuration.iceTransportPolicy)}`);
    }
    const servers = parseIceServers(configuration.iceServers);
    const certs = configuration.certificates ?? [];
    for (const c of certs) if (c.expires <= Date.now()) throw invalidAccess('certificate has expired');
    this.config = { bundlePolicy: 'max-bundle', iceTransportPolicy: 'all', rtcpMuxPolicy: 'require', ...configuration };
    this.random = options.random ?? cryptoRandom;
    this.certificate = certs[0] ?? defaultCertificate(Date.now());
    this.transportFactory = options.transport ?? udpTransport();
    const idBytes = this.random(7);
    let sid = BigInt(++sessionCounter);
    for (const b of idBytes) sid = (sid << 8n) | BigInt(b);
    this.sessionId = (sid % 9_000_000_000_000_000_000n).toString();
    this.core = new PeerConnectionCore({
      certificate: this.certificate.local,
      random: this.random,
      stunServers: servers.stun,
      turnServers: servers.turn,
      iceTransportPolicy: this.config.iceTransportPolicy,
      ...(options.srtpProfiles ? { srtpProfiles: options.srtpProfiles } : {}),
      ...(options.keyLog ? { keyLog: options.keyLog } : {}),
      // RFC 8445 §14.2 allows Ta down to 5 ms; one bundled component has few pairs to pace.
      iceTa: options.iceTa ?? DEFAULT_ICE_TA,
      // Regular nomination (§8.1.1) of the first valid pair at once: on a LAN or loopback, waiting
      // for a better pair costs more than it can win. Tune with nominationDelay.
      nominationDelay: options.nominationDelay ?? DEFAULT_NOMINATION_DELAY,
      ...(options.consentInterval !== undefined ? { consentInterval: options.consentInterval } : {}),
      ...(options.disconnectedTimeout !== undefined ? { disconnectedTimeout: options.disconnectedTimeout } : {}),
      ...(options.consentTimeout !== undefined ? { consentTimeout: options.consentTimeout } : {}),
    });
    this.core.traceWire = options.onWire !== undefined;
    this.media = new MediaEngine(this.core, this.random, options.toneHz ?? 440);
  }

  // ---- attributes ------------------------------------------------------------------------------

  get signalingState(): RTCSignalingState {
    return this._signalingState;
  }
  get iceGatheringState(): RTCIceGatheringState {
    return this._iceGatheringState;
  }
  get iceConnectionState(): RTCIceConnectionState {
    return this._iceConnectionState;
  }
  get connectionState(): RTCPeerConnectionState {
    return this._connectionState;
  }
  get canTrickleIceCandidates(): boolean | null {
    return this.remoteInfo ? this.remoteInfo.view.iceOptions.includes('trickle') || this.remoteInfo.view.media.some((m) => m.iceOptions.includes('trickle')) : null;
  }
  /** webrtc-pc §4.4.1.6: pending ?? current, with the candidates gathered so far. */
  get localDescription(): RTCSessionDescription | null {
    const d = this.pendingLocal ?? this.currentLocal;
    return d ? this.withCandidates(d) : null;
  }
  get currentLocalDescription(): RTCSessionDescription | null {
    return this.currentLocal ? this.withCandidates(this.currentLocal) : null;
  }
  get pendingLocalDescription(): RTCSessionDescription | null {
    return this.pendingLocal ? this.withCandidates(this.pendingLocal) : null;
  }
  get remoteDescription(): RTCSessionDescription | null {
    return this.pendingRemote ?? this.currentRemote;
  }
  get currentRemoteDescription(): RTCSessionDescription | null {
    return this.currentRemote;
  }
  get pendingRemoteDescription(): RTCSessionDescription | null {
    return this.pendingRemote;
  }
  get sctp(): { readonly maxMessageSize: number; readonly state: string } | null {
    const app = this.sections.find((s) => s.kind === 'application' && !s.rejected);
    if (!app || !this.currentRemote) return null;
    return { maxMessageSize: this.remoteInfo?.media.find((m) => m.kind === 'application')?.maxMessageSize ?? 65536, state: this.core.sctpConnected() ? 'connected' : 'connecting' };
  }

  getConfiguration(): RTCConfiguration {
    return { ...this.config };
  }
  setConfiguration(c: RTCConfiguration): void {
    if (this.isClosed) throw invalidState('closed');
    if (c.bundlePolicy !== undefined && c.bundlePolicy !== this.config.bundlePolicy) throw domError('InvalidModificationError', 'bundlePolicy cannot change');
    parseIceServers(c.iceServers);
    this.config = { ...this.config, ...c };
  }

  get onicecandidate(): Handler { return this.getHandler('icecandidate'); }
  set onicecandidate(f: Handler) { this.setHandler('icecandidate', f); }
  get onicecandidateerror(): Handler { return this.getHandler('icecandidateerror'); }
  set onicecandidateerror(f: Handler) { this.setHandler('icecandidateerror', f); }
  get onicegatheringstatechange(): Handler { return this.getHandler('icegatheringstatechange'); }
  set onicegatheringstatechange(f: Handler) { this.setHandler('icegatheringstatechange', f); }
  get oniceconnectionstatechange(): Handler { return this.getHandler('iceconnectionstatechange'); }
  set oniceconnectionstatechange(f: Handler) { this.setHandler('iceconnectionstatechange', f); }
  get onconnectionstatechange(): Handler { return this.getHandler('connectionstatechange'); }
  set onconnectionstatechange(f: Handler) { this.setHandler('connectionstatechange', f); }
  get onsignalingstatechange(): Handler { return this.getHandler('signalingstatechange'); }
  set onsignalingstatechange(f: Handler) { this.setHandler('signalingstatechange', f); }
  get onnegotiationneeded(): Handler { return this.getHandler('negotiationneeded'); }
  set onnegotiationneeded(f: Handler) { this.setHandler('negotiationneeded', f); }
  get ontrack(): Handler { return this.getHandler('track'); }
  set ontrack(f: Handler) { this.setHandler('track', f); }
  get ondatachannel(): Handler { return this.getHandler('datachannel'); }
  set ondatachannel(f: Handler) { this.setHandler('datachannel', f); }

  // ---- the operations chain (webrtc-pc §4.3.1.3) ------------------------------------------------

  private chain<T>(op: () => Promise<T> | T): Promise<T> {
    if (this.isClosed) return Promise.reject(invalidState('the peer connection is closed'));
    this.opsPending++;
    const p = this.opsTail.then(() => {
      if (this.isClosed) throw invalidState('the peer connection is closed');
      return op();
    });
    this.opsTail = p.then(
      () => this.opDone(),
      () => this.opDone(),
    );
    return p;
  }

  private opDone(): void {
    this.opsPending--;
    if (this.opsPending === 0) this.updateNegotiationNeeded();
  }

  // ---- offers and answers -------------------------------------------------------------------

  createOffer(options: { iceRestart?: boolean } = {}): Promise<RTCSessionDescriptionInit> {
    return this.chain(() => {
      // §4.4.1.6 "create an offer" step 1: only in stable or have-local-offer.
      if (this._signalingState !== 'stable' && this._signalingState !== 'have-local-offer') {
        throw invalidState(`createOffer in state ${this._signalingState}`);
      }
      if (options.iceRestart) this.iceRestartNeeded = true;
      const sdp = this.buildOffer();
      this.lastCreatedOffer = sdp;
      return { type: 'offer' as const, sdp };
    });
  }

  createAnswer(): Promise<RTCSessionDescriptionInit> {
    return this.chain(() => {
      if (this._signalingState !== 'have-remote-offer' && this._signalingState !== 'have-local-pranswer') {
        throw invalidState(`createAnswer in state ${this._signalingState}`);
      }
      const sdp = this.buildAnswer();
      this.lastCreatedAnswer = sdp;
      return { type: 'answer' as const, sdp };
    });
  }

  private localCredentialsForOffer(): { ufrag: string; pwd: string } {
    if (this.iceRestartNeeded) {
      this.pendingCredentials ??= this.core.newCredentials();
      return this.pendingCredentials;
    }
    return this.core.localCredentials;
  }

  private offerSections(): LocalSection[] {
    // Existing sections keep their order and mids (RFC 8829 §5.2.2); new transceivers and the
    // data section are appended.
    const out: Section[] = this.sections.map((s) => ({ ...s }));
    for (const t of this.transceivers) {
      if (t.stopped || out.some((s) => s.transceiver === t)) continue;
      if (t.mid === null) t.mid = this.freshMid();
      out.push({ mid: t.mid, kind: 'audio', transceiver: t, rejected: false });
    }
    if (this.dataChannelsWanted && !out.some((s) => s.kind === 'application')) out.push({ mid: this.freshMid(), kind: 'application', rejected: false });
    this.proposed = out;
    return out.map((s) => this.localSection(s, undefined));
  }

  private proposed: Section[] = [];

  private freshMid(): string {
    const used = new Set([...this.sections.map((s) => s.mid), ...this.transceivers.map((t) => t.mid)]);
    while (used.has(String(this.nextMid))) this.nextMid++;
    return String(this.nextMid++);
  }

  private localSection(s: Section, codecs: readonly CodecSpec[] | undefined, direction?: Direction): LocalSection {
    if (s.kind === 'application') return { kind: 'application', mid: s.mid, rejected: s.rejected };
    const t = s.transceiver;
    const dir: Direction = direction ?? (t && !t.stopped ? (t.direction as Direction) : 'inactive');
    return {
      kind: 'audio',
      mid: s.mid,
      direction: dir,
      cname: this.media.cname,
      rejected: s.rejected || !t || t.stopped,
      ...(t ? { ssrc: t.sender.ssrc } : {}),
      ...(t?.sender.track ? { msid: { stream: t.sender.streams[0]?.id ?? '-', track: t.sender.track.id } } : {}),
      ...(codecs ? { codecs } : {}),
    };
  }

  private buildOffer(): string {
    const creds = this.localCredentialsForOffer();
    return writeDescription({
      type: 'offer',
      sessionId: this.sessionId,
      sessionVersion: this.sessionVersion++,
      ufrag: creds.ufrag,
      pwd: creds.pwd,
      fingerprints: this.fingerprints(),
      setup: 'actpass',
      sections: this.offerSections(),
    });
  }

  private buildAnswer(): string {
    const remote = this.remoteInfo;
    if (!remote) throw invalidState('no remote offer');
    const sections: LocalSection[] = remote.media.map((m, i) => {
      const s = this.sections[i];
      if (!s || m.rejected || (m.kind !== 'audio' && m.kind !== 'application')) {
        // Rejected: same media type, port 0, one of the offered formats (RFC 8829 §5.3.1, RFC 3264 §6).
        if (m.kind === 'application') return { kind: 'application', mid: m.mid, rejected: true };
        return { kind: m.kind === 'video' ? 'video' : 'audio', mid: m.mid, direction: 'inactive', cname: this.media.cname, rejected: true, codecs: m.codecs.length ? withoutFeedback(m.codecs.slice(0, 1)) : AUDIO_CODECS };
      }
      if (s.kind === 'application') return this.localSection(s, undefined);
      const t = s.transceiver;
      const codecs = negotiateAudioCodecs(m.codecs);
      if (!t || codecs.length === 0) return { kind: 'audio', mid: m.mid, direction: 'inactive', cname: this.media.cname, rejected: true, codecs: m.codecs.length ? withoutFeedback(m.codecs) : AUDIO_CODECS };
      const want = t.direction as Direction;
      const dir = answerDirection(m.direction, want === 'sendrecv' || want === 'sendonly', want === 'sendrecv' || want === 'recvonly');
      return this.localSection(s, codecs, dir);
    });
    const creds = this.pendingCredentials ?? this.core.localCredentials;
    return writeDescription({
      type: 'answer',
      sessionId: this.sessionId,
      sessionVersion: this.sessionVersion++,
      ufrag: creds.ufrag,
      pwd: creds.pwd,
      fingerprints: this.fingerprints(),
      setup: answerSetup(remote.setup, this.core.dtlsRole),
      sections,
    });
  }

  private fingerprints(): { algorithm: 'sha-256'; value: string }[] {
    return this.certificate.getFingerprints().map((f) => ({ algorithm: 'sha-256' as const, value: f.value }));
  }

  private withCandidates(d: RTCSessionDescription): RTCSessionDescription {
    if (this.localCandidates.length === 0 && !this.localEndOfCandidates) return d;
    // Insert a=candidate lines (and end-of-candidates) after the first m= section's c= line.
    const lines = d.sdp.split('\r\n');
    const m = lines.findIndex((l) => l.startsWith('m='));
    if (m < 0) return d;
    let at = m + 1;
    while (at < lines.length && (lines[at].startsWith('c=') || lines[at].startsWith('b=') || lines[at].startsWith('a=rtcp:'))) at++;
    const extra = this.localCandidates.map((c) => `a=${c}`);
    if (this.localEndOfCandidates) extra.push('a=end-of-candidates');
    lines.splice(at, 0, ...extra);
    // RFC 8829 §5.3.1 / §5.2.1: once candidates exist, the bundle tag's m= port and c= address are
    // the default candidate's (the first one gathered), for peers that do not read a=candidate.
    const first = /^candidate:\S+ \d+ \S+ \d+ (\S+) (\d+) /.exec(this.localCandidates[0] ?? '');
    if (first && !/^m=\S+ 0 /.test(lines[m])) {
      lines[m] = lines[m].replace(/^(m=\S+ )\d+/, `$1${first[2]}`);
      const c = m + 1;
      if (lines[c]?.startsWith('c=')) lines[c] = `c=IN ${first[1].includes(':') ? 'IP6' : 'IP4'} ${first[1]}`;
    }
    return new RTCSessionDescription({ type: d.type, sdp: lines.join('\r\n') });
  }

  // ---- setLocalDescription / setRemoteDescription (webrtc-pc §4.4.1.5-6) ------------------------

  setLocalDescription(description?: RTCSessionDescriptionInit): Promise<void> {
    return this.chain(async () => {
      const type: RTCSdpType = description?.type ?? implicitLocalType(this._signalingState);
      let sdp = description?.sdp ?? '';
      if (type === 'rollback') return this.rollback();
      if (type === 'offer' && sdp !== '' && sdp !== this.lastCreatedOffer) {
        throw domError('InvalidModificationError', 'the offer differs from the last createOffer() result');
      } else if ((type === 'answer' || type === 'pranswer') && sdp !== '' && sdp !== this.lastCreatedAnswer) {
        throw domError('InvalidModificationError', 'the answer differs from the last createAnswer() result');
      }
      // The state check comes before an implicit description is created: "create an offer" /
      // "create an answer" themselves reject with InvalidStateError outside their states (§4.4.1.6).
      const next = nextSignalingState(this._signalingState, 'local', type);
      if (!next) throw invalidState(`setLocalDescription(${type}) in state ${this._signalingState}`);
      if (sdp === '') {
        // §4.4.1.6: implicit description: the last created one if still valid, else a fresh one.
        if (type === 'offer') sdp = this.lastCreatedOffer || (this.lastCreatedOffer = this.buildOffer());
        else sdp = this.lastCreatedAnswer || (this.lastCreatedAnswer = this.buildAnswer());
      }
      await this.applyLocal(type, sdp);
      this.setSignaling(next);
    });
  }

  private async applyLocal(type: RTCSdpType, sdp: string): Promise<void> {
    const desc = new RTCSessionDescription({ type, sdp });
    // Candidates found while applying (an ICE restart re-gathers at once) are announced from the
    // gathering task, after this description has been handed to the application.
    this.holdCandidates = true;
    if (type === 'offer') {
      this.pendingLocal = desc;
      this.lastCreatedOffer = '';
      this.sections = this.proposed.length ? this.proposed : this.sections;
      this.sections.forEach((s, i) => {
        if (s.transceiver) s.transceiver.mLineIndex = i;
      });
      this.core.ensureIce(true);
      if (this.pendingCredentials) {
        this.marks.restart = this.now();
        this.localCandidates = [];
        this.localEndOfCandidates = false;
        this.core.applyLocalCredentials(this.now(), this.pendingCredentials);
        this.pendingCredentials = undefined;
        this.iceRestartNeeded = false;
      }
    } else {
      // answer / pranswer: we are the answerer.
      const remote = this.remoteInfo;
      if (!remote) throw invalidState('no remote offer');
      if (this.pendingCredentials) {
        this.localCandidates = [];
        this.localEndOfCandidates = false;
        const creds = this.pendingCredentials;
        this.pendingCredentials = undefined;
        this.core.applyLocalCredentials(this.now(), creds);
        this.core.setRemoteCredentials(remote.ufrag, remote.pwd);
        for (const c of remote.candidates) this.core.addRemoteCandidate(this.now(), c);
      }
      if (type === 'answer') {
        this.currentLocal = desc;
        this.currentRemote = this.pendingRemote ?? this.currentRemote;
        this.pendingLocal = null;
        this.pendingRemote = null;
        this.lastCreatedAnswer = '';
      } else this.pendingLocal = desc;
      const setupLine = /a=setup:(\w+)/.exec(sdp)?.[1] === 'passive' ? 'passive' : 'active';
      const role = dtlsRoleFromSetup(false, setupLine);
      this.applyNegotiated(desc.sdp, remote, role);
    }
    await this.openTransport();
    this.requestGather();
  }

  /**
   * setLocalDescription / setRemoteDescription({ type: 'rollback' }): webrtc-pc §4.4.1.5 "set the
   * session description" step 2 rejects only in stable, have-local-pranswer and have-remote-pranswer;
   * otherwise whichever description is pending goes, whichever method was called (JSEP §5.7).
   */
  private rollback(): void {
    if (this._signalingState === 'have-local-offer') return this.rollbackLocal();
    if (this._signalingState === 'have-remote-offer') return this.rollbackRemote();
    throw invalidState(`rollback in state ${this._signalingState}`);
  }

  private rollbackRemote(): void {
    this.pendingRemote = null;
    this.remoteInfo = this.currentRemote ? readRemoteDescription(this.currentRemote.sdp, this.currentRemote.type === 'offer' ? 'offer' : 'answer') : undefined;
    // §4.4.1.5 rollback: only m= sections negotiated before the offer stay; transceivers the offer
    // associated lose their mid.
    const negotiated = this.currentLocal ? this.sections.filter((s) => this.currentLocal?.sdp.includes(`a=mid:${s.mid}\r\n`)) : [];
    for (const t of this.transceivers) if (!negotiated.some((s) => s.transceiver === t)) t.mid = null;
    // ... and transceivers the offer created, never given a track by addTrack, are stopped and removed.
    for (let i = this.transceivers.length - 1; i >= 0; i--) {
      const t = this.transceivers[i];
      if (t.createdByRemoteOffer && !t.firedSend && t.mid === null) {
        t.stop();
        this.transceivers.splice(i, 1);
      }
    }
    this.sections = negotiated;
    // New credentials made for the peer's ICE restart go with its offer.
    if (!this.iceRestartNeeded) this.pendingCredentials = undefined;
    this.lastCreatedAnswer = '';
    this.setSignaling('stable');
  }

  private rollbackLocal(): void {
    this.pendingLocal = null;
    this.lastCreatedOffer = '';
    // Sections proposed by the rolled-back offer go; transceivers keep existing but lose the mid.
    const negotiated = this.currentLocal ? this.sections.filter((s) => this.currentLocal?.sdp.includes(`a=mid:${s.mid}\r\n`)) : [];
    for (const t of this.transceivers) if (!negotiated.some((s) => s.transceiver === t)) t.mid = null;
    this.sections = negotiated;
    this.setSignaling('stable');
  }

  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    if (!description || typeof description.type !== 'string') return Promise.reject(new TypeError('setRemoteDescription: type is required'));
    return this.chain(async () => {
      const type = description.type;
      if (type === 'rollback') return this.rollback();
      // §4.4.1.6 step: an offer in have-local-offer rolls our offer back first (glare).
      if (needsImplicitRollback(this._signalingState, type)) this.rollbackLocal();
      const next = nextSignalingState(this._signalingState, 'remote', type);
      if (!next) throw invalidState(`setRemoteDescription(${type}) in state ${this._signalingState}`);
      let info: RemoteDescriptionInfo;
      try {
        info = readRemoteDescription(description.sdp ?? '', type);
      } catch (e) {
        // §4.4.1.5 "set the session description": bad SDP syntax is an RTCError with errorDetail
        // sdp-syntax-error; well-formed SDP whose content we cannot use is InvalidAccessError.
        if (e instanceof ParseError) {
          throw new RTCError({ errorDetail: 'sdp-syntax-error', ...(e.layer === 'sdp' ? { sdpLineNumber: e.offset } : {}) }, `invalid description: ${e.message}`);
        }
        if (e instanceof DescriptionError) throw invalidAccess(`invalid description: ${e.message}`);
        throw e;
      }
      await this.applyRemote(type, new RTCSessionDescription({ type, sdp: description.sdp ?? '' }), info);
      this.setSignaling(next);
    });
  }

  private async applyRemote(type: RTCSdpType, desc: RTCSessionDescription, info: RemoteDescriptionInfo): Promise<void> {
    const prev = this.remoteInfo;
    const restart = prev !== undefined && (prev.ufrag !== info.ufrag || prev.pwd !== info.pwd);
    this.remoteInfo = info;
    if (type === 'offer') {
      this.pendingRemote = desc;
      this.core.ensureIce(false);
      if (restart) {
        // RFC 8445 §9: the peer restarted ICE; our answer carries new credentials too.
        this.pendingCredentials = this.core.newCredentials();
        this.marks.restart = this.now();
      } else {
        this.core.setRemoteCredentials(info.ufrag, info.pwd);
        for (const c of info.candidates) this.core.addRemoteCandidate(this.now(), c);
      }
      // Associate sections with transceivers (JSEP §5.10): by mid, else a new recvonly one.
      const sections: Section[] = info.media.map((m) => {
        const existing = this.sections.find((s) => s.mid === m.mid);
        if (m.kind === 'application') return existing ?? { mid: m.mid, kind: 'application', rejected: m.rejected || m.sctpPort === undefined };
        if (m.kind !== 'audio') return { mid: m.mid, kind: 'audio', rejected: true };
        let t = existing?.transceiver ?? this.transceivers.find((x) => x.mid === m.mid);
        if (!t && !m.rejected) {
          // An unassociated transceiver we added with addTrack can take the section (JSEP §5.10).
          t = this.transceivers.find((x) => x.mid === null && !x.stopped && x.kind === 'audio');
          if (!t) {
            t = this.newTransceiver('recvonly', null);
            t.createdByRemoteOffer = true;
          }
          t.mid = m.mid;
        }
        return { mid: m.mid, kind: 'audio', ...(t ? { transceiver: t } : {}), rejected: m.rejected };
      });
      this.sections = sections;
      this.sections.forEach((s, i) => {
        if (s.transceiver) s.transceiver.mLineIndex = i;
      });
      this.updateRemoteTracks(info);
    } else {
      // answer / pranswer to our offer.
      if (type === 'answer') {
        this.currentRemote = desc;
        this.currentLocal = this.pendingLocal ?? this.currentLocal;
        this.pendingRemote = null;
        this.pendingLocal = null;
      } else this.pendingRemote = desc;
      this.core.setRemoteCredentials(info.ufrag, info.pwd);
      for (const c of info.candidates) this.core.addRemoteCandidate(this.now(), c);
      info.media.forEach((m, i) => {
        const s = this.sections[i];
        if (s && m.rejected) s.rejected = true;
      });
      const role = dtlsRoleFromSetup(true, info.setup);
      const local = this.currentLocal ?? this.pendingLocal;
      this.applyNegotiated(local?.sdp ?? '', info, role);
      this.updateRemoteTracks(info);
    }
    if (info.endOfCandidates) this.core.endOfRemoteCandidates(this.now());
    await this.openTransport();
    this.drain();
  }

  /** After an answer (either side): DTLS role and fingerprints, SCTP, codecs and directions. */
  private applyNegotiated(localSdp: string, remote: RemoteDescriptionInfo, role: 'client' | 'server'): void {
    const fps: ExpectedFingerprint[] = remote.fingerprints.map((f) => ({ algorithm: f.algorithm, value: f.value }));
    this.core.setDtls(this.now(), role, fps);
    const app = remote.media.find((m) => m.kind === 'application' && !m.rejected);
    if (app && this.sections.some((s) => s.kind === 'application' && !s.rejected)) this.core.enableSctp(this.now(), app.sctpPort ?? DEFAULT_SCTP_PORT);
    const localDirs = [...localSdp.matchAll(/a=(sendrecv|sendonly|recvonly|inactive)\r\n/g)].map((x) => x[1] as Direction);
    let audioIndex = 0;
    remote.media.forEach((m, i) => {
      const s = this.sections[i];
      if (!s || s.kind !== 'audio' || !s.transceiver) return;
      const t = s.transceiver;
      const localDir = localDirs[audioIndex++] ?? 'inactive';
      if (m.rejected) {
        t.currentDirection = 'inactive';
        return;
      }
      t.currentDirection = localDir;
      t.negotiatedCodecs = negotiateAudioCodecs(m.codecs);
      if (m.ssrcs[0] !== undefined) t.receiver.ssrc = m.ssrcs[0];
    });
    this.media.configure(this.transceivers, this.now());
    this.drain();
  }

  /** Fire 'track' for sections where the remote now sends (webrtc-pc §4.4.1.5 "process remote tracks"). */
  private updateRemoteTracks(info: RemoteDescriptionInfo): void {
    info.media.forEach((m, i) => {
      const s = this.sections[i];
      const t = s?.transceiver;
      if (!t || m.rejected) return;
      const remoteSends = reverseDirection(m.direction) === 'recvonly' || m.direction === 'sendrecv';
      if (remoteSends && !t.firedTrack) {
        t.firedTrack = true;
        const streams = m.msid ? [new MediaStream(m.msid.stream, [t.receiver.track])] : [];
        t.remoteStreams = streams;
        this.fire(makeEvent('track', { receiver: t.receiver, track: t.receiver.track, streams, transceiver: t }));
      }
    });
  }

  // ---- candidates -------------------------------------------------------------------------------

  addIceCandidate(candidate?: RTCIceCandidateInit | RTCIceCandidate | null): Promise<void> {
    const c = candidate ?? {};
    const text = c.candidate ?? '';
    if (text !== '' && (c.sdpMid ?? null) === null && (c.sdpMLineIndex ?? null) === null) {
      return Promise.reject(new TypeError('addIceCandidate: sdpMid and sdpMLineIndex are both null'));
    }
    return this.chain(() => {
      const remote = this.remoteInfo;
      if (!this.remoteDescription || !remote) throw invalidState('addIceCandidate before setRemoteDescription');
      if (c.usernameFragment && c.usernameFragment !== remote.ufrag) throw operationError('usernameFragment does not match the remote description');
      if (c.sdpMid !== undefined && c.sdpMid !== null && !remote.media.some((m) => m.mid === c.sdpMid)) throw operationError(`no m= section with mid ${c.sdpMid}`);
      if (c.sdpMid == null && c.sdpMLineIndex != null && c.sdpMLineIndex >= remote.media.length) throw operationError(`no m= section ${c.sdpMLineIndex}`);
      if (text === '') {
        // RFC 8838 §10: end-of-candidates for this generation.
        this.core.endOfRemoteCandidates(this.now());
      } else {
        try {
          new RTCIceCandidate({ ...c, candidate: text, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? 0 });
          this.checkCandidate(text);
        } catch (e) {
          throw operationError(`bad candidate: ${(e as Error).message}`);
        }
        this.core.addRemoteCandidate(this.now(), text.startsWith('candidate:') ? text : `candidate:${text}`);
      }
      this.drain();
    });
  }

  private checkCandidate(text: string): void {
    // Parse errors surface as OperationError (webrtc-pc §4.4.1.6 addIceCandidate).
    const t = text.replace(/^a=/, '');
    if (!/^candidate:/.test(t) && !/^\S+ \d+ /.test(t)) throw new Error('not a candidate line');
  }

  restartIce(): void {
    if (this.isClosed) return;
    this.iceRestartNeeded = true;
    this.updateNegotiationNeeded();
  }

  // ---- tracks and channels -------------------------------------------------------------------

  private newTransceiver(direction: Direction, track: AudioTrack | null): RTCRtpTransceiver {
    const ssrc = new DataView(this.random(4).buffer).getUint32(0) >>> 0 || 1;
    const t = new RTCRtpTransceiver('audio', new RTCRtpSender(track, ssrc), new RTCRtpReceiver(), direction, () => this.updateNegotiationNeeded());
    this.transceivers.push(t);
    return t;
  }

  addTransceiver(trackOrKind: AudioTrack | 'audio' | 'video', init: { direction?: Direction; streams?: MediaStream[] } = {}): RTCRtpTransceiver {
    if (this.isClosed) throw invalidState('closed');
    const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind.kind;
    if (kind !== 'audio') throw domError('NotSupportedError', 'only audio transceivers are supported');
    const track = typeof trackOrKind === 'string' ? null : trackOrKind;
    const t = this.newTransceiver(init.direction ?? 'sendrecv', track);
    t.sender.streams = init.streams ?? [];
    this.updateNegotiationNeeded();
    return t;
  }

  addTrack(track: AudioTrack, ...streams: MediaStream[]): RTCRtpSender {
    if (this.isClosed) throw invalidState('closed');
    if (this.transceivers.some((t) => t.sender.track === track)) throw domError('InvalidAccessError', 'track already added');
    // webrtc-pc §4.4.3.1 addTrack: reuse a transceiver never used to send, else a new one.
    const reuse = this.transceivers.find((t) => !t.stopped && t.kind === track.kind && t.sender.track === null && !t.firedSend);
    let t: RTCRtpTransceiver;
    if (reuse) {
      reuse.sender.track = track;
      reuse.firedSend = true;
      if (reuse.direction === 'recvonly') reuse.direction = 'sendrecv';
      else if (reuse.direction === 'inactive') reuse.direction = 'sendonly';
      t = reuse;
    } else {
      t = this.newTransceiver('sendrecv', track);
      t.firedSend = true;
    }
    t.sender.streams = streams;
    for (const s of streams) s._add(track);
    this.media.configure(this.transceivers, this.now());
    this.updateNegotiationNeeded();
    return t.sender;
  }

  removeTrack(sender: RTCRtpSender): void {
    if (this.isClosed) throw invalidState('closed');
    const t = this.transceivers.find((x) => x.sender === sender);
    if (!t) throw domError('InvalidAccessError', 'sender does not belong to this connection');
    if (!sender.track) return;
    sender.track = null;
    if (t.direction === 'sendrecv') t.direction = 'recvonly';
    else if (t.direction === 'sendonly') t.direction = 'inactive';
  }

  getTransceivers(): RTCRtpTransceiver[] {
    return [...this.transceivers];
  }
  getSenders(): RTCRtpSender[] {
    return this.transceivers.filter((t) => !t.stopped).map((t) => t.sender);
  }
  getReceivers(): RTCRtpReceiver[] {
    return this.transceivers.filter((t) => !t.stopped).map((t) => t.receiver);
  }

  createDataChannel(label: string, init: DataChannelInit = {}): RTCDataChannel {
    if (this.isClosed) throw invalidState('closed');
    // webrtc-pc §6.1 createDataChannel argument checks.
    if (Buffer.byteLength(label) > 65535) throw new TypeError('label longer than 65535 bytes');
    if (Buffer.byteLength(init.protocol ?? '') > 65535) throw new TypeError('protocol longer than 65535 bytes');
    if (init.maxPacketLifeTime !== undefined && init.maxRetransmits !== undefined) throw new TypeError('maxPacketLifeTime and maxRetransmits are exclusive');
    if (init.negotiated && init.id === undefined) throw new TypeError('a negotiated channel needs an id');
    if (init.id !== undefined && (init.id < 0 || init.id > 65534)) throw new TypeError('id must be 0..65534');
    if (init.id !== undefined && [...this.core.channels].some((r) => (r.inner?.id ?? r.init.id) === init.id)) throw domError('OperationError', `id ${init.id} in use`);
    const ref = this.core.createChannel(this.now(), label, init);
    const ch = new RTCDataChannel(this, ref);
    this.channelObjects.set(ref, ch);
    const first = !this.dataChannelsWanted;
    this.dataChannelsWanted = true;
    if (first) this.updateNegotiationNeeded();
    this.drain();
    return ch;
  }

  channelSend(ch: RTCDataChannel, data: string | Uint8Array): void {
    this.core.channelSend(this.now(), ch.ref, data);
    this.drain();
  }
  channelClose(ch: RTCDataChannel): void {
    this.core.channelClose(this.now(), ch.ref);
    this.drain();
  }
  channelBufferedAmount(ch: RTCDataChannel): number {
    return ch.ref.inner?.bufferedAmount ?? 0;
  }

  // ---- stats ---------------------------------------------------------------------------------

  getStats(): Promise<RTCStatsReport> {
    return Promise.resolve(
      collectStats({
        now: this.now(),
        core: this.core,
        certificate: this.certificate,
        remoteFingerprint: this.core.peerFingerprint,
        channels: [...this.channelObjects.values()],
        media: this.media,
        transceivers: this.transceivers,
        dataChannelsOpened: this.dataChannelsOpened,
        dataChannelsClosed: this.dataChannelsClosed,
        iceState: this._iceConnectionState,
        gatheringState: this._iceGatheringState,
      }),
    );
  }
  private dataChannelsOpened = 0;
  private dataChannelsClosed = 0;

  // ---- close (webrtc-pc §4.4.1.2) ---------------------------------------------------------------

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    // No events fire for these state changes (§4.4.1.2 "close the RTCPeerConnection").
    this._signalingState = 'closed';
    for (const t of this.transceivers) t.stop();
    this.media.close(this.now());
    for (const ch of this.channelObjects.values()) ch._closedSilently();
    this.core.close(this.now());
    this.drain();
    this._iceConnectionState = 'closed';
    this._connectionState = 'closed';
    this.transport?.setTimer(undefined);
    this.transport?.close();
  }

  // ---- the loop: transport <-> core <-> events ------------------------------------------------

  private now(): number {
    return this.transport ? this.transport.now() : 0;
  }

  private async openTransport(): Promise<void> {
    if (this.transport || this.isClosed) return this.transportOpening;
    const transport = this.transportFactory({
      onDatagram: (data, remote, local) =>
        this.guarded(() => {
          this.core.handleDatagram(this.now(), data, remote, local);
          this.drain();
        }),
      onTimer: () =>
        this.guarded(() => {
          const now = this.now();
          if (this.gatherPending) {
            this.gatherPending = false;
            this.marks.gatherStart ??= now;
            this.releaseCandidates();
            this.core.gather(now);
          }
          this.core.handleTimeout(now);
          this.media.handleTimeout(now);
          this.drain();
        }),
    });
    this.transport = transport;
    this.transportOpening = transport.open().then((addrs: readonly Address[]) => {
      for (const a of addrs) this.core.addLocalAddress(a);
    });
    return this.transportOpening;
  }

  /**
   * The socket handler's last line of defence: layers drop and count bad input themselves, so an
   * exception here is a bug. Count it, keep it for getStats/debugging, re-arm the timer, and keep
   * the connection (and the process) alive.
   */
  private guarded(step: () => void): void {
    try {
      step();
    } catch (e) {
      this.core.stats.internalErrors++;
      this.core.stats.lastInternalError = e;
      try {
        this.armTimer();
      } catch {
        // Nothing more can be done from inside a socket callback.
      }
    }
  }

  /** Gathering starts in a later task (so icecandidate events follow the sLD promise, as in browsers). */
  private requestGather(): void {
    this.gatherPending = true;
    this.armTimer();
  }

  private armTimer(): void {
    if (!this.transport || this.isClosed) return;
    let t = this.core.nextTimeout();
    const m = this.media.nextTimeout();
    if (m !== undefined && (t === undefined || m < t)) t = m;
    if (this.gatherPending) t = this.now();
    this.transport.setTimer(t);
  }

  private holdCandidates = false;
  private heldCandidates: CoreOutput[] = [];

  private releaseCandidates(): void {
    this.holdCandidates = false;
    const held = this.heldCandidates;
    this.heldCandidates = [];
    for (const o of held) this.onCore(o);
  }

  private drain(): void {
    if (this.draining) {
      this.redrain = true;
      return;
    }
    this.draining = true;
    try {
      do {
        this.redrain = false;
        for (let o = this.core.pollOutput(); o; o = this.core.pollOutput()) this.onCore(o);
        if (this.media.flush(this.now())) this.redrain = true;
      } while (this.redrain);
    } finally {
      this.draining = false;
    }
    this.armTimer();
  }

  private onCore(o: CoreOutput): void {
    const now = this.now();
    if (this.holdCandidates && (o.type === 'ice-candidate' || o.type === 'ice-gathering-state')) {
      this.heldCandidates.push(o);
      return;
    }
    this.options.onCoreOutput?.(o, now);
    switch (o.type) {
      case 'transmit':
        this.transport?.send(o.data, o.remote, o.local);
        break;
      case 'wire':
        this.options.onWire?.(o.event, now);
        break;
      case 'ice-candidate': {
        if (this.isClosed) break;
        const mid = this.sections[0]?.mid ?? '0';
        if (o.candidate === null) {
          this.localEndOfCandidates = true;
          this.marks.gatherEnd ??= now;
          break;
        }
        this.localCandidates.push(o.candidate);
        const cand = new RTCIceCandidate({ candidate: o.candidate, sdpMid: mid, sdpMLineIndex: 0, usernameFragment: this.core.localCredentials.ufrag });
        this.fire(makeEvent('icecandidate', { candidate: cand, url: null }));
        break;
      }
      case 'ice-gathering-state': {
        if (this.isClosed) break;
        const s = iceGatheringState([o.state]);
        if (s === this._iceGatheringState) break;
        this._iceGatheringState = s;
        this.fire(new Event('icegatheringstatechange'));
        // §5.6: after 'complete', an icecandidate event with a null candidate.
        if (s === 'complete') this.fire(makeEvent('icecandidate', { candidate: null, url: null }));
        break;
      }
      case 'ice-state':
        if (o.state === 'connected' || o.state === 'completed') this.marks.iceConnected ??= now;
        this.updateStates();
        break;
      case 'dtls-state':
        if (o.state === 'connected') {
          this.marks.dtlsConnected ??= now;
          this.media.configure(this.transceivers, now);
        }
        this.updateStates();
        break;
      case 'sctp-state':
        if (o.state === 'connected') this.marks.sctpConnected ??= now;
        break;
      case 'channel-remote': {
        if (this.isClosed) break;
        const ch = new RTCDataChannel(this, o.ref);
        this.channelObjects.set(o.ref, ch);
        this.fire(makeEvent('datachannel', { channel: ch }));
        break;
      }
      case 'channel-event': {
        const ch = this.channelObjects.get(o.ref);
        if (!ch) break;
        if (o.event === 'open') {
          this.dataChannelsOpened++;
          this.marks.channelOpen ??= now;
          ch._open(now);
        } else if (o.event === 'message') ch._message(o.data ?? '');
        else if (o.event === 'closing') ch._closing();
        else if (o.event === 'close') {
          if (ch.readyState !== 'closed') this.dataChannelsClosed++;
          this.channelObjects.delete(o.ref);
          ch._closed();
        } else if (o.event === 'bufferedamountlow') ch._event('bufferedamountlow');
        else if (o.event === 'error') ch._event('error');
        break;
      }
      case 'rtp':
        this.marks.firstRtp ??= now;
        this.media.onRtp(now, o.packet, o.ssrc);
        break;
      case 'rtcp':
        this.media.onRtcp(now, o.packet);
        break;
      default:
        break;
    }
  }

  private updateStates(): void {
    if (this.isClosed) return;
    const ice = this.core.iceState;
    const dtls = this.core.dtlsState;
    const iceConn = iceConnectionState(false, [ice]);
    const conn = peerConnectionState(false, [ice], [dtls]);
    if (iceConn !== this._iceConnectionState) {
      this._iceConnectionState = iceConn;
      this.fire(new Event('iceconnectionstatechange'));
    }
    if (conn !== this._connectionState) {
      this._connectionState = conn;
      if (conn === 'connected') this.marks.connected ??= this.now();
      this.fire(new Event('connectionstatechange'));
    }
  }

  private setSignaling(s: RTCSignalingState): void {
    if (s === 'stable') for (const t of this.transceivers) t.createdByRemoteOffer = false;
    if (s === this._signalingState) return;
    this._signalingState = s;
    this.fire(new Event('signalingstatechange'));
    if (s === 'stable') this.updateNegotiationNeeded();
  }

  // ---- negotiation-needed (webrtc-pc §4.7.3) ---------------------------------------------------

  private isNegotiationNeeded(): boolean {
    if (this.iceRestartNeeded) return true;
    if (this.dataChannelsWanted && !this.sections.some((s) => s.kind === 'application')) return true;
    for (const t of this.transceivers) {
      if (t.stopped) {
        if (t.mid !== null && this.sections.some((s) => s.transceiver === t && !s.rejected)) return true;
        continue;
      }
      if (!this.sections.some((s) => s.transceiver === t)) return true;
      // Direction changed since the last negotiation (§4.7.3 step 5.3).
      if (this.currentLocal && t.currentDirection !== null) {
        const offered = t.direction;
        const cur = t.currentDirection;
        const wantSend = offered === 'sendrecv' || offered === 'sendonly';
        const curSend = cur === 'sendrecv' || cur === 'sendonly';
        const wantRecv = offered === 'sendrecv' || offered === 'recvonly';
        const curRecv = cur === 'sendrecv' || cur === 'recvonly';
        if (wantSend !== curSend && !(wantSend && !curSend && !this.remoteCanReceive(t))) return true;
        if (wantRecv !== curRecv && !(wantRecv && !curRecv && !this.remoteCanSend(t))) return true;
      }
    }
    return false;
  }

  private remoteCanReceive(t: RTCRtpTransceiver): boolean {
    const m = this.remoteInfo?.media.find((x) => x.mid === t.mid);
    return !m || m.direction === 'sendrecv' || m.direction === 'recvonly';
  }
  private remoteCanSend(t: RTCRtpTransceiver): boolean {
    const m = this.remoteInfo?.media.find((x) => x.mid === t.mid);
    return !m || m.direction === 'sendrecv' || m.direction === 'sendonly';
  }

  private updateNegotiationNeeded(): void {
    if (this.isClosed) return;
    if (this.opsPending > 0) return; // re-checked when the chain empties
    if (this._signalingState !== 'stable') return; // re-checked on return to stable
    if (!this.isNegotiationNeeded()) {
      this.negotiationNeeded = false;
      return;
    }
    if (this.negotiationNeeded) return;
    this.negotiationNeeded = true;
    // Fired later (the spec queues a task), re-checking the conditions first (§4.7.3 step 5).
    queueMicrotask(() => {
      if (this.isClosed || this.opsPending > 0 || this._signalingState !== 'stable' || !this.negotiationNeeded) return;
      if (!this.isNegotiationNeeded()) {
        this.negotiationNeeded = false;
        return;
      }
      this.fire(new Event('negotiationneeded'));
    });
  }
}
