import { Ppid } from './constants.ts';

/** W3C RTCDataChannelState. */
export type DataChannelState = 'connecting' | 'open' | 'closing' | 'closed';

/** W3C RTCDataChannelInit. */
export interface DataChannelInit {
  readonly ordered?: boolean;
  readonly maxPacketLifeTime?: number;
  readonly maxRetransmits?: number;
  readonly protocol?: string;
  readonly negotiated?: boolean;
  readonly id?: number;
  /** RFC 8831 §6.4 priority (256 = normal). */
  readonly priority?: number;
}

export interface DataChannelEventMap {
  open: { readonly type: 'open' };
  message: { readonly type: 'message'; readonly data: string | Uint8Array };
  bufferedamountlow: { readonly type: 'bufferedamountlow' };
  closing: { readonly type: 'closing' };
  close: { readonly type: 'close' };
  error: { readonly type: 'error'; readonly error: Error };
}
export type DataChannelEventType = keyof DataChannelEventMap;
type Listener<K extends DataChannelEventType> = (ev: DataChannelEventMap[K]) => void;

/** What a channel needs from the transport that carries it (implemented by SctpTransport). */
export interface ChannelHost {
  sendOnStream(ch: DataChannel, ppid: number, data: Uint8Array): void;
  bufferedAmount(streamId: number): number;
  setLowThreshold(streamId: number, bytes: number): void;
  closeChannel(ch: DataChannel): void;
  /** Lets the host announce a pending 'open' before a send on a just-created channel. */
  beforeSend?(ch: DataChannel): void;
  readonly maxMessageSize: number;
}

const utf8 = new TextEncoder();
const EMPTY_PAYLOAD = Uint8Array.of(0);

/**
 * An RTCDataChannel (W3C webrtc-pc §6.2) over one SCTP stream pair (RFC 8831). Messages arrive as
 * `string` (PPID 51/56) or `Uint8Array` (PPID 53/57); events dispatch synchronously from the
 * transport's input processing.
 */
export class DataChannel {
  readonly label: string;
  readonly protocol: string;
  readonly ordered: boolean;
  readonly maxPacketLifeTime: number | null;
  readonly maxRetransmits: number | null;
  readonly negotiated: boolean;
  readonly priority: number;
  /** Binary messages are delivered as Uint8Array views. */
  readonly binaryType = 'uint8array';
  private _id: number | null;
  private _state: DataChannelState = 'connecting';
  private _lowThreshold = 0;
  /** RFC 8832 §6: until the peer's DATA_CHANNEL_ACK arrives, send ordered. */
  ackPending = false;
  incomingReset = false;
  outgoingReset = false;
  private listeners = new Map<DataChannelEventType, Set<Listener<DataChannelEventType>>>();

  onopen: Listener<'open'> | null = null;
  onmessage: Listener<'message'> | null = null;
  onbufferedamountlow: Listener<'bufferedamountlow'> | null = null;
  onclosing: Listener<'closing'> | null = null;
  onclose: Listener<'close'> | null = null;
  onerror: Listener<'error'> | null = null;

  constructor(
    private readonly host: ChannelHost,
    label: string,
    init: DataChannelInit,
    id: number | null,
  ) {
    if (init.maxPacketLifeTime !== undefined && init.maxRetransmits !== undefined) {
      throw new TypeError('maxPacketLifeTime and maxRetransmits are mutually exclusive');
    }
    if (utf8.encode(label).length > 0xffff) throw new TypeError('label longer than 65535 UTF-8 bytes');
    if (utf8.encode(init.protocol ?? '').length > 0xffff) throw new TypeError('protocol longer than 65535 UTF-8 bytes');
    this.label = label;
    this.protocol = init.protocol ?? '';
    this.ordered = init.ordered ?? true;
    this.maxPacketLifeTime = init.maxPacketLifeTime ?? null;
    this.maxRetransmits = init.maxRetransmits ?? null;
    this.negotiated = init.negotiated ?? false;
    this.priority = init.priority ?? 256;
    this._id = id;
  }

