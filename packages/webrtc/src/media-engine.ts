/**
 * Glue between the transceivers and the sans-IO media pipeline (src/media): one AudioSender per
 * transceiver that sends, one AudioReceiver per transceiver that receives, RTP routed to receivers
 * by SSRC (RFC 8843 §9.2: a=ssrc from SDP, else the first unknown SSRC goes to a receiver that has
 * none yet), RTCP offered to every sender and receiver (each keeps what names its SSRC).
 */
import type { RandomSource } from '@rtcstack/common';
import type { CodecSpec } from '@rtcstack/sdp';
import { AudioReceiver, AudioSender, type AudioReceiverStats, type AudioSenderStats, type PayloadKind } from './media/index.ts';
import type { PeerConnectionCore } from './core.ts';
import { hasGenericNack } from './jsep.ts';
import type { RTCRtpTransceiver } from './transceiver.ts';

interface Pipe {
  readonly transceiver: RTCRtpTransceiver;
  sender?: AudioSender;
  receiver?: AudioReceiver;
}

export interface MediaCounters {
  rtpSent: number;
  rtcpSent: number;
  rtpReceived: number;
  rtcpReceived: number;
  /** RTP whose SSRC no receiver claims. */
  rtpUnrouted: number;
}

function kindOf(c: CodecSpec): PayloadKind {
  const n = c.name.toLowerCase();
  return n === 'pcmu' ? 'PCMU' : n === 'pcma' ? 'PCMA' : 'opaque';
}

/** Generic NACK agreed for every negotiated payload type (and at least one). */
export function nackNegotiated(codecs: readonly CodecSpec[]): boolean {
  return codecs.length > 0 && codecs.every(hasGenericNack);
}

export class MediaEngine {
  readonly cname: string;
  readonly counters: MediaCounters = { rtpSent: 0, rtcpSent: 0, rtpReceived: 0, rtcpReceived: 0, rtpUnrouted: 0 };
  private readonly pipes = new Map<RTCRtpTransceiver, Pipe>();
  /** Unix ms at transport time 0, for SR NTP timestamps (set by the peer connection). */
  unixMsAtZero = 0;

