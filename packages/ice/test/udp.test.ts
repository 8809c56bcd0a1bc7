import { afterEach, describe, expect, test } from 'vitest';
import { localInterfaceAddresses } from '../src/node/index.ts';
import { udpPair, waitFor, type UdpPair } from './support/udp-pair.ts';

describe('node:dgram adapter on 127.0.0.1', () => {
  let pair: UdpPair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  test('two agents connect through real sockets and exchange data', async () => {
    pair = await udpPair({}, {});
    const p = pair;
    expect(await waitFor(() => p.a.agent.state === 'completed' && p.b.agent.state === 'completed', 5000)).toBe(true);
    expect(p.states.a).toEqual(['checking', 'connected', 'completed']);
    p.a.send(new TextEncoder().encode('\x17hello over udp'));
    p.b.send(new TextEncoder().encode('\x17and back'));
    expect(await waitFor(() => p.received.a.length > 0 && p.received.b.length > 0, 2000)).toBe(true);
    expect(p.received.b).toEqual(['\x17hello over udp']);
    expect(p.received.a).toEqual(['\x17and back']);
    expect(p.errors).toEqual([]);
  });

  test('interface enumeration leaves loopback out unless asked', () => {
    expect(localInterfaceAddresses()).not.toContain('127.0.0.1');
    expect(localInterfaceAddresses({ loopback: true })).toContain('127.0.0.1');
    expect(localInterfaceAddresses({ ipv6: false }).every((a) => !a.includes(':'))).toBe(true);
  });
});
