/**
 * A minimal answering peer built only from our layer packages, for capturing what Chromium sends
 * and for checking it live before the full RTCPeerConnection exists:
 *
 *   UDP socket (127.0.0.1) ── IceAgent (controlled, answers Chromium's checks, RFC 8445)
 *                               ├─ 'data' (RFC 7983: 20..63) ── DtlsEndpoint (server: a=setup:passive)
 *                               │                                 ├─ app data ── SctpAssociation (RFC 8261)
 *                               │                                 └─ exporter keys ── SrtpSession (RFC 5764 §4.2)
 *                               └─ 'data' (128..191) ── SrtpSession.unprotect (Chromium's microphone)
 *
 * Every DTLS datagram Chromium sends before the handshake ends and every SCTP packet it sends are
 * recorded as they arrived. This file is a node:dgram adapter around sans-IO cores: the cores get
 * `now` from here and a small timer wakes them at nextTimeout().
 */
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { Address } from '@rtcstack/common';
import { DtlsEndpoint, fingerprint, generateCertificate, type ConnectedEvent, type LocalCertificate, type SrtpProfileName } from '@rtcstack/dtls';
import { IceAgent } from '@rtcstack/ice';
import { SctpAssociation } from '@rtcstack/sctp';
import { srtpSessionFromDtls, type SrtpSession } from '@rtcstack/srtp';
import { buildAnswer, parse, serialize, webrtcView, type MediaSpec } from '@rtcstack/sdp';

export interface MinimalPeerOptions {
  /** use_srtp profiles we accept, preferred first. */
  readonly srtpProfiles?: readonly SrtpProfileName[];
  /** Run an SCTP association over DTLS (answers INIT, so Chromium goes on to DCEP). Default true. */
  readonly sctp?: boolean;
}

export interface Recorded {
  readonly at: number;
  readonly data: Uint8Array;
}

export class MinimalAnsweringPeer {
  readonly certificate: LocalCertificate;
  /** Every non-STUN datagram from Chromium whose first byte is 20..63 (DTLS), as received. */
  readonly dtlsIn: Recorded[] = [];
  /** Every SCTP packet from Chromium (DTLS application data), decrypted. */
  readonly sctpIn: Recorded[] = [];
  /** First STUN request Chromium sent. */
  firstStun: Uint8Array | undefined;
  connected: ConnectedEvent | undefined;
  dtlsError: string | undefined;
  /** SRTP/SRTCP from Chromium under the negotiated profile: authenticated, and failed. */
  readonly media = { rtp: 0, rtcp: 0, failed: 0 };
  private srtp: SrtpSession | undefined;
  private readonly socket: Socket;
  private readonly origin = performance.now();
  private ice: IceAgent | undefined;
  private dtls: DtlsEndpoint | undefined;
  private sctp: SctpAssociation | undefined;
  private local: Address | undefined;
  private lastRemote: Address | undefined;
  private timer: NodeJS.Timeout | undefined;
  private listeners: (() => void)[] = [];

  constructor(private readonly options: MinimalPeerOptions = {}) {
    this.certificate = generateCertificate({ now: Date.now() });
    this.socket = createSocket('udp4');
  }

  private now(): number {
    return performance.now() - this.origin;
  }

