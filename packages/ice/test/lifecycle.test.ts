import { describe, expect, test } from 'vitest';
import { seededRandom, type Address } from '@rtcstack/common';
import { Method, attr, buildMessage, decodeMessage, getAttribute, hasAttribute, shortTermKey } from '@rtcstack/stun';
import { Network } from '@rtcstack/test-support';
import { IceAgent, candidatePriority, type IceOutput } from '../src/index.ts';
import { bytes, connect, simAgent, text, type SimAgent } from './support/harness.ts';

function pairOfAgents(seed: number, aOpts = {}, bOpts = {}) {
  const net = new Network({ seed, defaultLink: { delayMs: 10 } });
  const a = simAgent(net, 'a', [net.addHost('a', '10.0.0.1').bind(5000)], { controlling: true, ...aOpts });
  const b = simAgent(net, 'b', [net.addHost('b', '10.0.0.2').bind(6000)], { controlling: false, ...bOpts });
  return { net, a, b };
}

describe('consent freshness (RFC 7675) and the W3C states', () => {
  test('consent checks every 4–6 s; a dead path goes disconnected, then failed 30 s after the last response', () => {
    const { net, a, b } = pairOfAgents(21);
    connect(net, a, b);
    expect(net.runUntil(() => a.agent.state === 'completed' && b.agent.state === 'completed', 5000)).toBe(true);
    const start = net.now;
    net.runFor(60_000);
    const consents = a.agent.stats.consentRequests;
    expect(consents).toBeGreaterThanOrEqual(10); // 60 s / 6 s
    expect(consents).toBeLessThanOrEqual(16); // 60 s / 4 s + retransmission-free margin
    expect(a.agent.state).toBe('completed');
    const cutAt = net.now;
    net.setLink('a', 'b', { loss: 1 });
    let disconnectedAt = 0;
    expect(net.runUntil(() => ((disconnectedAt = net.now), a.agent.state === 'disconnected'), 20_000)).toBe(true);
    // disconnected within one consent interval (≤ 6 s) plus the 3 s no-response period
    expect(disconnectedAt - cutAt).toBeLessThanOrEqual(9_100);
    let failedAt = 0;
    expect(net.runUntil(() => ((failedAt = net.now), a.agent.state === 'failed'), 40_000)).toBe(true);
    expect(failedAt - cutAt).toBeGreaterThanOrEqual(24_000); // last response ≤ 6 s before the cut, 30 s after it
    expect(failedAt - cutAt).toBeLessThanOrEqual(30_100);
    expect(a.states).toEqual(['checking', 'connected', 'completed', 'disconnected', 'failed']);
    expect(a.agent.send(net.now, bytes('x'))).toBe(false); // no consent, no sending
    void start;
  });

  test('a short outage: disconnected, then back to completed when responses return', () => {
    const { net, a, b } = pairOfAgents(22);
    connect(net, a, b);
    expect(net.runUntil(() => a.agent.state === 'completed', 5000)).toBe(true);
    net.setLink('a', 'b', { loss: 1 });
    expect(net.runUntil(() => a.agent.state === 'disconnected', 20_000)).toBe(true);
    net.setLink('a', 'b', { loss: 0 });
    expect(net.runUntil(() => a.agent.state === 'completed', 10_000)).toBe(true);
    expect(a.states.slice(-3)).toEqual(['disconnected', 'connected', 'completed']);
  });
});

describe('ICE restart (§9)', () => {
  test('after failure, a restart with new credentials recovers', () => {
    const { net, a, b } = pairOfAgents(31);
    connect(net, a, b);
    expect(net.runUntil(() => a.agent.state === 'completed', 5000)).toBe(true);
    net.setLink('a', 'b', { loss: 1 });
    expect(net.runUntil(() => a.agent.state === 'failed' && b.agent.state === 'failed', 60_000)).toBe(true);
    net.setLink('a', 'b', { loss: 0 });
    const old = a.agent.localCredentials;
    const ca = a.agent.restart(net.now);
    const cb = b.agent.restart(net.now);
    expect(ca.ufrag).not.toBe(old.ufrag);
    a.agent.setRemoteCredentials(cb.ufrag, cb.pwd);
    b.agent.setRemoteCredentials(ca.ufrag, ca.pwd);
    expect(net.runUntil(() => a.agent.state === 'completed' && b.agent.state === 'completed', 10_000)).toBe(true);
    a.agent.send(net.now, bytes('\x17again'));
    net.runFor(50);
    expect(b.received.map((r) => text(r.data))).toEqual(['\x17again']);
  });

  test('traffic stays on the old pair until the new generation selects one', () => {
    const { net, a, b } = pairOfAgents(32);
    connect(net, a, b);
    expect(net.runUntil(() => a.agent.state === 'completed' && b.agent.state === 'completed', 5000)).toBe(true);
    const ca = a.agent.restart(net.now);
    // The peer has not heard of the restart yet: media still flows on the old pair.
    expect(a.agent.send(net.now, bytes('\x17during'))).toBe(true);
    net.runFor(50);
    expect(b.received.map((r) => text(r.data))).toEqual(['\x17during']);
    expect(a.selections).toHaveLength(1);
    const cb = b.agent.restart(net.now);
    a.agent.setRemoteCredentials(cb.ufrag, cb.pwd);
    b.agent.setRemoteCredentials(ca.ufrag, ca.pwd);
    expect(net.runUntil(() => a.selections.length === 2 && b.selections.length === 2, 10_000)).toBe(true);
    expect(a.agent.state).toBe('completed');
  });
});