  constructor(
    private readonly core: PeerConnectionCore,
    private readonly random: RandomSource,
    private readonly toneHz: number,
  ) {
    const b = random(12);
    this.cname = Buffer.from(b).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 16);
  }

  /** (Re)build pipes for what is negotiated; start senders once SRTP keys exist. */
  configure(transceivers: readonly RTCRtpTransceiver[], now: number): void {
    for (const t of transceivers) {
      if (t.stopped || t.currentDirection === null) continue;
      let p = this.pipes.get(t);
      if (!p) {
        p = { transceiver: t };
        this.pipes.set(t, p);
      }
      const dir = t.currentDirection;
      const send = (dir === 'sendrecv' || dir === 'sendonly') && t.sender.track !== null;
      const recv = dir === 'sendrecv' || dir === 'recvonly';
      const g711 = t.negotiatedCodecs.find((c) => kindOf(c) !== 'opaque');
      if (send && !p.sender && g711 && this.core.srtp) {
        p.sender = new AudioSender({
          ssrc: t.sender.ssrc,
          payloadType: g711.payloadType,
          law: kindOf(g711) === 'PCMU' ? 'ulaw' : 'alaw',
          cname: this.cname,
          source: { frequencyHz: this.toneHz },
          unixMsAtZero: this.unixMsAtZero,
          random: this.random,
          // RFC 4585 §4.2: resend only if generic NACK was negotiated for the PT we send.
          retransmit: hasGenericNack(g711),
          reportBlocks: (n) => {
            const rb = p?.receiver?.reportBlock(n);
            return rb ? [rb] : [];
          },
        });
        p.sender.start(now);
      } else if (!send && p.sender) {
        p.sender.stop(now);
      }
      if (recv && !p.receiver) {
        const pts = new Map<number, PayloadKind>();
        for (const c of t.negotiatedCodecs) pts.set(c.payloadType, kindOf(c));
        p.receiver = new AudioReceiver({
          localSsrc: t.sender.ssrc,
          payloadTypes: pts,
          cname: this.cname,
          ...(t.receiver.ssrc !== undefined ? { remoteSsrc: t.receiver.ssrc } : {}),
          random: this.random,
          reducedSize: true,
          // RFC 4585 §4.2: NACKs only when offer and answer both list a=rtcp-fb:<pt> nack. A NACK
          // names sequence numbers, not a PT, so we send them only if every PT the peer may use
          // has it (Chromium offers none for audio: no NACKs to it).
          ...(nackNegotiated(t.negotiatedCodecs) ? {} : { nack: false as const }),
        });
        p.receiver.start(now);
      }
    }
  }

  onRtp(now: number, packet: Uint8Array, ssrc: number): void {
    this.counters.rtpReceived++;
    let target: Pipe | undefined;
    for (const p of this.pipes.values()) if (p.receiver && p.transceiver.receiver.ssrc === ssrc) target = p;
    if (!target) {
      for (const p of this.pipes.values()) {
        if (p.receiver && p.transceiver.receiver.ssrc === undefined) {
          p.transceiver.receiver.ssrc = ssrc;
          target = p;
          break;
        }
      }
    }
    if (!target?.receiver) {
      this.counters.rtpUnrouted++;
      return;
    }
    target.receiver.handleRtp(now, packet);
  }

  onRtcp(now: number, packet: Uint8Array): void {
    this.counters.rtcpReceived++;
    for (const p of this.pipes.values()) {
      p.sender?.handleRtcp(now, packet);
      p.receiver?.handleRtcp(now, packet);
      // The RTT measured on our sending side paces the receiver's repeated NACKs.
      const rtt = p.sender && p.receiver ? p.sender.stats().roundTripTime : undefined;
      if (rtt !== undefined) p.receiver?.setRoundTripTime(rtt * 1000);
    }
  }

  handleTimeout(now: number): void {
    for (const p of this.pipes.values()) {
      const s = p.sender?.nextTimeout();
      if (p.sender && s !== undefined && now >= s) p.sender.handleTimeout(now);
      const r = p.receiver?.nextTimeout();
      if (p.receiver && r !== undefined && now >= r) p.receiver.handleTimeout(now);
    }
  }

  nextTimeout(): number | undefined {
    let t: number | undefined;
    for (const p of this.pipes.values()) {
      for (const x of [p.sender?.nextTimeout(), p.receiver?.nextTimeout()]) if (x !== undefined && (t === undefined || x < t)) t = x;
    }
    return t;
  }

  /** Move media outputs to the core (SRTP) and to tracks. True when anything moved. */
  flush(now: number): boolean {
    let moved = false;
    for (const p of this.pipes.values()) {
      if (p.sender) {
        for (let o = p.sender.pollOutput(); o; o = p.sender.pollOutput()) {
          moved = true;
          if (o.type === 'rtp') {
            if (this.core.sendRtp(now, o.data)) this.counters.rtpSent++;
          } else if (this.core.sendRtcp(now, o.data)) this.counters.rtcpSent++;
        }
      }
      if (p.receiver) {
        for (let o = p.receiver.pollOutput(); o; o = p.receiver.pollOutput()) {
          moved = true;
          if (o.type === 'rtcp') {
            if (this.core.sendRtcp(now, o.data)) this.counters.rtcpSent++;
          } else p.transceiver.receiver.track.onsamples?.(o.samples, o.level);
        }
      }
    }
    return moved;
  }

  /** Stop senders (final SR + BYE go out before DTLS closes). */
  close(now: number): void {
    for (const p of this.pipes.values()) p.sender?.stop(now);
    this.flush(now);
  }

  senderStats(t: RTCRtpTransceiver): AudioSenderStats | undefined {
    return this.pipes.get(t)?.sender?.stats();
  }
  receiverStats(t: RTCRtpTransceiver): AudioReceiverStats | undefined {
    return this.pipes.get(t)?.receiver?.stats();
  }
}
