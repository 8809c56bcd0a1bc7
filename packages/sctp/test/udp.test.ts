import { afterAll, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { SctpTransport, UdpPacketDriver } from '../src/index.ts';

const sockets: Socket[] = [];
const drivers: UdpPacketDriver[] = [];
afterAll(() => {
  for (const d of drivers) d.close();
  for (const s of sockets) s.close();
});

const bind = (): Promise<Socket> =>
  new Promise((resolve) => {
    const s = createSocket('udp4');
    sockets.push(s);
    s.bind(0, '127.0.0.1', () => resolve(s));
  });

describe('node:dgram adapter (127.0.0.1 only)', () => {
  it('two transports exchange 2 MiB over real UDP loopback, in order and intact', async () => {
    const [sa, sb] = await Promise.all([bind(), bind()]);
    const a = new SctpTransport({ role: 'client', maxMessageSize: 1 << 20, clock: () => performance.now() });
    const b = new SctpTransport({ role: 'server', maxMessageSize: 1 << 20, clock: () => performance.now() });
    const da = new UdpPacketDriver(a, sa, { address: '127.0.0.1', port: sb.address().port });
    const db = new UdpPacketDriver(b, sb, { address: '127.0.0.1', port: sa.address().port });
    drivers.push(da, db);
    const got: Uint8Array[] = [];
    const done = new Promise<void>((resolve) => {
      b.ondatachannel = (ch) => {
        ch.onmessage = (e) => {
          got.push(e.data as Uint8Array);
          if (got.length === 64) resolve();
        };
      };
    });
    a.start(performance.now());
    b.start(performance.now());
    da.flush();
    db.flush();
    const ch = a.createDataChannel('udp');
    await new Promise<void>((r) => (ch.onopen = () => r()));
    for (let i = 0; i < 64; i++) ch.send(new Uint8Array(32 * 1024).fill(i));
    da.kick();
    await done;
    expect(got.map((m) => m[0])).toEqual([...Array(64).keys()]);
    expect(got.every((m, i) => m.length === 32 * 1024 && m.every((x) => x === i))).toBe(true);
  });
});

describe('node:dgram adapter on connected sockets', () => {
  it('sends without an address when the socket is connect()ed to the peer', async () => {
    const [sa, sb] = await Promise.all([bind(), bind()]);
    await Promise.all([
      new Promise<void>((r) => sa.connect(sb.address().port, '127.0.0.1', r)),
      new Promise<void>((r) => sb.connect(sa.address().port, '127.0.0.1', r)),
    ]);
    const a = new SctpTransport({ role: 'client', maxMessageSize: 1 << 20, clock: () => performance.now() });
    const b = new SctpTransport({ role: 'server', maxMessageSize: 1 << 20, clock: () => performance.now() });
    const da = new UdpPacketDriver(a, sa, 'connected');
    const db = new UdpPacketDriver(b, sb, 'connected');
    drivers.push(da, db);
    const got: Uint8Array[] = [];
    const done = new Promise<void>((resolve) => {
      b.ondatachannel = (ch) => {
        ch.onmessage = (e) => {
          got.push(e.data as Uint8Array);
          if (got.length === 16) resolve();
        };
      };
    });
    a.start(performance.now());
    b.start(performance.now());
    da.flush();
    db.flush();
    const ch = a.createDataChannel('udp');
    await new Promise<void>((r) => (ch.onopen = () => r()));
    for (let i = 0; i < 16; i++) ch.send(new Uint8Array(20_000).fill(i));
    da.kick();
    await done;
    expect(got.map((m) => m[0])).toEqual([...Array(16).keys()]);
    expect(got.every((m, i) => m.length === 20_000 && m.every((x) => x === i))).toBe(true);
  });
});
