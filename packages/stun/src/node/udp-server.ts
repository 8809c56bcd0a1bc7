/**
 * node:dgram adapter for the sans-IO BindingServer: every datagram in goes to the core, every
 * datagram the core emits goes out. The core is stateless, so no timers are needed.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Address } from '@rtcstack/common';
import { BindingServer, type BindingServerOptions } from '../server.ts';

export interface UdpStunServer {
  readonly core: BindingServer;
  readonly socket: Socket;
  /** The bound address (the real port when 0 was asked for). */
  readonly address: Address;
  close(): Promise<void>;
}

export interface UdpStunServerOptions extends BindingServerOptions {
  readonly host?: string;
  readonly port?: number;
  /** Called for each datagram in and out (for logging). */
  readonly onDatagram?: (direction: 'in' | 'out', data: Uint8Array, remote: Address) => void;
}

export async function startUdpStunServer(options: UdpStunServerOptions = {}): Promise<UdpStunServer> {
  const host = options.host ?? '127.0.0.1';
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const core = new BindingServer(options);
  const local = (): Address => {
    const a = socket.address();
    return { address: a.address, port: a.port };
  };
  socket.on('message', (data, rinfo) => {
    const remote = { address: rinfo.address, port: rinfo.port };
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    options.onDatagram?.('in', bytes, remote);
    core.handleInput(Date.now(), { data: bytes, remote, local: local() });
    for (let out = core.pollOutput(); out; out = core.pollOutput()) {
      options.onDatagram?.('out', out.data, out.remote);
      socket.send(out.data, out.remote.port, out.remote.address);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 3478, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return {
    core,
    socket,
    address: local(),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
