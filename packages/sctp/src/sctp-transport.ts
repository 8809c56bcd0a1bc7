import { SctpAssociation } from './association.ts';
import { Ppid } from './constants.ts';
import { ChannelType, DcepType, decodeDcep, encodeDcep, type DcepOpen } from './dcep.ts';
import { DataChannel, type ChannelHost, type DataChannelInit } from './datachannel.ts';
import type { SctpOptions } from './options.ts';
import type { AssociationState, SctpOutput } from './events.ts';
import { isParseError } from '@rtcstack/common';

export interface SctpTransportOptions extends SctpOptions {
  /** DTLS role: the DTLS client uses even stream ids, the server odd ones (RFC 8832 §6). */
  readonly role: 'client' | 'server';
  /** The peer's a=max-message-size (RFC 8841 §6); 65536 when the SDP has none, 0 for no limit. */
  readonly maxMessageSize?: number;
  /**
   * The caller's clock (ms), read when the W3C-shaped API (send, close, createDataChannel) is used
   * outside handleInput/handleTimeout. Without it the time of the last input is used. Adapters pass
   * performance.now, simulations their virtual clock.
   */
  readonly clock?: () => number;
}

export type SctpTransportState = 'connecting' | 'connected' | 'closed';

/**
 * Data channels over one SCTP association (RFC 8831, RFC 8832): the W3C RTCSctpTransport plus
 * the channel bookkeeping, sans-IO like the association beneath it. Both peers call start()
 * (WebRTC endpoints both send INIT; the collision is resolved by RFC 9260 §5.2.1).
 *
 *   t.handleInput(now, sctpPacket)  // e.g. a DTLS application-data record
 *   for (let p; (p = t.pollOutput()); ) dtls.send(p)
 */
export class SctpTransport implements ChannelHost {
  readonly association: SctpAssociation;
  readonly role: 'client' | 'server';
  readonly maxMessageSize: number;
  private _state: SctpTransportState = 'connecting';
  private channels = new Map<number, DataChannel>();
  private waiting: DataChannel[] = [];
  private packets: Uint8Array[] = [];
  private packetHead = 0;
  private now = 0;
  /** Messages for streams with no channel, DCEP messages that failed to parse. */
  droppedMessages = 0;

  ondatachannel: ((ch: DataChannel) => void) | null = null;
  onstatechange: ((s: SctpTransportState) => void) | null = null;
  /** Every association state change, for labs and tests. */
  onassociationstate: ((s: AssociationState) => void) | null = null;

  private readonly clock: (() => number) | undefined;

  constructor(opts: SctpTransportOptions) {
    this.association = new SctpAssociation(opts);
    this.clock = opts.clock;
    this.role = opts.role;
    // RFC 8841 §6: no attribute means 64 KiB; 0 means the peer sets no limit.
    const mms = opts.maxMessageSize ?? 65536;
    this.maxMessageSize = mms === 0 ? Number.POSITIVE_INFINITY : mms;
  }

  get state(): SctpTransportState {
    return this._state;
  }

  start(now: number): void {
    this.now = now;
    if (this.association.state === 'CLOSED') this.association.connect(now);
    this.pump();
  }

  handleInput(now: number, packet: Uint8Array): void {
    this.now = now;
    this.association.handleInput(now, packet);
    // Deliver messages now, build packets on pollOutput(): every packet of a burst read before
    // the caller polls is covered by one SACK (and the sender's SACKs by one flush).
    this.pump(false);
  }

  handleTimeout(now: number): void {
    this.now = now;
    this.association.handleTimeout(now);
    this.pump();
  }

  nextTimeout(): number | undefined {
    return this.association.nextTimeout();
  }

  /** The next SCTP packet to send, or undefined. */
  pollOutput(): Uint8Array | undefined {
    this.announceDeferred();
    if (this.packetHead >= this.packets.length) this.pump();
    if (this.packetHead < this.packets.length) {
      const p = this.packets[this.packetHead++];
      if (this.packetHead === this.packets.length) {
        this.packets.length = 0;
        this.packetHead = 0;
      }
      return p;
    }
    return undefined;
  }

