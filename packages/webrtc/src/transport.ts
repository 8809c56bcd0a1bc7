/**
 * What the peer connection needs from the world: one bound UDP socket (its local addresses), a
 * way to send, a clock and one timer. node/udp-transport.ts binds node:dgram and setTimeout;
 * tests give a simulated-network transport. Keeping this small is what keeps the peer connection
 * itself free of I/O.
 */
import type { Address } from '@rtcstack/common';

export interface TransportHandlers {
  onDatagram(data: Uint8Array, remote: Address, local: Address): void;
  onTimer(): void;
}

export interface PeerTransport {
  /** Bind; resolves with the local addresses (host candidate bases). */
  open(): Promise<readonly Address[]>;
  send(data: Uint8Array, remote: Address, local?: Address): void;
  /** Wake onTimer at `at` (ms on this transport's clock); undefined cancels. */
  setTimer(at: number | undefined): void;
  now(): number;
  /** Release the socket and the timer. */
  close(): void;
}

export type TransportFactory = (handlers: TransportHandlers) => PeerTransport;
