/**
 * node:dgram adapter for the sans-IO BindingClient: one socket, the core's timers mapped to
 * setTimeout, and a promise for the reflexive address (or the timeout/error).
 */
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { Address } from '@rtcstack/common';
import { BindingClient, type BindingClientOptions } from '../client.ts';
import type { DecodedMessage } from '../message.ts';

export interface DiscoverOptions extends BindingClientOptions {
  readonly server: Address;
  /** Local address to bind; default 0.0.0.0 / :: on a random port. */
  readonly localHost?: string;
  readonly localPort?: number;
  readonly onDatagram?: (direction: 'in' | 'out', data: Uint8Array, remote: Address) => void;
}

export interface DiscoverResult {
  readonly mapped: Address;
  readonly local: Address;
  readonly rtt: number;
  readonly request: Uint8Array;
  readonly response: DecodedMessage;
}

export async function discoverReflexiveAddress(options: DiscoverOptions): Promise<DiscoverResult> {
  const v6 = options.server.address.includes(':');
  const socket = createSocket(v6 ? 'udp6' : 'udp4');
  const client = new BindingClient(options);
  const now = (): number => performance.now();
  let timer: NodeJS.Timeout | undefined;

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.localPort ?? 0, options.localHost ?? (v6 ? '::' : '0.0.0.0'), () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const local = { address: socket.address().address, port: socket.address().port };

  try {
    return await new Promise<DiscoverResult>((resolve, reject) => {
      const pump = (): void => {
        for (let o = client.pollOutput(); o; o = client.pollOutput()) {
          if (o.type === 'send') {
            options.onDatagram?.('out', o.datagram.data, o.datagram.remote);
            socket.send(o.datagram.data, o.datagram.remote.port, o.datagram.remote.address);
          } else if (o.type === 'mapped') {
            resolve({ mapped: o.mapped, local, rtt: o.rtt, request: o.request, response: o.response });
          } else {
            reject(o.error);
          }
        }
        clearTimeout(timer);
        const next = client.nextTimeout();
        if (next !== undefined) {
          timer = setTimeout(() => {
            client.handleTimeout(now());
            pump();
          }, Math.max(0, next - now()));
        }
      };
      socket.on('error', reject);
      socket.on('message', (data, rinfo) => {
        const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        options.onDatagram?.('in', bytes, { address: rinfo.address, port: rinfo.port });
        client.handleInput(now(), { data: bytes, remote: { address: rinfo.address, port: rinfo.port } });
        pump();
      });
      client.discover(now(), options.server);
      pump();
    });
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}