  /** Graceful SCTP shutdown; every channel closes. */
  close(now: number): void {
    this.now = now;
    this.association.shutdown(now);
    this.pump();
  }

  /** W3C createDataChannel(). */
  createDataChannel(label: string, init: DataChannelInit = {}): DataChannel {
    this.tick();
    if (this._state === 'closed') throw new Error('SCTP transport is closed');
    let id: number;
    if (init.negotiated) {
      if (init.id === undefined) throw new TypeError('a negotiated channel needs an id');
      id = init.id;
    } else id = init.id ?? this.allocateId();
    if (id < 0 || id > 65534) throw new TypeError(`stream id ${id} out of range`);
    if (this.channels.has(id)) throw new Error(`stream id ${id} is in use (OperationError)`);
    const ch = new DataChannel(this, label, init, id);
    this.channels.set(id, ch);
    if (this._state === 'connected') this.openChannel(ch);
    else this.waiting.push(ch);
    return ch;
  }

  /** RFC 8832 §6: the DTLS client takes even stream ids, the server odd. */
  private allocateId(): number {
    const limit = Math.min(this.association.outboundStreams, this.association.inboundStreams);
    for (let id = this.role === 'client' ? 0 : 1; id < limit; id += 2) if (!this.channels.has(id)) return id;
    throw new Error('no free stream id (OperationError)');
  }

  /**
   * Locally created channels announce 'open' on the next poll, not inside createDataChannel():
   * the W3C API queues the event, so handlers attached right after creation see it.
   */
  private deferredOpens: DataChannel[] = [];

  private announceDeferred(): void {
    while (this.deferredOpens.length) {
      const ch = this.deferredOpens.shift()!;
      if (ch.readyState === 'connecting') ch.setState('open');
    }
  }

  private openChannel(ch: DataChannel): void {
    const id = ch.id!;
    if (ch.negotiated) {
      this.deferredOpens.push(ch);
      return;
    }
    const rexmit = ch.maxRetransmits !== null;
    const timed = ch.maxPacketLifeTime !== null;
    const base = rexmit ? ChannelType.PARTIAL_RELIABLE_REXMIT : timed ? ChannelType.PARTIAL_RELIABLE_TIMED : ChannelType.RELIABLE;
    const open: DcepOpen = {
      type: DcepType.OPEN,
      channelType: base | (ch.ordered ? 0 : 0x80),
      priority: ch.priority,
      reliabilityParameter: rexmit ? ch.maxRetransmits! : timed ? ch.maxPacketLifeTime! : 0,
      label: ch.label,
      protocol: ch.protocol,
    };
    // DCEP messages are sent reliable and ordered (RFC 8832 §6).
    this.association.send(this.now, id, Ppid.DCEP, encodeDcep(open));
    ch.ackPending = true;
    this.deferredOpens.push(ch);
  }

  // ---- ChannelHost ----

  beforeSend(): void {
    this.announceDeferred();
  }

  sendOnStream(ch: DataChannel, ppid: number, data: Uint8Array): void {
    this.tick();
    this.association.send(this.now, ch.id!, ppid, data, {
      unordered: !ch.ordered && !ch.ackPending,
      maxRetransmits: ch.maxRetransmits ?? undefined,
      maxLifetimeMs: ch.maxPacketLifeTime ?? undefined,
    });
  }

  bufferedAmount(streamId: number): number {
    return this.association.bufferedAmount(streamId);
  }

  setLowThreshold(streamId: number, bytes: number): void {
    this.association.setBufferedAmountLowThreshold(streamId, bytes);
  }

  closeChannel(ch: DataChannel): void {
    this.tick();
    const id = ch.id!;
    if (this._state !== 'connected') {
      this.finishClose(ch);
      return;
    }
    // RFC 8831 §6.7: close by resetting the outgoing stream (after its queued data).
    this.association.resetStreams(this.now, [id]);
  }

  private tick(): void {
    if (this.clock) this.now = this.clock();
  }

