import { addressKey, type Address } from '@rtcstack/common';
import { canonicalAddress } from './addresses.ts';
import type { Nat } from './nat.ts';

export type ReceiveHandler = (data: Uint8Array, from: Address, now: number) => void;

/** A datagram kept in SimSocket.inbox when no onReceive handler is set. */
export interface Received {
  readonly data: Uint8Array;
  readonly from: Address;
  readonly time: number;
}

/** What a Host needs from its Network (kept narrow so host.ts does not import network.ts). */
export interface HostPort {
  transmit(sock: SimSocket, data: Uint8Array, to: Address): void;
  readonly now: number;
}

/** First port handed out by bind() without a port (IANA dynamic range, RFC 6335 §6). */
export const EPHEMERAL_MIN = 49152;
export const EPHEMERAL_MAX = 65535;

/** A UDP socket on a simulated host. */
export class SimSocket {
  /** Called for each datagram that arrives; when unset, datagrams queue in `inbox`. */
  onReceive: ReceiveHandler | undefined;
  readonly inbox: Received[] = [];
  private open = true;

  constructor(
    readonly host: Host,
    readonly local: Address,
    private readonly net: HostPort,
  ) {}

  get closed(): boolean {
    return !this.open;
  }

  /** Send one datagram. It is copied, so the caller may reuse `data`. */
  send(data: Uint8Array, to: Address): void {
    if (!this.open) throw new Error(`send on closed socket ${addressKey(this.local)}`);
    this.net.transmit(this, data, to);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.host.unbind(this);
  }

  /** @internal called by the Network. */
  receive(data: Uint8Array, from: Address, now: number): void {
    if (this.onReceive) this.onReceive(data, from, now);
    else this.inbox.push({ data, from, time: now });
  }
}

/** A simulated host: a name, one or more addresses, sockets bound to ports. */
export class Host {
  private readonly socks = new Map<string, SimSocket>();
  private readonly nextEphemeral = new Map<string, number>();

  constructor(
    readonly name: string,
    /** Canonical address texts; the first is the default for bind(). */
    readonly addresses: readonly string[],
    /** The NAT this host sits behind, or undefined on the public network. */
    readonly nat: Nat | undefined,
    private readonly net: HostPort,
  ) {}

  /** The host's first address. */
  get address(): string {
    return this.addresses[0];
  }

  /**
   * Bind a socket. No port (or 0): the next free ephemeral port. No address: the host's first
   * address. Throws if the address is not the host's or the port is taken (EADDRINUSE).
   */
  bind(port?: number, address?: string): SimSocket {
    const addr = address === undefined ? this.address : this.own(address);
    let p = port ?? 0;
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw new RangeError(`bad port ${p}`);
    if (p === 0) p = this.ephemeral(addr);
    const local: Address = { address: addr, port: p };
    const key = addressKey(local);
    if (this.socks.has(key)) throw new Error(`EADDRINUSE: ${this.name} ${key}`);
    const s = new SimSocket(this, local, this.net);
    this.socks.set(key, s);
    return s;
  }

  sockets(): SimSocket[] {
    return [...this.socks.values()];
  }

  /** The socket bound to this local address, if any. */
  socketAt(local: Address): SimSocket | undefined {
    return this.socks.get(addressKey(local));
  }

  /** @internal */
  unbind(s: SimSocket): void {
    if (this.socks.get(addressKey(s.local)) === s) this.socks.delete(addressKey(s.local));
  }

  private own(address: string): string {
    const c = canonicalAddress(address);
    const found = this.addresses.find((a) => a === c);
    if (!found) throw new Error(`host ${this.name} has no address ${address}`);
    return found;
  }

  private ephemeral(addr: string): number {
    let p = this.nextEphemeral.get(addr) ?? EPHEMERAL_MIN;
    for (let tries = 0; tries <= EPHEMERAL_MAX - EPHEMERAL_MIN; tries++) {
      const candidate = p;
      p = p === EPHEMERAL_MAX ? EPHEMERAL_MIN : p + 1;
      if (!this.socks.has(addressKey({ address: addr, port: candidate }))) {
        this.nextEphemeral.set(addr, p);
        return candidate;
      }
    }
    throw new Error(`host ${this.name}: no free ephemeral port on ${addr}`);
  }
}
