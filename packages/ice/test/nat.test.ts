import { describe, expect, test } from 'vitest';
import { NAT_PRESETS, Network } from '@rtcstack/test-support';
import { bytes, connect, simAgent, text } from './support/harness.ts';
import { simStunServer } from './support/stun-server.ts';

describe('server-reflexive candidates through NATs', () => {
  test('srflx–srflx through endpoint-independent (port-restricted cone) NATs', () => {
    const net = new Network({ seed: 11, defaultLink: { delayMs: 15 } });
    const stunHost = net.addHost('stun', '198.51.100.1');
    const server = simStunServer(net, stunHost.bind(3478));
    const natA = net.addNat('natA', { publicAddress: '203.0.113.1', ...NAT_PRESETS['port-restricted-cone'] });
    const natB = net.addNat('natB', { publicAddress: '203.0.113.2', ...NAT_PRESETS['port-restricted-cone'] });
    const stunServers = [{ address: '198.51.100.1', port: 3478 }];
    const a = simAgent(net, 'a', [natA.addHost('a', '192.168.1.2').bind(5000)], { controlling: true, stunServers });
    const b = simAgent(net, 'b', [natB.addHost('b', '192.168.1.2').bind(5000)], { controlling: false, stunServers });
    connect(net, a, b);
    expect(net.runUntil(() => a.agent.state === 'completed' && b.agent.state === 'completed', 10_000)).toBe(true);
    expect(server.stats.answered).toBe(2);
    expect(a.agent.localCandidatesList.map((c) => c.type)).toEqual(['host', 'srflx']);
    const srflx = a.agent.localCandidatesList[1];
    expect(srflx).toMatchObject({ address: '203.0.113.1', relatedAddress: '192.168.1.2', relatedPort: 5000 });
    // Both private addresses are 192.168.1.2: only the srflx candidates can reach each other.
    expect(a.agent.selectedPair?.remote).toMatchObject({ type: 'srflx', address: '203.0.113.2' });
    // The valid pair's local side is what b saw: a's srflx candidate (§7.2.5.3.2), sent from its host base.
    expect(a.agent.selectedPair?.local).toMatchObject({ type: 'srflx', address: '203.0.113.1', base: { address: '192.168.1.2', port: 5000 } });
    expect(b.agent.selectedPair?.remote.address).toBe('203.0.113.1');
    a.agent.send(net.now, bytes('\x80media'));
    net.runFor(100);
    expect(b.received.map((r) => text(r.data))).toEqual(['\x80media']);
    // Nothing hidden: every datagram went to the STUN server or to one of b's candidates.
    const allowed = new Set(['198.51.100.1:3478', ...a.agent.remoteCandidatesList.map((c) => `${c.address}:${c.port}`)]);
    for (const s of a.sent) expect(allowed.has(`${s.remote.address}:${s.remote.port}`)).toBe(true);
  });

  test('both behind symmetric NATs without TURN: every pair fails, state failed', () => {
    const net = new Network({ seed: 12, defaultLink: { delayMs: 15 } });
    simStunServer(net, net.addHost('stun', '198.51.100.1').bind(3478));
    const natA = net.addNat('natA', { publicAddress: '203.0.113.1', ...NAT_PRESETS.symmetric });
    const natB = net.addNat('natB', { publicAddress: '203.0.113.2', ...NAT_PRESETS.symmetric });
    const stunServers = [{ address: '198.51.100.1', port: 3478 }];
    const a = simAgent(net, 'a', [natA.addHost('a', '192.168.1.2').bind(5000)], { controlling: true, stunServers, rto: 200 });
    const b = simAgent(net, 'b', [natB.addHost('b', '192.168.1.3').bind(5000)], { stunServers, rto: 200 });
    connect(net, a, b);
    expect(net.runUntil(() => a.agent.state === 'failed' && b.agent.state === 'failed', 60_000)).toBe(true);
    expect(a.agent.selectedPair).toBeUndefined();
    expect(a.agent.checklist.every((p) => p.state === 'failed')).toBe(true);
  });
});

