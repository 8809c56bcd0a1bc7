/**
 * node:dgram adapter: drives a sans-IO DtlsEndpoint over a UDP socket with real timers.
 * The only file (with cli.ts) that touches sockets, setTimeout or the clock.
 */
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { Address } from '@rtcstack/common';
import { DtlsEndpoint } from './endpoint.ts';
import type { ConnectedEvent, DtlsEvent } from './events.ts';
import type { DtlsEndpointOptions } from './options.ts';

export interface DtlsUdpOptions extends DtlsEndpointOptions {
  /** Local address to bind (server: where to listen). Default 127.0.0.1, port 0. */
  readonly local?: Address;
  /** Client: the server's address. Server: learnt from the first datagram. */
  readonly remote?: Address;
}

export class DtlsUdpConnection {
  readonly endpoint: DtlsEndpoint;
  readonly socket: Socket;
  remote: Address | undefined;
  onEvent: (e: DtlsEvent) => void = () => {};
  /** The 'connected' or 'error' event once it happened, for connected() calls that come late. */
  private outcome: DtlsEvent | undefined;
  /** The last error the socket reported, if any. */
  lastSocketError: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly t0 = performance.now();

  private constructor(opts: DtlsUdpOptions, socket: Socket) {
    this.endpoint = new DtlsEndpoint(opts);
    this.socket = socket;
    this.remote = opts.remote;
    // A socket error (e.g. EHOSTUNREACH on send) must not crash the process; the handshake's
    // own timer decides when to give up.
    socket.on('error', (e) => {
      this.lastSocketError = e;
    });
    socket.on('message', (msg, rinfo) => {
      if (!this.remote) this.remote = { address: rinfo.address, port: rinfo.port };
      else if (rinfo.address !== this.remote.address || rinfo.port !== this.remote.port) return;
      this.endpoint.handleInput(this.now(), new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
      this.flush();
    });
  }

  static async open(opts: DtlsUdpOptions): Promise<DtlsUdpConnection> {
    const local = opts.local ?? { address: '127.0.0.1', port: 0 };
    const socket = createSocket(local.address.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(local.port, local.address, () => resolve());
    });
    const c = new DtlsUdpConnection(opts, socket);
    c.endpoint.start(c.now());
    c.flush();
    return c;
  }

  get localAddress(): Address {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  private now(): number {
    return performance.now() - this.t0;
  }

  /** Sends pending datagrams, hands out events, re-arms the timer. */
  flush(): void {
    for (let o = this.endpoint.pollOutput(); o; o = this.endpoint.pollOutput()) {
      if (o.type === 'transmit') {
        if (this.remote) this.socket.send(o.data, this.remote.port, this.remote.address);
      } else {
        if ((o.type === 'connected' || o.type === 'error') && !this.outcome) this.outcome = o;
        this.onEvent(o);
      }
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const t = this.endpoint.nextTimeout();
    if (t !== undefined) {
      this.timer = setTimeout(() => {
        this.endpoint.handleTimeout(this.now());
        this.flush();
      }, Math.max(0, t - this.now()));
    }
  }

  send(data: Uint8Array): void {
    this.endpoint.send(data);
    this.flush();
  }

  /** Resolves on 'connected', rejects on 'error' or 'closed' before it. */
  connected(): Promise<ConnectedEvent> {
    const done = this.outcome;
    if (done?.type === 'connected') return Promise.resolve(done);
    if (done?.type === 'error') return Promise.reject(new Error(`DTLS failed: ${done.alert ?? 'timeout'}: ${done.reason}`));
    return new Promise((resolve, reject) => {
      const prev = this.onEvent;
      this.onEvent = (e) => {
        prev(e);
        if (e.type === 'connected') resolve(e);
        else if (e.type === 'error') reject(new Error(`DTLS failed: ${e.alert ?? 'timeout'}${e.sent ? ' (sent)' : e.alert ? ' (received)' : ''}: ${e.reason}`));
        else if (e.type === 'closed') reject(new Error('DTLS closed before the handshake completed'));
      };
    });
  }

  close(): void {
    this.endpoint.close();
    this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.socket.close();
  }
}
