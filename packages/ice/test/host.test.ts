import { describe, expect, test } from 'vitest';
import { Network } from '@rtcstack/test-support';
import { bytes, connect, simAgent, text } from './support/harness.ts';

describe('host–host on the simulated network', () => {
  test('two agents connect, nominate one pair and exchange data', () => {
    const net = new Network({ seed: 1, defaultLink: { delayMs: 10 } });
    const a = simAgent(net, 'a', [net.addHost('a', '10.0.0.1').bind(5000)], { controlling: true });
    const b = simAgent(net, 'b', [net.addHost('b', '10.0.0.2').bind(6000)], { controlling: false });
    connect(net, a, b);
    expect(net.runUntil(() => a.agent.state === 'completed' && b.agent.state === 'completed', 5000)).toBe(true);
    expect(a.states).toEqual(['checking', 'connected', 'completed']);
    expect(b.states).toEqual(['checking', 'connected', 'completed']);
    expect(a.agent.selectedPair?.remote.port).toBe(6000);
    expect(b.agent.selectedPair?.remote.port).toBe(5000);
    expect(a.agent.send(net.now, bytes('\x17hello b'))).toBe(true);
    expect(b.agent.send(net.now, bytes('\x17hello a'))).toBe(true);
    net.runFor(100);
    expect(b.received.map((r) => text(r.data))).toEqual(['\x17hello b']);
    expect(a.received.map((r) => text(r.data))).toEqual(['\x17hello a']);
  });

  test('no hidden traffic: with no STUN/TURN servers every datagram goes to a remote candidate', () => {
    const net = new Network({ seed: 2, defaultLink: { delayMs: 5 } });
    const ha = net.addHost('a', ['10.0.0.1', '2001:db8::1']);
    const hb = net.addHost('b', ['10.0.0.2', '2001:db8::2']);
    const a = simAgent(net, 'a', [ha.bind(5000, '10.0.0.1'), ha.bind(5000, '2001:db8::1')], { controlling: true });
    const b = simAgent(net, 'b', [hb.bind(6000, '10.0.0.2'), hb.bind(6000, '2001:db8::2')]);
    connect(net, a, b);
    expect(net.runUntil(() => a.agent.state === 'completed' && b.agent.state === 'completed', 5000)).toBe(true);
    net.runFor(20_000); // consent checks too
    for (const [me, peer] of [[a, b], [b, a]] as const) {
      const allowed = new Set(peer.agent.localCandidatesList.map((c) => `${c.address}|${c.port}`));
      expect(me.sent.length).toBeGreaterThan(4);
      for (const s of me.sent) expect(allowed.has(`${s.remote.address}|${s.remote.port}`)).toBe(true);
    }
  });
});

describe('after close', () => {
  test('a closed agent answers nothing, passes nothing up and has no timers', () => {
    const net = new Network({ seed: 3, defaultLink: { delayMs: 10 } });
    const a = simAgent(net, 'a', [net.addHost('a', '10.0.0.1').bind(5000)], { controlling: true, stunServers: [{ address: '10.9.9.9', port: 3478 }] });
    const b = simAgent(net, 'b', [net.addHost('b', '10.0.0.2').bind(6000)], { controlling: false });
    connect(net, a, b);
    expect(net.runUntil(() => b.agent.state === 'connected' || b.agent.state === 'completed', 5000)).toBe(true);
    a.agent.close(net.now);
    expect(a.agent.state).toBe('closed');
    expect(a.agent.nextTimeout()).toBeUndefined(); // the unanswered STUN request to 10.9.9.9 is forgotten too
    const sentBefore = a.sent.length;
    b.agent.send(net.now, bytes('\x17anyone?'));
    net.runFor(10_000);
    expect(a.sent.length).toBe(sentBefore);
    expect(a.received).toEqual([]);
  });
});
