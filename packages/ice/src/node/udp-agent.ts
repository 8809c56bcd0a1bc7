/**
 * node:dgram adapter: one UDP socket per local address, the agent's timer on setTimeout, the
 * clock from performance.now(). Everything ICE is in the sans-IO IceAgent; this file only moves
 * bytes and time.
 */
import { createSocket, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { performance } from 'node:perf_hooks';
import { addressKey, type Address } from '@rtcstack/common';
import { IceAgent } from '../agent.ts';
import type { IceCandidate } from '../candidate.ts';
import type { IceAgentOptions, IceConnectionState, IceGatheringState, IceOutput, SelectedPair } from '../types.ts';

export interface LocalAddressOptions {
  /** Include 127.0.0.1 / ::1 (only when asked). Default false. */
  readonly loopback?: boolean;
  /** Include IPv6 (global scope only: link-local needs a zone). Default true. */
  readonly ipv6?: boolean;
}

/** The machine's interface addresses, the way the agent wants them (§5.1.1.1 host candidates). */
export function localInterfaceAddresses(options: LocalAddressOptions = {}): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal && !options.loopback) continue;
      if (a.family === 'IPv6') {
        if (options.ipv6 === false || a.address.toLowerCase().startsWith('fe80')) continue;
      }
      out.push(a.address);
    }
  }
  return out;
}

export interface UdpIceAgentOptions extends IceAgentOptions, LocalAddressOptions {
  /** Addresses to bind; default: localInterfaceAddresses(options). */
  readonly addresses?: readonly string[];
  /** Port to bind on every address; default 0 (any). */
  readonly port?: number;
}

export interface UdpIceAgentEvents {
  candidate?(candidate: IceCandidate, sdp: string): void;
  endOfCandidates?(): void;
  gatheringState?(state: IceGatheringState): void;
  connectionState?(state: IceConnectionState): void;
  selectedPair?(pair: SelectedPair): void;
  data?(data: Uint8Array, remote: Address): void;
  error?(error: Error): void;
  /** Every datagram in and out (labs). */
  datagram?(direction: 'in' | 'out', data: Uint8Array, remote: Address, local: Address): void;
}

export class UdpIceAgent {
  readonly agent: IceAgent;
  readonly events: UdpIceAgentEvents = {};
  private readonly sockets = new Map<string, Socket>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(options: UdpIceAgentOptions) {
    this.agent = new IceAgent(options);
  }

  /** Bind the sockets (one per address) and return the adapter; call gather() to start. */
  static async create(options: UdpIceAgentOptions): Promise<UdpIceAgent> {
    const self = new UdpIceAgent(options);
    const addresses = options.addresses ?? localInterfaceAddresses(options);
    for (const address of addresses) {
      const socket = createSocket({ type: address.includes(':') ? 'udp6' : 'udp4' });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(options.port ?? 0, address, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      const local = { address, port: socket.address().port };
      self.sockets.set(addressKey(local), socket);
      self.agent.addLocalAddress(local);
      socket.on('message', (msg, rinfo) => {
        if (self.closed) return;
        const data = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
        const remote = { address: rinfo.address, port: rinfo.port };
        self.events.datagram?.('in', data, remote, local);
        self.agent.handleInput(self.now(), { data, remote, local });
        self.pump();
      });
      // ICMP errors and the like: report, never throw out of a socket handler.
      socket.on('error', (e) => self.events.error?.(e));
    }
    return self;
  }

  get localAddresses(): Address[] {
    return [...this.sockets.values()].map((s) => ({ address: s.address().address, port: s.address().port }));
  }

  now(): number {
    return performance.now();
  }

  gather(): void {
    this.agent.gather(this.now());
    this.pump();
  }

  setRemoteCredentials(ufrag: string, pwd: string): void {
    this.agent.setRemoteCredentials(ufrag, pwd);
    this.pump();
  }

  addRemoteCandidate(c: IceCandidate | string): void {
    this.agent.addRemoteCandidate(c);
    this.pump();
  }

  endOfRemoteCandidates(): void {
    this.agent.endOfRemoteCandidates();
    this.pump();
  }

  send(data: Uint8Array): boolean {
    const ok = this.agent.send(this.now(), data);
    this.pump();
    return ok;
  }

  restart(): { ufrag: string; pwd: string } {
    const c = this.agent.restart(this.now());
    this.pump();
    return c;
  }

  /** Close the agent (TURN deallocation gets up to `graceMs` to be answered), then the sockets. */
  async close(graceMs = 300): Promise<void> {
    if (this.closed) return;
    this.agent.close(this.now());
    this.pump();
    if (this.agent.turnClients.some((t) => t.state === 'closing')) {
      const until = this.now() + graceMs;
      while (this.now() < until && this.agent.turnClients.some((t) => t.state === 'closing')) await new Promise((r) => setTimeout(r, 10));
    }
    this.closed = true;
    clearTimeout(this.timer);
    await Promise.all([...this.sockets.values()].map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  /** Send what the agent queued, hand events out, re-arm the timer. */
  pump(): void {
    if (this.closed) return;
    for (let o = this.agent.pollOutput(); o; o = this.agent.pollOutput()) this.dispatch(o);
    clearTimeout(this.timer);
    const next = this.agent.nextTimeout();
    if (next !== undefined) {
      this.timer = setTimeout(() => {
        this.agent.handleTimeout(this.now());
        this.pump();
      }, Math.max(0, Math.ceil(next - this.now())));
    }
  }

  private dispatch(o: IceOutput): void {
    switch (o.type) {
      case 'send': {
        const s = this.sockets.get(addressKey(o.local));
        if (!s) return;
        this.events.datagram?.('out', o.data, o.remote, o.local);
        s.send(o.data, o.remote.port, o.remote.address);
        return;
      }
      case 'candidate':
        return this.events.candidate?.(o.candidate, o.sdp);
      case 'end-of-candidates':
        return this.events.endOfCandidates?.();
      case 'gathering-state':
        return this.events.gatheringState?.(o.state);
      case 'connection-state':
        return this.events.connectionState?.(o.state);
      case 'selected-pair':
        return this.events.selectedPair?.(o.pair);
      case 'data':
        return this.events.data?.(o.data, o.remote);
      case 'error':
        return this.events.error?.(o.error);
      case 'role':
        return;
    }
  }
}
