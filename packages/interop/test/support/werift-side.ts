/**
 * werift (a second TypeScript WebRTC stack, npm devDependency) as a RemoteSide for the matrix,
 * in this process. It gets loopback host candidates (iceAdditionalHostAddresses) and a LOCAL
 * STUN server (ours, on 127.0.0.1): with no server it falls back to a public one (DESIGN.md).
 * Its audio is G.711 µ-law (usePCMU) so both directions carry a tone whose level can be checked;
 * it declares generic NACK (a=rtcp-fb:0 nack) so NACK is negotiated for real (RFC 4585 §4.2).
 */
import type { Address } from '@rtcstack/common';
import { G711Packetizer, ToneGenerator, audioLevel, decodeRtp, depacketizeG711, encodeRtpInto, rtpEncodedLength } from '@rtcstack/rtp-rtcp';
import type { RTCPeerConnection as OurPc } from '@rtcstack/webrtc';
import type { PageEvent } from './page-helper.ts';
import type { RemoteSide } from './call-support.ts';

type Werift = typeof import('werift');
type WPc = InstanceType<Werift['RTCPeerConnection']>;
type WChannel = ReturnType<WPc['createDataChannel']>;

const LOOPBACK = '127.0.0.1';
const isLoopback = (c: { candidate?: string } | undefined): boolean => !!c?.candidate && c.candidate.split(' ')[4] === LOOPBACK;

/** What werift received of our audio. */
export interface WeriftAudio {
  packets: number;
  /** Sequence gaps seen (RFC 3550 A.3 style, no reordering on loopback). */
  lost: number;
  /** Loudest RFC 6464 level seen, as -dBov (127 = silence). */
  bestLevel: number;
}