  get id(): number | null {
    return this._id;
  }
  get readyState(): DataChannelState {
    return this._state;
  }
  get bufferedAmount(): number {
    return this._id === null ? 0 : this.host.bufferedAmount(this._id);
  }
  get bufferedAmountLowThreshold(): number {
    return this._lowThreshold;
  }
  set bufferedAmountLowThreshold(v: number) {
    this._lowThreshold = v;
    if (this._id !== null) this.host.setLowThreshold(this._id, v);
  }

  addEventListener<K extends DataChannelEventType>(type: K, fn: Listener<K>): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(fn as Listener<DataChannelEventType>);
  }

  removeEventListener<K extends DataChannelEventType>(type: K, fn: Listener<K>): void {
    this.listeners.get(type)?.delete(fn as Listener<DataChannelEventType>);
  }

  /** W3C send(): string -> PPID 51 (56 when empty), bytes -> PPID 53 (57 when empty), RFC 8831 §6.6. */
  send(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): void {
    this.host.beforeSend?.(this);
    if (this._state !== 'open') throw new DOMExceptionLike('InvalidStateError', `data channel is ${this._state}`);
    let ppid: number;
    let bytes: Uint8Array;
    if (typeof data === 'string') {
      bytes = utf8.encode(data);
      ppid = bytes.length ? Ppid.STRING : Ppid.STRING_EMPTY;
    } else {
      // W3C send() takes a snapshot: copy, so the caller may reuse its buffer at once.
      bytes = (
        ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data)
      ).slice();
      ppid = bytes.length ? Ppid.BINARY : Ppid.BINARY_EMPTY;
    }
    if (bytes.length > this.host.maxMessageSize) {
      throw new TypeError(`message of ${bytes.length} bytes exceeds max-message-size ${this.host.maxMessageSize}`);
    }
    // Empty messages travel as one zero byte with the "empty" PPID (RFC 8831 §6.6).
    this.host.sendOnStream(this, ppid, bytes.length ? bytes : EMPTY_PAYLOAD);
  }

  /** W3C close(): closing, then the stream is reset once everything queued has gone out. */
  close(): void {
    if (this._state === 'closing' || this._state === 'closed') return;
    this._state = 'closing';
    this.host.closeChannel(this);
  }

  // ---- called by the transport ----

  /** @internal */
  assignId(id: number): void {
    this._id = id;
    if (this._lowThreshold) this.host.setLowThreshold(id, this._lowThreshold);
  }

  /** @internal */
  setState(s: DataChannelState): void {
    if (this._state === s) return;
    this._state = s;
    if (s === 'open') this.dispatch('open', { type: 'open' });
    else if (s === 'closing') this.dispatch('closing', { type: 'closing' });
    else if (s === 'closed') this.dispatch('close', { type: 'close' });
  }

  /** @internal */
  deliver(ppid: number, data: Uint8Array): void {
    if (this._state !== 'open' && this._state !== 'closing') return;
    let value: string | Uint8Array;
    switch (ppid) {
      case Ppid.STRING:
      case Ppid.STRING_PARTIAL:
        value = new TextDecoder().decode(data);
        break;
      case Ppid.STRING_EMPTY:
        value = '';
        break;
      case Ppid.BINARY_EMPTY:
        value = new Uint8Array(0);
        break;
      default:
        value = data;
    }
    this.dispatch('message', { type: 'message', data: value });
  }

  /** @internal */
  dispatch<K extends DataChannelEventType>(type: K, ev: DataChannelEventMap[K]): void {
    const prop = (this as unknown as Record<string, Listener<K> | null>)[`on${type}`];
    if (prop) prop(ev);
    const set = this.listeners.get(type);
    if (set) for (const fn of [...set]) (fn as Listener<K>)(ev);
  }
}

/** A DOMException stand-in with the W3C error names (Node's DOMException is fine too, but this keeps the core plain). */
export class DOMExceptionLike extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}