  async bind(): Promise<Address> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(0, '127.0.0.1', () => resolve());
    });
    const a = this.socket.address();
    this.local = { address: a.address, port: a.port };
    this.socket.on('message', (msg, rinfo) => this.onDatagram(new Uint8Array(msg), { address: rinfo.address, port: rinfo.port }));
    return this.local;
  }

  /** Answer Chromium's offer: our ICE credentials, fingerprint, a=setup:passive (we are the DTLS server). */
  answer(offerSdp: string): { sdp: string; candidates: string[] } {
    if (!this.local) throw new Error('bind() first');
    const offer = webrtcView(parse(offerSdp));
    const ufrag = offer.media[0]?.iceUfrag ?? offer.iceUfrag;
    const pwd = offer.media[0]?.icePwd ?? offer.icePwd;
    if (!ufrag || !pwd) throw new Error('offer has no ICE credentials');
    const fps = offer.media[0]?.fingerprints.length ? offer.media[0].fingerprints : offer.fingerprints;
    const ice = new IceAgent({ controlling: false });
    this.ice = ice;
    ice.addLocalAddress(this.local);
    ice.setRemoteCredentials(ufrag, pwd);
    ice.gather(this.now());
    this.dtls = new DtlsEndpoint({
      role: 'server',
      certificate: this.certificate,
      expectedFingerprints: fps.map((f) => ({ algorithm: f.algorithm, value: f.value })),
      srtpProfiles: this.options.srtpProfiles ?? ['SRTP_AEAD_AES_128_GCM', 'SRTP_AEAD_AES_256_GCM', 'SRTP_AES128_CM_HMAC_SHA1_80'],
    });
    const media: MediaSpec[] = offer.media.map((m): MediaSpec => {
      if (m.kind === 'application') return { kind: 'application', mid: m.mid ?? '0', sctpPort: 5000, maxMessageSize: 262144 };
      const c = m.codecs[0];
      return {
        kind: m.kind === 'video' ? 'video' : 'audio',
        mid: m.mid ?? '0',
        // recvonly: Chromium sends its microphone, which we unprotect to check the SRTP keys.
        direction: m.kind === 'audio' ? 'recvonly' : 'inactive',
        codecs: [{ payloadType: c.payloadType, name: c.name ?? 'opus', clockRate: c.clockRate ?? 48000, ...(c.channels ? { channels: c.channels } : {}) }],
      };
    });
    const sdp = serialize(
      buildAnswer({
        sessionId: '1',
        ice: { ufrag: ice.localCredentials.ufrag, pwd: ice.localCredentials.pwd },
        fingerprints: [{ algorithm: 'sha-256', value: fingerprint(this.certificate.der, 'sha-256') }],
        setup: 'passive',
        media,
      }),
    );
    const candidates: string[] = [];
    for (let o = ice.pollOutput(); o; o = ice.pollOutput()) {
      if (o.type === 'candidate') candidates.push(o.sdp.startsWith('candidate:') ? o.sdp : `candidate:${o.sdp}`);
    }
    this.pump();
    return { sdp, candidates };
  }

  addRemoteCandidate(line: string): void {
    this.ice?.addRemoteCandidate(line.replace(/^a=/, ''));
    this.pump();
  }

  /** Resolves when `test` holds (checked after every datagram and timer); rejects after ms. */
  until(test: () => boolean, ms: number, what: string): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      const check = (): void => {
        if (!test()) return;
        clearTimeout(t);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve();
      };
      this.listeners.push(check);
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.ice?.close(this.now());
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  private onDatagram(data: Uint8Array, remote: Address): void {
    if (!this.ice || !this.local) return;
    if (data[0] <= 3 && !this.firstStun) this.firstStun = data.slice();
    if (data[0] >= 20 && data[0] <= 63 && !this.connected) this.dtlsIn.push({ at: this.now(), data: data.slice() });
    this.lastRemote = remote;
    this.ice.handleInput(this.now(), { data, remote, local: this.local });
    this.pump();
  }

  private sendApp(data: Uint8Array): void {
    if (this.ice?.send(this.now(), data)) return;
    // Before the controlled side has a selected pair, answer where the peer's data came from.
    if (this.lastRemote) this.socket.send(data, this.lastRemote.port, this.lastRemote.address);
  }

  private pump(): void {
    const now = this.now();
    for (let progress = true; progress; ) {
      progress = false;
      for (let o = this.ice?.pollOutput(); o; o = this.ice?.pollOutput()) {
        progress = true;
        if (o.type === 'send') this.socket.send(o.data, o.remote.port, o.remote.address);
        else if (o.type === 'data' && o.data[0] >= 20 && o.data[0] <= 63) this.dtls?.handleInput(now, o.data);
        else if (o.type === 'data' && o.data[0] >= 128 && o.data[0] <= 191 && this.srtp) {
          // RFC 5761 §4: RTCP packet types 192..223 in the second byte.
          const rtcp = o.data[1] >= 192 && o.data[1] <= 223;
          const r = rtcp ? this.srtp.unprotectRtcp(o.data) : this.srtp.unprotectRtp(o.data);
          if (!r.ok) this.media.failed++;
          else if (rtcp) this.media.rtcp++;
          else this.media.rtp++;
        }
      }
      for (let o = this.dtls?.pollOutput(); o; o = this.dtls?.pollOutput()) {
        progress = true;
        if (o.type === 'transmit') this.sendApp(o.data);
        else if (o.type === 'connected') {
          this.connected = o;
          if (o.srtpProfile) this.srtp = srtpSessionFromDtls({ profile: o.srtpProfile, keyingMaterial: o.keyingMaterial, role: 'server' });
          if (this.options.sctp ?? true) this.sctp = new SctpAssociation({ localPort: 5000, remotePort: 5000 });
        } else if (o.type === 'data') {
          this.sctpIn.push({ at: now, data: o.data.slice() });
          this.sctp?.handleInput(now, o.data);
        } else if (o.type === 'error') this.dtlsError = o.reason;
      }
      for (let o = this.sctp?.pollOutput(); o; o = this.sctp?.pollOutput()) {
        progress = true;
        if (o.type === 'packet') this.dtls?.send(o.data);
      }
    }
    for (const l of [...this.listeners]) l();
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const next = [this.ice?.nextTimeout(), this.dtls?.nextTimeout(), this.sctp?.nextTimeout()].filter((x): x is number => x !== undefined);
    if (next.length === 0) return;
    const delay = Math.max(0, Math.min(...next) - this.now());
    this.timer = setTimeout(() => {
      const now = this.now();
      this.ice?.handleTimeout(now);
      const d = this.dtls?.nextTimeout();
      if (d !== undefined && now >= d) this.dtls?.handleTimeout(now);
      const s = this.sctp?.nextTimeout();
      if (s !== undefined && now >= s) this.sctp?.handleTimeout(now);
      this.pump();
    }, Math.min(delay, 1000));
  }
}
