import type { Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';

/** The sans-IO shape an adapter drives (SctpTransport, or anything packet-in/packet-out). */
export interface PacketCore {
  handleInput(now: number, packet: Uint8Array): void;
  handleTimeout(now: number): void;
  pollOutput(): Uint8Array | undefined;
  nextTimeout(): number | undefined;
}

/**
 * A thin node:dgram adapter: one UDP datagram = one SCTP packet (SCTP over UDP without DTLS, for
 * benchmarks and experiments; WebRTC puts DTLS in between). Timers via setTimeout, time from
 * performance.now(). Call kick() after the application queued data.
 */
export class UdpPacketDriver {
  private timer: NodeJS.Timeout | undefined;
  private timerAt: number | undefined;
  private kickQueued = false;
  private closed = false;

  constructor(
    private readonly core: PacketCore,
    private readonly socket: Socket,
    /**
     * Where to send; 'connected' when the caller connect()ed the socket to the peer: datagrams
     * then go out without an address, which skips node's per-send address lookup (a nextTick
     * per datagram) and the kernel's per-datagram route lookup.
     */
    private readonly remote: { address: string; port: number } | 'connected',
    private readonly clock: () => number = () => performance.now(),
  ) {
    socket.on('message', (msg) => {
      if (this.closed) return;
      core.handleInput(this.clock(), new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
      this.kick();
    });
  }

  /**
   * Flush soon, coalesced: every datagram read in one event-loop poll phase (and every send in
   * the same tick) is processed before one flush, so a burst of DATA gets one SACK that covers
   * it (RFC 9260 §6.2 allows acking more than every second packet when they arrive together).
   */
  kick(): void {
    if (this.kickQueued) return;
    this.kickQueued = true;
    setImmediate(() => {
      this.kickQueued = false;
      this.flush();
    });
  }

  flush(): void {
    if (this.closed) return;
    const r = this.remote;
    if (r === 'connected') for (let p; (p = this.core.pollOutput()); ) this.socket.send(p);
    else for (let p; (p = this.core.pollOutput()); ) this.socket.send(p, r.port, r.address);
    this.schedule();
  }

  private schedule(): void {
    const t = this.core.nextTimeout();
    if (t === undefined) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = undefined;
      return;
    }
    // A timer already due no later than t can stay: when it fires early, handleTimeout finds
    // nothing due and we re-arm. This keeps setTimeout churn off the per-SACK path (T3 moves
    // forward on every SACK).
    if (this.timer && this.timerAt !== undefined && this.timerAt <= t) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = t;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      this.core.handleTimeout(this.clock());
      this.flush();
    }, Math.max(0, t - this.clock()));
  }

  /** Stop timers and sending (the socket stays open: it belongs to the caller). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
