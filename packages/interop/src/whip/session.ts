/**
 * One call accepted by the WHIP-style endpoint: our RTCPeerConnection answering a browser's
 * offer. It echoes every data-channel message ("echo: ..."), sends the G.711 tone when the offer
 * has audio, and records every state change of our side for the page (server-sent events).
 */
import { AudioTrack, RTCPeerConnection, udpTransport, type RTCDataChannel } from '@rtcstack/webrtc';

export interface SessionEvent {
  /** ms since the session started */
  readonly t: number;
  readonly what: string;
  readonly value: string;
}

export interface WhipSessionOptions {
  /** Addresses our peer gathers host candidates on (default 127.0.0.1). */
  readonly hostAddresses?: readonly string[];
  /** Milliseconds to wait for our ICE gathering before answering (non-trickle). */
  readonly gatherTimeoutMs?: number;
}

export class WhipSession {
  readonly pc: RTCPeerConnection;
  readonly events: SessionEvent[] = [];
  readonly channels: RTCDataChannel[] = [];
  private readonly started = Date.now();
  private listeners = new Set<(e: SessionEvent) => void>();
  closed = false;

  constructor(
    readonly id: string,
    private readonly options: WhipSessionOptions = {},
  ) {
    this.pc = new RTCPeerConnection({}, { transport: udpTransport({ hostAddresses: [...(options.hostAddresses ?? ['127.0.0.1'])] }) });
    const pc = this.pc;
    pc.addEventListener('signalingstatechange', () => this.note('signaling', pc.signalingState));
    pc.addEventListener('icegatheringstatechange', () => this.note('ice-gathering', pc.iceGatheringState));
    pc.addEventListener('iceconnectionstatechange', () => this.note('ice', pc.iceConnectionState));
    pc.addEventListener('connectionstatechange', () => this.note('connection', pc.connectionState));
    pc.addEventListener('track', () => this.note('track', 'remote audio arrived'));
    pc.addEventListener('datachannel', (e) => this.echo((e as Event & { channel: RTCDataChannel }).channel));
  }

  /** Subscribe to this session's events (returns the unsubscribe function). */
  subscribe(f: (e: SessionEvent) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  note(what: string, value: string): void {
    const e = { t: Date.now() - this.started, what, value };
    this.events.push(e);
    for (const f of this.listeners) f(e);
  }

  private echo(ch: RTCDataChannel): void {
    this.channels.push(ch);
    this.note('datachannel', `"${ch.label}" from the caller`);
    ch.addEventListener('open', () => {
      this.note('datachannel', `"${ch.label}" open`);
      ch.send(`rtcstack here: you are connected to our RTCPeerConnection (${ch.label})`);
    });
    ch.addEventListener('close', () => this.note('datachannel', `"${ch.label}" closed`));
    ch.addEventListener('message', (e) => {
      const d = (e as MessageEvent).data as string | ArrayBuffer;
      ch.send(typeof d === 'string' ? `echo: ${d}` : new Uint8Array(d));
    });
  }

  /** Apply the offer, add our tone if it has audio, gather, and return the complete answer. */
  async answer(offer: string): Promise<string> {
    const pc = this.pc;
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    if (/^m=audio /m.test(offer)) pc.addTrack(new AudioTrack('rtcstack tone'));
    await pc.setLocalDescription(await pc.createAnswer());
    // Non-trickle (RFC 9725 §4.1): the answer carries our candidates, so wait for gathering.
    const deadline = Date.now() + (this.options.gatherTimeoutMs ?? 3000);
    while (pc.iceGatheringState !== 'complete' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return pc.localDescription!.sdp;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.note('session', 'closed by DELETE');
    this.pc.close();
    this.listeners.clear();
  }
}
