/**
 * Data channels on an SCTP association (RFC 8831) opened with DCEP (RFC 8832), sans-IO.
 *
 * Each channel is a pair of SCTP streams with the same number. The DTLS client picks even stream
 * ids, the DTLS server odd ones (RFC 8832 §6), so both sides can open channels without clashing.
 * Opening: DATA_CHANNEL_OPEN on the stream (PPID 50), answered by DATA_CHANNEL_ACK; the opener may
 * send right away (§6). Closing: reset the outgoing stream (RFC 8831 §6.7, RFC 6525); the peer
 * resets its own in answer and both sides report the channel closed.
 */
import { isParseError } from '@rtcstack/common';
import { ChannelType, DcepType, decodeDcep, encodeDcep, type SctpAssociation } from '@rtcstack/sctp';

/** SCTP payload protocol identifiers (RFC 8831 §8). */
export const PPID = {
  DCEP: 50,
  STRING: 51,
  BINARY: 53,
  STRING_EMPTY: 56,
  BINARY_EMPTY: 57,
} as const;

export type ChannelState = 'connecting' | 'open' | 'closing' | 'closed';

export interface DataChannelInit {
  readonly ordered?: boolean;
  readonly maxPacketLifeTime?: number;
  readonly maxRetransmits?: number;
  readonly protocol?: string;
  readonly negotiated?: boolean;
  readonly id?: number;
  readonly priority?: number;
}

export interface ChannelInfo {
  readonly id: number;
  readonly label: string;
  readonly protocol: string;
  readonly ordered: boolean;
  readonly maxPacketLifeTime: number | null;
  readonly maxRetransmits: number | null;
  readonly negotiated: boolean;
  state: ChannelState;
  messagesSent: number;
  messagesReceived: number;
  bytesSent: number;
  bytesReceived: number;
}

export type ChannelEvent =
  | { readonly type: 'channel-open'; readonly id: number }
  | { readonly type: 'channel-remote'; readonly info: ChannelInfo }
  | { readonly type: 'channel-message'; readonly id: number; readonly data: string | Uint8Array }
  | { readonly type: 'channel-closing'; readonly id: number }
  | { readonly type: 'channel-closed'; readonly id: number }
  | { readonly type: 'dcep'; readonly id: number; readonly message: 'open' | 'ack'; readonly label?: string };

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

/** Map channel options to the DCEP channel type and reliability parameter (RFC 8832 §5.1). */
export function dcepChannelType(info: Pick<ChannelInfo, 'ordered' | 'maxPacketLifeTime' | 'maxRetransmits'>): { channelType: number; reliabilityParameter: number } {
  const unordered = info.ordered ? 0 : 0x80;
  if (info.maxRetransmits !== null) return { channelType: ChannelType.PARTIAL_RELIABLE_REXMIT | unordered, reliabilityParameter: info.maxRetransmits };
  if (info.maxPacketLifeTime !== null) return { channelType: ChannelType.PARTIAL_RELIABLE_TIMED | unordered, reliabilityParameter: info.maxPacketLifeTime };
  return { channelType: ChannelType.RELIABLE | unordered, reliabilityParameter: 0 };
}

export class DataChannels {
  readonly channels = new Map<number, ChannelInfo>();
  /** Channels created before the association was up (or before the DTLS role was known). */
  private pendingOpen: ChannelInfo[] = [];
  private readonly events: ChannelEvent[] = [];
  private sctp: SctpAssociation | undefined;
  private evenIds: boolean | undefined;
  dcepMalformed = 0;
  messagesDropped = 0;

  /** The DTLS role decides id parity (RFC 8832 §6): client even, server odd. */
  setDtlsRole(role: 'client' | 'server'): void {
    this.evenIds = role === 'client';
  }

  /** The association is established: send the OPENs that were waiting. */
  attach(now: number, sctp: SctpAssociation): void {
    this.sctp = sctp;
    const waiting = this.pendingOpen;
    this.pendingOpen = [];
    for (const c of waiting) this.announce(now, c);
  }

  pollEvent(): ChannelEvent | undefined {
    return this.events.shift();
  }

