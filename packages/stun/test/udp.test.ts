import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { toHex } from '@rtcstack/common';
import { buildMessage, Method, newTransactionId } from '../src/index.ts';
import { discoverReflexiveAddress, startUdpStunServer, StunClientClosedError, UdpStunClient, type UdpStunServer } from '../src/node/index.ts';

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

describe('UdpStunClient.close() settles what is pending', () => {
  const bindingRequest = () => buildMessage({ class: 'request', method: Method.Binding, transactionId: newTransactionId() });

  it('requests waiting on a silent server reject with StunClientClosedError naming their transaction', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const received: Buffer[] = [];
    silent.on('message', (m) => received.push(m));
    const client = await UdpStunClient.bind('127.0.0.1', 0, { rto: 10_000 });
    try {
      const server = { address: '127.0.0.1', port: silent.address().port };
      const reqs = [bindingRequest(), bindingRequest()];
      const pending = reqs.map((r) => client.request(r, server));
      // Both went out (so they really were in flight) before we close.
      for (let i = 0; i < 50 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(received).toHaveLength(2);
      expect(client.transactions.pending).toBe(2);
      client.close();
      const outcomes = await Promise.allSettled(pending);
      outcomes.forEach((o, i) => {
        expect(o.status).toBe('rejected');
        const e = (o as PromiseRejectedResult).reason as StunClientClosedError;
        expect(e).toBeInstanceOf(StunClientClosedError);
        expect(e.message).toMatch(/closed before transaction/);
        expect(toHex(e.transactionId!)).toBe(toHex(reqs[i].subarray(8, 20)));
      });
      expect(client.transactions.pending).toBe(0);
      // A request after close rejects at once; a second close is harmless.
      await expect(client.request(bindingRequest(), server)).rejects.toThrow(/closed: request not sent/);
      expect(() => client.close()).not.toThrow();
    } finally {
      client.close();
      silent.close();
    }
  });

  it('answered requests stay resolved and close() leaves nothing to reject', async () => {
    const server = await startUdpStunServer({ host: '127.0.0.1', port: 0 });
    const client = await UdpStunClient.bind('127.0.0.1', 0, { rto: 100 });
    try {
      const { response } = await client.request(bindingRequest(), server.address);
      expect(response.class).toBe('success');
      expect(client.transactions.pending).toBe(0);
    } finally {
      client.close();
      await server.close();
    }
  });
});