  private finishClose(ch: DataChannel): void {
    if (ch.id !== null && this.channels.get(ch.id) === ch) this.channels.delete(ch.id);
    this.waiting = this.waiting.filter((c) => c !== ch);
    ch.setState('closed');
  }

  // ---- association events ----

  private pump(build = true): void {
    this.announceDeferred();
    const a = this.association;
    for (let o: SctpOutput | undefined; (o = build ? a.pollOutput() : a.pollEvent()); ) {
      switch (o.type) {
        case 'packet':
          this.packets.push(o.data);
          break;
        case 'message':
          this.onMessage(o.streamId, o.ppid, o.data);
          break;
        case 'connected':
          this.setTransportState('connected');
          for (const ch of this.waiting.splice(0)) if (ch.readyState === 'connecting') this.openChannel(ch);
          break;
        case 'closed':
          this.setTransportState('closed');
          for (const ch of [...this.channels.values(), ...this.waiting]) {
            if (o.reason !== 'shutdown' && ch.readyState !== 'closed') {
              ch.dispatch('error', { type: 'error', error: new Error(`SCTP association closed: ${o.reason}`) });
            }
            this.finishClose(ch);
          }
          break;
        case 'streamsReset':
          for (const id of o.streamIds) this.onStreamReset(id, o.direction);
          break;
        case 'bufferedAmountLow': {
          const ch = this.channels.get(o.streamId);
          if (ch) ch.dispatch('bufferedamountlow', { type: 'bufferedamountlow' });
          break;
        }
        case 'state':
          this.onassociationstate?.(o.state);
          break;
        default:
          break;
      }
    }
  }

  private setTransportState(s: SctpTransportState): void {
    if (this._state === s) return;
    this._state = s;
    this.onstatechange?.(s);
  }

  private onStreamReset(id: number, direction: 'incoming' | 'outgoing'): void {
    const ch = this.channels.get(id);
    if (!ch) return;
    if (direction === 'incoming') {
      ch.incomingReset = true;
      if (ch.readyState === 'open') {
        // The peer closed: answer by resetting our side too (RFC 8831 §6.7).
        ch.setState('closing');
        this.association.resetStreams(this.now, [id]);
      }
    } else ch.outgoingReset = true;
    if (ch.incomingReset && ch.outgoingReset) this.finishClose(ch);
  }

  private onMessage(streamId: number, ppid: number, data: Uint8Array): void {
    if (ppid === Ppid.DCEP) {
      this.onDcep(streamId, data);
      return;
    }
    const ch = this.channels.get(streamId);
    if (!ch) {
      this.droppedMessages++;
      return;
    }
    // Any data from the peer implies it saw our OPEN (RFC 8832 §6).
    ch.ackPending = false;
    ch.deliver(ppid, data);
  }

  private onDcep(streamId: number, data: Uint8Array): void {
    let m;
    try {
      m = decodeDcep(data);
    } catch (e) {
      if (!isParseError(e)) throw e;
      this.droppedMessages++;
      return;
    }
    if (m.type === DcepType.ACK) {
      const ch = this.channels.get(streamId);
      if (ch) ch.ackPending = false;
      return;
    }
    if (this.channels.has(streamId)) {
      this.droppedMessages++; // stream already in use: ignore the OPEN
      return;
    }
    const kind = m.channelType & 0x7f;
    const init: DataChannelInit = {
      ordered: (m.channelType & 0x80) === 0,
      protocol: m.protocol,
      priority: m.priority,
      maxRetransmits: kind === ChannelType.PARTIAL_RELIABLE_REXMIT ? m.reliabilityParameter : undefined,
      maxPacketLifeTime: kind === ChannelType.PARTIAL_RELIABLE_TIMED ? m.reliabilityParameter : undefined,
    };
    const ch = new DataChannel(this, m.label, init, streamId);
    this.channels.set(streamId, ch);
    this.association.send(this.now, streamId, Ppid.DCEP, encodeDcep({ type: DcepType.ACK }));
    this.ondatachannel?.(ch);
    ch.setState('open');
  }
}