  /** createDataChannel: a new channel (label + options). `id` may stay -1 until the role is known. */
  create(now: number, label: string, init: DataChannelInit): ChannelInfo {
    const info: ChannelInfo = {
      id: init.id ?? -1,
      label,
      protocol: init.protocol ?? '',
      ordered: init.ordered ?? true,
      maxPacketLifeTime: init.maxPacketLifeTime ?? null,
      maxRetransmits: init.maxRetransmits ?? null,
      negotiated: init.negotiated ?? false,
      state: 'connecting',
      messagesSent: 0,
      messagesReceived: 0,
      bytesSent: 0,
      bytesReceived: 0,
    };
    if (info.id >= 0) this.channels.set(info.id, info);
    if (this.sctp) this.announce(now, info);
    else this.pendingOpen.push(info);
    return info;
  }

  /** Smallest free id of our parity (RFC 8832 §6). */
  private allocateId(): number {
    let id = this.evenIds ? 0 : 1;
    while (this.channels.has(id)) id += 2;
    return id;
  }

  /** Give ids to channels created before the DTLS role was known (W3C: at SCTP transport connect). */
  assignIds(): void {
    for (const c of this.pendingOpen) {
      if (c.id < 0) {
        (c as { id: number }).id = this.allocateId();
        this.channels.set(c.id, c);
      }
    }
  }

  private announce(now: number, c: ChannelInfo): void {
    if (c.id < 0) {
      (c as { id: number }).id = this.allocateId();
      this.channels.set(c.id, c);
    }
    if (c.negotiated) {
      c.state = 'open';
      this.events.push({ type: 'channel-open', id: c.id });
      return;
    }
    const { channelType, reliabilityParameter } = dcepChannelType(c);
    const open = encodeDcep({ type: DcepType.OPEN, channelType, priority: 256, reliabilityParameter, label: c.label, protocol: c.protocol });
    // RFC 8832 §6: OPEN is sent reliably and ordered.
    this.sctp?.send(now, c.id, PPID.DCEP, open);
    this.events.push({ type: 'dcep', id: c.id, message: 'open', label: c.label });
    // RFC 8832 §6: the opener may send as soon as it sent OPEN; W3C fires 'open' when the
    // SCTP transport is connected (webrtc-pc §6.2 "announce the data channel as open").
    c.state = 'open';
    this.events.push({ type: 'channel-open', id: c.id });
  }

  send(now: number, id: number, data: string | Uint8Array): void {
    const c = this.channels.get(id);
    if (!c || !this.sctp) throw new Error(`channel ${id} is not open`);
    let ppid: number;
    let bytes: Uint8Array;
    if (typeof data === 'string') {
      bytes = utf8.encode(data);
      ppid = bytes.length === 0 ? PPID.STRING_EMPTY : PPID.STRING;
    } else {
      bytes = data;
      ppid = bytes.length === 0 ? PPID.BINARY_EMPTY : PPID.BINARY;
    }
    // RFC 8831 §6.6: empty messages are sent as one zero byte with the EMPTY PPIDs.
    const payload = bytes.length === 0 ? new Uint8Array(1) : bytes;
    this.sctp.send(now, id, ppid, payload, {
      unordered: !c.ordered,
      ...(c.maxRetransmits !== null ? { maxRetransmits: c.maxRetransmits } : {}),
      ...(c.maxPacketLifeTime !== null ? { maxLifetimeMs: c.maxPacketLifeTime } : {}),
    });
    c.messagesSent++;
    c.bytesSent += bytes.length;
  }

  bufferedAmount(id: number): number {
    return this.sctp ? this.sctp.bufferedAmount(id) : 0;
  }

  /** Close a channel: reset our outgoing stream (RFC 8831 §6.7). */
  close(now: number, id: number): void {
    const c = this.channels.get(id);
    if (!c || c.state === 'closed' || c.state === 'closing') return;
    c.state = 'closing';
    this.events.push({ type: 'channel-closing', id });
    if (this.sctp) this.sctp.resetStreams(now, [id]);
    else this.closed(id);
  }