export class WeriftSide implements RemoteSide {
  readonly events: PageEvent[] = [];
  readonly audio: WeriftAudio = { packets: 0, lost: 0, bestLevel: 127 };
  private readonly channels = new Map<string, WChannel>();
  private waiters: { test: (e: PageEvent) => boolean; resolve: (e: PageEvent) => void }[] = [];
  private toneTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly w: Werift,
    readonly pc: WPc,
  ) {
    pc.onDataChannel.subscribe((ch) => this.watch(ch, true));
    pc.onTrack.subscribe((track) => {
      this.push({ pc: 0, type: 'track', kind: track.kind });
      let lastSeq: number | undefined;
      track.onReceiveRtp.subscribe((rtp) => {
        this.audio.packets++;
        const seq = rtp.header.sequenceNumber;
        if (lastSeq !== undefined) this.audio.lost += Math.max(0, ((seq - lastSeq) & 0xffff) - 1);
        lastSeq = seq;
        if (rtp.header.payloadType === 0) {
          const level = audioLevel(depacketizeG711(decodeRtp(new Uint8Array(rtp.serialize())), 'ulaw'));
          this.audio.bestLevel = Math.min(this.audio.bestLevel, level);
        }
      });
    });
  }

  static async create(stun: Address): Promise<WeriftSide> {
    const w = await import('werift');
    const pc = new w.RTCPeerConnection({
      iceServers: [{ urls: `stun:${stun.address}:${stun.port}` }],
      iceAdditionalHostAddresses: [LOOPBACK],
      iceUseIpv6: false,
      iceFilterCandidatePair: (p: { localCandidate: { host?: string }; remoteCandidate: { host?: string } }) =>
        p.localCandidate.host === LOOPBACK && p.remoteCandidate.host === LOOPBACK,
      codecs: { audio: [w.usePCMU({ rtcpFeedback: [{ type: 'nack' }] })] },
    } as ConstructorParameters<Werift['RTCPeerConnection']>[0]);
    return new WeriftSide(w, pc);
  }

  private push(e: PageEvent): void {
    this.events.push(e);
    this.waiters = this.waiters.filter((x) => {
      if (!x.test(e)) return true;
      x.resolve(e);
      return false;
    });
  }

  private watch(ch: WChannel, remote: boolean): void {
    this.channels.set(ch.label, ch);
    const info = (event: 'open' | 'close' | 'remote'): PageEvent => ({
      pc: 0,
      type: 'channel',
      label: ch.label,
      id: ch.id,
      event,
      ordered: ch.ordered,
      maxRetransmits: ch.maxRetransmits ?? null,
      maxPacketLifeTime: ch.maxPacketLifeTime ?? null,
      negotiated: ch.negotiated,
      protocol: ch.protocol,
    });
    if (remote) this.push(info('remote'));
    if (ch.readyState === 'open') this.push(info('open'));
    ch.stateChanged.subscribe((s) => {
      if (s === 'open') this.push(info('open'));
      if (s === 'closed') this.push(info('close'));
    });
    ch.onMessage.subscribe((m) => {
      if (typeof m === 'string') {
        let sum = 0;
        for (let i = 0; i < m.length; i++) sum = (sum + m.charCodeAt(i)) >>> 0;
        this.push({ pc: 0, type: 'message', label: ch.label, ...(m.length <= 4096 ? { text: m } : {}), size: m.length, sum });
      } else {
        const sum = m.reduce((s, b) => (s + b) >>> 0, 0);
        this.push({ pc: 0, type: 'message', label: ch.label, ...(m.length <= 4096 ? { binary: m.toString('hex') } : {}), size: m.length, sum });
      }
    });
  }

  waitFor(test: (e: PageEvent) => boolean, ms = 10_000, what = 'werift event'): Promise<PageEvent> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      this.waiters.push({ test, resolve: (e) => (clearTimeout(t), resolve(e)) });
    });
  }

  private channel(label: string): WChannel {
    const ch = this.channels.get(label);
    if (!ch) throw new Error(`werift has no channel ${label}`);
    return ch;
  }

  async send(label: string, data: string | Uint8Array): Promise<void> {
    this.channel(label).send(typeof data === 'string' ? data : Buffer.from(data));
  }
  async sendMany(label: string, prefix: string, count: number): Promise<void> {
    const ch = this.channel(label);
    for (let i = 0; i < count; i++) ch.send(`${prefix}${i}`);
  }
  async sendSize(label: string, size: number): Promise<void> {
    this.channel(label).send(Buffer.from(Uint8Array.from({ length: size }, (_, i) => i & 0xff)));
  }
  async createChannel(label: string, init: Record<string, unknown> = {}): Promise<number | null> {
    const ch = this.pc.createDataChannel(label, init);
    this.watch(ch, false);
    return ch.id ?? null;
  }
  async closeChannel(label: string): Promise<void> {
    this.channel(label).close();
  }

  /** Add a send-recv audio transceiver that plays a 660 Hz µ-law tone (20 ms packets). */
  addTone(): void {
    const track = new this.w.MediaStreamTrack({ kind: 'audio' });
    this.pc.addTransceiver(track, { direction: 'sendrecv' });
    const tone = new ToneGenerator(660, 8000, 0.4);
    const pk = new G711Packetizer({ ssrc: 0x1234abcd, payloadType: 0, initialSequence: 1000, initialTimestamp: 0 });
    this.toneTimer = setInterval(() => {
      const p = pk.packetize(tone.next(160));
      const buf = Buffer.alloc(rtpEncodedLength(p));
      encodeRtpInto(p, buf);
      track.writeRtp(buf);
    }, 20);
  }

  /** werift's outbound-rtp stats: NACK packets it received and packets it resent for them. */
  async outboundRtp(): Promise<{ nackCount: number; retransmittedPacketsSent: number }> {
    const s = [...(await this.pc.getStats()).values()].find((x) => x.type === 'outbound-rtp') as
      | { nackCount?: number; retransmittedPacketsSent?: number }
      | undefined;
    // werift reports 0 as undefined.
    return { nackCount: s?.nackCount ?? 0, retransmittedPacketsSent: s?.retransmittedPacketsSent ?? 0 };
  }

  /** Offer/answer with our peer in either direction, trickling loopback candidates both ways. */
  async negotiate(ours: OurPc, offerer: 'ours' | 'browser', iceRestart = false): Promise<void> {
    const toW: { candidate?: string; sdpMid?: string | null; sdpMLineIndex?: number | null }[] = [];
    const toOurs: { candidate: string; sdpMid: string }[] = [];
    let wReady = false;
    let oursReady = false;
    ours.onicecandidate = (e) => {
      const c = (e as Event & { candidate: { toJSON(): { candidate?: string; sdpMid?: string | null; sdpMLineIndex?: number | null } } | null }).candidate;
      if (!c) return;
      if (wReady) void this.pc.addIceCandidate(c.toJSON() as never).catch(() => undefined);
      else toW.push(c.toJSON());
    };
    this.pc.onIceCandidate.subscribe((c) => {
      if (!isLoopback(c)) return;
      const j = { candidate: c!.candidate, sdpMid: c!.sdpMid ?? '0' };
      if (oursReady) void ours.addIceCandidate(j).catch(() => undefined);
      else toOurs.push(j);
    });
    if (offerer === 'ours') {
      await ours.setLocalDescription(await ours.createOffer({ iceRestart }));
      await this.pc.setRemoteDescription({ type: 'offer', sdp: ours.localDescription!.sdp } as never);
      await this.pc.setLocalDescription(await this.pc.createAnswer());
      wReady = true;
      await ours.setRemoteDescription({ type: 'answer', sdp: this.pc.localDescription!.sdp });
      oursReady = true;
    } else {
      await this.pc.setLocalDescription(await this.pc.createOffer());
      await ours.setRemoteDescription({ type: 'offer', sdp: this.pc.localDescription!.sdp });
      oursReady = true;
      await ours.setLocalDescription(await ours.createAnswer());
      await this.pc.setRemoteDescription({ type: 'answer', sdp: ours.localDescription!.sdp } as never);
      wReady = true;
    }
    for (const j of toW.splice(0)) await this.pc.addIceCandidate(j as never).catch(() => undefined);
    for (const j of toOurs.splice(0)) await ours.addIceCandidate(j).catch(() => undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.toneTimer);
    await this.pc.close();
  }
}