describe('role conflicts end to end (§7.2.5.1, §7.3.1.1)', () => {
  test.each([
    ['both controlling', true, true],
    ['both controlled', false, false],
  ])('%s: resolved by tie-breakers, one pair selected', (_n, ca, cb) => {
    const { net, a, b } = pairOfAgents(41, { controlling: ca, tieBreaker: 50n }, { controlling: cb, tieBreaker: 60n });
    connect(net, a, b);
    expect(net.runUntil(() => a.agent.state === 'completed' && b.agent.state === 'completed', 10_000)).toBe(true);
    // The larger tie-breaker (b) ends up controlling.
    expect(b.agent.controlling).toBe(true);
    expect(a.agent.controlling).toBe(false);
    expect(a.agent.stats.roleConflicts + b.agent.stats.roleConflicts).toBeGreaterThan(0);
  });
});

describe('USE-CANDIDATE on the very first check (as Chromium sends it)', () => {
  test('the controlled agent answers, checks back, and selects that pair', () => {
    const A: Address = { address: '10.0.0.1', port: 5000 };
    const C: Address = { address: '10.0.0.9', port: 7000 };
    const agent = new IceAgent({ controlling: false, localUfrag: 'lufr', localPwd: 'lpwd-0123456789abcdefghij', random: seededRandom(5) });
    agent.addLocalAddress(A);
    agent.setRemoteCredentials('chrm', 'chrome-password-0123456789');
    agent.gather(0);
    const out: IceOutput[] = [];
    const drain = () => { for (let o = agent.pollOutput(); o; o = agent.pollOutput()) out.push(o); };
    drain();
    const first = buildMessage({
      class: 'request', method: Method.Binding, transactionId: seededRandom(9)(12),
      attributes: [attr('USERNAME', 'lufr:chrm'), attr('PRIORITY', candidatePriority(110, 65535, 1)), attr('ICE_CONTROLLING', 77n), attr('USE_CANDIDATE', true), { type: 0xc057, value: Uint8Array.of(0, 1, 0, 0) }],
      integrity: shortTermKey('lpwd-0123456789abcdefghij'), fingerprint: true,
    });
    agent.handleInput(10, { data: first, remote: C, local: A });
    drain();
    expect(out.filter((o) => o.type === 'send').map((o) => decodeMessage((o as { data: Uint8Array }).data).class)).toEqual(['success']);
    agent.handleTimeout(10);
    drain();
    const check = out.filter((o) => o.type === 'send').map((o) => decodeMessage((o as { data: Uint8Array }).data)).find((m) => m.class === 'request');
    expect(check && getAttribute(check, 'USERNAME')).toBe('chrm:lufr');
    expect(check && hasAttribute(check, 'ICE_CONTROLLED')).toBe(true);
    const answer = buildMessage({ class: 'success', method: Method.Binding, transactionId: check!.transactionId, attributes: [attr('XOR_MAPPED_ADDRESS', A)], integrity: shortTermKey('chrome-password-0123456789'), fingerprint: true });
    agent.handleInput(30, { data: answer, remote: C, local: A });
    drain();
    expect(out.find((o) => o.type === 'selected-pair')).toMatchObject({ pair: { remote: { type: 'prflx', address: C.address, port: C.port } } });
    expect(agent.state).toBe('connected');
  });
});

describe('ICE lite (§2.5)', () => {
  test('a lite agent sends no checks, answers them, and selects on USE-CANDIDATE', () => {
    const { net, a, b } = pairOfAgents(51, {}, { lite: true, controlling: true });
    connect(net, a, b);
    expect(b.agent.controlling).toBe(false);
    expect(net.runUntil(() => a.agent.state === 'completed' && b.agent.selectedPair !== undefined, 5000)).toBe(true);
    const requests = b.sent.filter((s) => decodeMessage(s.data).class === 'request');
    expect(requests).toEqual([]);
    expect(b.agent.selectedPair?.remote.port).toBe(5000);
    b.agent.send(net.now, bytes('\x17from lite'));
    net.runFor(50);
    expect(a.received.map((r) => text(r.data))).toEqual(['\x17from lite']);
  });
});

describe('scale', () => {
  test('100 agents on one simulated network, connected in 50 pairs', () => {
    const net = new Network({ seed: 61, defaultLink: { delayMs: 5, jitterMs: 3, loss: 0.02 } });
    const agents: SimAgent[] = [];
    for (let i = 0; i < 50; i++) {
      const a = simAgent(net, `a${i}`, [net.addHost(`a${i}`, `10.1.${i}.1`).bind(5000)], { controlling: true });
      const b = simAgent(net, `b${i}`, [net.addHost(`b${i}`, `10.2.${i}.1`).bind(5000)], { controlling: false });
      connect(net, a, b);
      agents.push(a, b);
    }
    expect(net.runUntil(() => agents.every((x) => x.agent.state === 'completed'), 20_000)).toBe(true);
    for (let i = 0; i < 100; i += 2) expect(agents[i].agent.selectedPair?.remote.address).toBe(`10.2.${i / 2}.1`);
  });
});