describe('relayed candidates (TURN) through symmetric NATs', () => {
  test('both behind symmetric NATs: connected only through TURN, data relayed both ways', async () => {
    const { simTurnServer } = await import('./support/sim-turn.ts');
    const net = new Network({ seed: 13, defaultLink: { delayMs: 15 } });
    const turn = simTurnServer(net, 'turn', '198.51.100.5');
    const natA = net.addNat('natA', { publicAddress: '203.0.113.1', ...NAT_PRESETS.symmetric });
    const natB = net.addNat('natB', { publicAddress: '203.0.113.2', ...NAT_PRESETS.symmetric });
    const turnServers = [{ address: { address: '198.51.100.5', port: 3478 }, username: 'alice', password: 'alicepass' }];
    const stunServers = [{ address: '198.51.100.5', port: 3478 }];
    const a = simAgent(net, 'a', [natA.addHost('a', '192.168.1.2').bind(5000)], { controlling: true, turnServers, stunServers });
    const b = simAgent(net, 'b', [natB.addHost('b', '192.168.1.3').bind(5000)], { turnServers, stunServers });
    connect(net, a, b);
    // 'connected' (not yet 'completed': checks towards the private host addresses run until they time out)
    expect(net.runUntil(() => a.agent.state === 'connected' && b.agent.state === 'connected', 20_000)).toBe(true);
    expect(turn.stats.allocations).toBe(2);
    expect(a.errors).toEqual([]);
    expect(a.agent.localCandidatesList.map((c) => c.type).sort()).toEqual(['host', 'relay', 'srflx']);
    for (const x of [a, b]) {
      const p = x.agent.selectedPair!;
      expect(p.local.type === 'relay' || p.remote.type === 'relay').toBe(true);
    }
    a.agent.send(net.now, bytes('\x80to b'));
    b.agent.send(net.now, bytes('\x80to a'));
    net.runFor(200);
    expect(b.received.map((r) => text(r.data))).toEqual(['\x80to b']);
    expect(a.received.map((r) => text(r.data))).toEqual(['\x80to a']);
    expect(turn.stats.relayedToPeer).toBeGreaterThan(0);
    expect(turn.stats.channelBinds).toBeGreaterThan(0);
    // Once the checks towards the unreachable private addresses have timed out: completed.
    expect(net.runUntil(() => a.agent.state === 'completed' && b.agent.state === 'completed', 60_000)).toBe(true);
    // Closing deallocates (Refresh with LIFETIME 0).
    a.agent.close(net.now);
    b.agent.close(net.now);
    net.runFor(1000);
    expect(turn.allocationCount).toBe(0);
    expect(a.agent.state).toBe('closed');
  });
});

describe('TURN and the agent over time', () => {
  test('a stale nonce mid-session is retried; a restart keeps the allocation and reconnects through it', async () => {
    const { simTurnServer } = await import('./support/sim-turn.ts');
    const net = new Network({ seed: 14, defaultLink: { delayMs: 10 } });
    const turn = simTurnServer(net, 'turn', '198.51.100.5', { staleNonces: 1 });
    const natA = net.addNat('natA', { publicAddress: '203.0.113.1', ...NAT_PRESETS.symmetric });
    const natB = net.addNat('natB', { publicAddress: '203.0.113.2', ...NAT_PRESETS.symmetric });
    const turnServers = [{ address: { address: '198.51.100.5', port: 3478 }, username: 'alice', password: 'alicepass' }];
    const a = simAgent(net, 'a', [natA.addHost('a', '192.168.1.2').bind(5000)], { controlling: true, turnServers });
    const b = simAgent(net, 'b', [natB.addHost('b', '192.168.1.3').bind(5000)], { turnServers });
    connect(net, a, b);
    expect(net.runUntil(() => a.agent.selectedPair !== undefined && b.agent.selectedPair !== undefined, 20_000)).toBe(true);
    expect(turn.stats.errors[438]).toBe(1);
    expect(a.agent.turnClients[0].stats.staleNonce + b.agent.turnClients[0].stats.staleNonce).toBe(1);
    const allocations = turn.stats.allocations;
    const ca = a.agent.restart(net.now);
    const cb = b.agent.restart(net.now);
    a.agent.setRemoteCredentials(cb.ufrag, cb.pwd);
    b.agent.setRemoteCredentials(ca.ufrag, ca.pwd);
    expect(net.runUntil(() => a.selections.length === 2 && b.selections.length === 2, 20_000)).toBe(true);
    expect(turn.stats.allocations).toBe(allocations);
    a.agent.send(net.now, bytes('\x17after restart'));
    net.runFor(100);
    expect(b.received.map((r) => text(r.data))).toEqual(['\x17after restart']);
  });
});
