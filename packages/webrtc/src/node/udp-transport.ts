/**
 * The node:dgram adapter: one UDP socket per host address, one setTimeout, performance.now() as
 * the clock. Everything else is sans-IO. close() releases both, so a process whose peer
 * connections are closed can exit by itself.
 */
import { createSocket, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Address } from '@rtcstack/common';
import type { PeerTransport, TransportFactory, TransportHandlers } from '../transport.ts';

export interface UdpTransportOptions {
  /** Addresses to bind (one socket each, ephemeral port). Default: every non-internal IPv4 interface, else 127.0.0.1. */
  readonly hostAddresses?: readonly string[];
  /** Called for every datagram sent/received (demo capture). */
  readonly tap?: (dir: 'in' | 'out', data: Uint8Array, local: Address, remote: Address, timeMs: number) => void;
}

export function defaultHostAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal) out.push(i.address);
  }
  return out.length ? out : ['127.0.0.1'];
}

class UdpTransport implements PeerTransport {
  private sockets: { socket: Socket; local: Address }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** The deadline the pending timer (or immediate) was armed for. */
  private armedAt: number | undefined;
  private closed = false;
  /** Sends not yet handed to the kernel: close() waits for them so close_notify leaves. */
  private inFlight = 0;
  constructor(
    private readonly handlers: TransportHandlers,
    private readonly options: UdpTransportOptions,
  ) {}

  async open(): Promise<readonly Address[]> {
    const hosts = this.options.hostAddresses ?? defaultHostAddresses();
    for (const host of hosts) {
      const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      if (this.closed) {
        socket.close();
        break;
      }
      const local = { address: host, port: socket.address().port };
      socket.on('message', (msg, rinfo) => {
        if (this.closed) return;
        const data = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
        const remote = { address: rinfo.address, port: rinfo.port };
        this.options.tap?.('in', data, local, remote, performance.now());
        this.handlers.onDatagram(data, remote, local);
      });
      socket.on('error', () => undefined); // ICMP errors (ECONNREFUSED) must not crash the process
      this.sockets.push({ socket, local });
    }
    return this.sockets.map((s) => s.local);
  }

  send(data: Uint8Array, remote: Address, local?: Address): void {
    if (this.closed) return;
    const s = (local && this.sockets.find((x) => x.local.address === local.address && x.local.port === local.port)) ?? this.sockets[0];
    if (!s) return;
    this.options.tap?.('out', data, s.local, remote, performance.now());
    this.inFlight++;
    s.socket.send(data, remote.port, remote.address, () => {
      this.inFlight--;
      if (this.closed && this.inFlight === 0) this.release();
    });
  }

  setTimer(at: number | undefined): void {
    // The peer connection re-arms after every event, mostly with the same deadline: keep the
    // pending timer then instead of clearing and allocating a new one.
    if (at !== undefined && at === this.armedAt && (this.timer || this.immediate) && !this.closed) return;
    this.armedAt = at;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (at === undefined || this.closed) return;
    const delay = at - performance.now();
    if (delay <= 0) {
      // Due now: setTimeout(0) would wait at least 1 ms; run after pending I/O instead.
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.handlers.onTimer();
      });
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.handlers.onTimer();
    }, Math.ceil(delay));
  }

  now(): number {
    return performance.now();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (this.inFlight === 0) this.release();
  }

  private release(): void {
    for (const s of this.sockets) s.socket.close();
    this.sockets = [];
  }
}

export function udpTransport(options: UdpTransportOptions = {}): TransportFactory {
  return (handlers) => new UdpTransport(handlers, options);
}
