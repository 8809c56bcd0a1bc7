/**
 * node:dgram adapter for ClientTransactions: one socket, promises per request. Handy for tools
 * and tests that speak STUN/TURN requests to a real server (e.g. coturn).
 */
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { toHex, type Address } from '@rtcstack/common';
import type { DecodedMessage } from '../message.ts';
import { ClientTransactions, type StartOptions, type TransactionTiming } from '../transaction.ts';

type Settle = { resolve: (r: { response: DecodedMessage; rtt: number }) => void; reject: (e: Error) => void };

/** A request still waiting for its response when the client was closed (or sent after it). */
export class StunClientClosedError extends Error {
  override readonly name = 'StunClientClosedError';
  constructor(readonly transactionId: Uint8Array | undefined) {
    super(
      transactionId
        ? `UdpStunClient closed before transaction ${toHex(transactionId)} got a response`
        : 'UdpStunClient is closed: request not sent',
    );
  }
}

export class UdpStunClient {
  readonly transactions: ClientTransactions<Settle>;
  private timer: NodeJS.Timeout | undefined;
  /** Requests whose promise has not settled, by transaction id (hex). */
  private readonly unsettled = new Map<string, { id: Uint8Array; settle: Settle }>();
  private closed = false;

  private constructor(
    readonly socket: Socket,
    timing: TransactionTiming,
  ) {
    this.transactions = new ClientTransactions<Settle>(timing);
    socket.on('message', (data, rinfo) => {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      this.transactions.handleInput(performance.now(), { data: bytes, remote: { address: rinfo.address, port: rinfo.port } });
      this.pump();
    });
  }

  static async bind(host = '127.0.0.1', port = 0, timing: TransactionTiming = {}): Promise<UdpStunClient> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new UdpStunClient(socket, timing);
  }

  get local(): Address {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  /**
   * Send an encoded request; resolves with the accepted response, rejects on timeout, or with
   * StunClientClosedError if the client is closed first.
   */
  request(request: Uint8Array, remote: Address, options: Omit<StartOptions<Settle>, 'context'> = {}): Promise<{ response: DecodedMessage; rtt: number }> {
    return new Promise((resolve, reject) => {
      if (this.closed) throw new StunClientClosedError(undefined);
      const settle: Settle = { resolve, reject };
      const id = this.transactions.start(performance.now(), request, remote, { ...options, context: settle });
      this.unsettled.set(toHex(id), { id, settle });
      this.pump();
    });
  }

  /** Close the socket; every request still waiting rejects with StunClientClosedError. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    const waiting = [...this.unsettled.values()];
    this.unsettled.clear();
    for (const { id, settle } of waiting) {
      this.transactions.cancel(id);
      settle.reject(new StunClientClosedError(id));
    }
    this.socket.close();
  }

  private pump(): void {
    for (let o = this.transactions.pollOutput(); o; o = this.transactions.pollOutput()) {
      if (o.type === 'send') this.socket.send(o.datagram.data, o.datagram.remote.port, o.datagram.remote.address);
      else {
        this.unsettled.delete(toHex(o.transactionId));
        if (o.type === 'response') o.context?.resolve({ response: o.response, rtt: o.rtt });
        else o.context?.reject(o.error);
      }
    }
    clearTimeout(this.timer);
    const next = this.transactions.nextTimeout();
    if (next !== undefined) {
      this.timer = setTimeout(() => {
        this.transactions.handleTimeout(performance.now());
        this.pump();
      }, Math.max(0, next - performance.now()));
    }
  }
}
