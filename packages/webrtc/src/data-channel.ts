/**
 * RTCDataChannel (W3C webrtc-pc §6.2): the object an application holds, an EventTarget in front
 * of @rtcstack/sctp's DataChannel (reached through the peer connection and its core, so every
 * call carries the current time and the core's output is drained).
 */
import { RtcEventTarget, makeEvent } from './event-target.ts';
import { invalidState, domError } from './errors.ts';
import type { ChannelRef } from './channel-ref.ts';

export type RTCDataChannelState = 'connecting' | 'open' | 'closing' | 'closed';

/** What a channel needs from its peer connection. */
export interface ChannelHost {
  channelSend(ch: RTCDataChannel, data: string | Uint8Array): void;
  channelClose(ch: RTCDataChannel): void;
  channelBufferedAmount(ch: RTCDataChannel): number;
  readonly maxMessageSize: number;
}

export class RTCDataChannel extends RtcEventTarget {
  readonly label: string;
  readonly ordered: boolean;
  readonly maxPacketLifeTime: number | null;
  readonly maxRetransmits: number | null;
  readonly protocol: string;
  readonly negotiated: boolean;
  readonly priority = 'low';
  binaryType: 'arraybuffer' | 'blob' = 'arraybuffer';
  private _readyState: RTCDataChannelState = 'connecting';
  /** Test/diagnostic: when the channel opened (transport clock, ms). */
  openedAt: number | undefined;

  constructor(
    private readonly host: ChannelHost,
    readonly ref: ChannelRef,
  ) {
    super();
    this.label = ref.label;
    this.ordered = ref.init.ordered ?? true;
    this.maxPacketLifeTime = ref.init.maxPacketLifeTime ?? null;
    this.maxRetransmits = ref.init.maxRetransmits ?? null;
    this.protocol = ref.init.protocol ?? '';
    this.negotiated = ref.init.negotiated ?? false;
  }

  /** null until the DTLS role decides the stream id (RFC 8832 §6), unless negotiated with one. */
  get id(): number | null {
    return this.ref.inner?.id ?? this.ref.init.id ?? null;
  }
  get readyState(): RTCDataChannelState {
    return this._readyState;
  }
  /** webrtc-pc §6.2: 'bufferedamountlow' fires when bufferedAmount falls to this (SCTP tracks it per stream). */
  get bufferedAmountLowThreshold(): number {
    return this.ref.inner?.bufferedAmountLowThreshold ?? this.pendingThreshold;
  }
  set bufferedAmountLowThreshold(v: number) {
    this.pendingThreshold = v;
    if (this.ref.inner) this.ref.inner.bufferedAmountLowThreshold = v;
  }
  private pendingThreshold = 0;

  get bufferedAmount(): number {
    return this._readyState === 'open' ? this.host.channelBufferedAmount(this) : 0;
  }

  get onopen(): ((ev: Event) => void) | null { return this.getHandler('open'); }
  set onopen(f: ((ev: Event) => void) | null) { this.setHandler('open', f); }
  get onmessage(): ((ev: Event) => void) | null { return this.getHandler('message'); }
  set onmessage(f: ((ev: Event) => void) | null) { this.setHandler('message', f); }
  get onclosing(): ((ev: Event) => void) | null { return this.getHandler('closing'); }
  set onclosing(f: ((ev: Event) => void) | null) { this.setHandler('closing', f); }
  get onclose(): ((ev: Event) => void) | null { return this.getHandler('close'); }
  set onclose(f: ((ev: Event) => void) | null) { this.setHandler('close', f); }
  get onerror(): ((ev: Event) => void) | null { return this.getHandler('error'); }
  set onerror(f: ((ev: Event) => void) | null) { this.setHandler('error', f); }
  get onbufferedamountlow(): ((ev: Event) => void) | null { return this.getHandler('bufferedamountlow'); }
  set onbufferedamountlow(f: ((ev: Event) => void) | null) { this.setHandler('bufferedamountlow', f); }

  /** webrtc-pc §6.2 send(): InvalidStateError unless open; TypeError over max-message-size. */
  send(data: string | ArrayBuffer | ArrayBufferView): void {
    if (this._readyState !== 'open') throw invalidState(`RTCDataChannel.send: readyState is ${this._readyState}`);
    let payload: string | Uint8Array;
    let size: number;
    if (typeof data === 'string') {
      payload = data;
      size = Buffer.byteLength(data, 'utf8');
    } else if (data instanceof ArrayBuffer) {
      payload = new Uint8Array(data.slice(0));
      size = payload.length;
    } else if (ArrayBuffer.isView(data)) {
      payload = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
      size = payload.length;
    } else throw domError('TypeError', 'RTCDataChannel.send: unsupported data type');
    if (size > this.host.maxMessageSize) throw domError('TypeError', `message of ${size} bytes exceeds max-message-size ${this.host.maxMessageSize}`);
    this.host.channelSend(this, payload);
  }

  close(): void {
    if (this._readyState === 'closing' || this._readyState === 'closed') return;
    this._readyState = 'closing';
    this.host.channelClose(this);
  }

  // ---- called by the peer connection ----
  /** @internal */
  _open(at: number): void {
    if (this._readyState !== 'connecting') return;
    if (this.pendingThreshold && this.ref.inner) this.ref.inner.bufferedAmountLowThreshold = this.pendingThreshold;
    this._readyState = 'open';
    this.openedAt = at;
    this.fire(new Event('open'));
  }
  /** @internal */
  _message(data: string | Uint8Array): void {
    if (this._readyState !== 'open') return;
    const value = typeof data === 'string' ? data : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    this.fire(makeEvent('message', { data: value, origin: '', lastEventId: '' }));
  }
  /** @internal */
  _closing(): void {
    if (this._readyState === 'closed') return;
    const was = this._readyState;
    this._readyState = 'closing';
    if (was !== 'closing') this.fire(new Event('closing'));
  }
  /** @internal */
  _event(type: 'bufferedamountlow' | 'error'): void {
    this.fire(new Event(type));
  }
  /** @internal close() of the peer connection: closed without events (webrtc-pc §4.4.1.2). */
  _closedSilently(): void {
    this._readyState = 'closed';
  }
  /** @internal */
  _closed(): void {
    if (this._readyState === 'closed') return;
    this._readyState = 'closed';
    this.fire(new Event('close'));
  }
}
