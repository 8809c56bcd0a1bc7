import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { discoverReflexiveAddress, startUdpStunServer, type UdpStunServer } from '../src/node/index.ts';

// The node:dgram adapters on loopback only.
describe('node adapters on 127.0.0.1', () => {
  let server: UdpStunServer;
  beforeAll(async () => {
    server = await startUdpStunServer({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('the server binds a random port when asked for 0', () => {
    expect(server.address.address).toBe('127.0.0.1');
    expect(server.address.port).toBeGreaterThan(0);
  });

  it('discoverReflexiveAddress gets 127.0.0.1 and its own local port back', async () => {
    const r = await discoverReflexiveAddress({ server: server.address, localHost: '127.0.0.1' });
    expect(r.mapped).toEqual({ address: '127.0.0.1', port: r.local.port });
    expect(server.core.stats.answered).toBeGreaterThanOrEqual(1);
  });

  it('a silent server makes discoverReflexiveAddress reject with the timeout error (short RTO)', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      await expect(
        discoverReflexiveAddress({ server: { address: '127.0.0.1', port: silent.address().port }, localHost: '127.0.0.1', rto: 10, rc: 3, rm: 2 }),
      ).rejects.toThrow(/timed out after 3 requests/);
    } finally {
      silent.close();
    }
  });
});