  /** Every channel is closed at once (association gone, peer connection closed). */
  closeAll(): void {
    for (const c of this.channels.values()) if (c.state !== 'closed') this.closed(c.id);
    for (const c of this.pendingOpen) if (c.state !== 'closed') {
      c.state = 'closed';
      if (c.id >= 0) this.events.push({ type: 'channel-closed', id: c.id });
    }
    this.pendingOpen = [];
  }

  private closed(id: number): void {
    const c = this.channels.get(id);
    if (!c || c.state === 'closed') return;
    c.state = 'closed';
    this.events.push({ type: 'channel-closed', id });
    this.channels.delete(id);
  }

  /** A message from the association. */
  onMessage(now: number, streamId: number, ppid: number, data: Uint8Array): void {
    if (ppid === PPID.DCEP) {
      this.onDcep(now, streamId, data);
      return;
    }
    const c = this.channels.get(streamId);
    if (!c || c.state === 'closed') {
      this.messagesDropped++;
      return;
    }
    let value: string | Uint8Array;
    if (ppid === PPID.STRING) value = utf8d.decode(data);
    else if (ppid === PPID.STRING_EMPTY) value = '';
    else if (ppid === PPID.BINARY_EMPTY) value = new Uint8Array(0);
    else if (ppid === PPID.BINARY || ppid === 52 || ppid === 54) value = data; // 52/54: deprecated partial binary
    else {
      this.messagesDropped++;
      return;
    }
    c.messagesReceived++;
    c.bytesReceived += typeof value === 'string' ? data.length : value.length;
    this.events.push({ type: 'channel-message', id: streamId, data: value });
  }

  private onDcep(now: number, streamId: number, data: Uint8Array): void {
    let m;
    try {
      m = decodeDcep(data);
    } catch (e) {
      if (!isParseError(e)) throw e;
      this.dcepMalformed++;
      return;
    }
    if (m.type === DcepType.ACK) {
      this.events.push({ type: 'dcep', id: streamId, message: 'ack' });
      return;
    }
    this.events.push({ type: 'dcep', id: streamId, message: 'open', label: m.label });
    if (this.channels.has(streamId)) {
      this.dcepMalformed++; // RFC 8832 §6: an OPEN for a stream in use is an error; ignore it
      return;
    }
    const unordered = (m.channelType & 0x80) !== 0;
    const kind = m.channelType & 0x7f;
    const info: ChannelInfo = {
      id: streamId,
      label: m.label,
      protocol: m.protocol,
      ordered: !unordered,
      maxRetransmits: kind === ChannelType.PARTIAL_RELIABLE_REXMIT ? m.reliabilityParameter : null,
      maxPacketLifeTime: kind === ChannelType.PARTIAL_RELIABLE_TIMED ? m.reliabilityParameter : null,
      negotiated: false,
      state: 'open',
      messagesSent: 0,
      messagesReceived: 0,
      bytesSent: 0,
      bytesReceived: 0,
    };
    this.channels.set(streamId, info);
    // RFC 8832 §6: answer with DATA_CHANNEL_ACK on the same stream.
    this.sctp?.send(now, streamId, PPID.DCEP, encodeDcep({ type: DcepType.ACK }));
    this.events.push({ type: 'dcep', id: streamId, message: 'ack' });
    this.events.push({ type: 'channel-remote', info });
  }

  /** The association reset streams (RFC 6525): incoming reset means the peer closed the channel. */
  onStreamsReset(now: number, direction: 'incoming' | 'outgoing', ids: readonly number[]): void {
    for (const id of ids) {
      const c = this.channels.get(id);
      if (!c) continue;
      if (direction === 'incoming') {
        // The peer closed: reset ours too (RFC 8831 §6.7), unless we already did.
        if (c.state !== 'closing' && this.sctp) {
          c.state = 'closing';
          this.events.push({ type: 'channel-closing', id });
          this.sctp.resetStreams(now, [id]);
        }
        this.closed(id);
      } else if (c.state === 'closing') {
        this.closed(id);
      }
    }
  }
}
