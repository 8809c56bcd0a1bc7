/**
 * The peer connection behind NATs on the simulated network: ICE with STUN/TURN servers given in
 * RTCConfiguration.iceServers. The TURN server is the ICE package's simulator server (test support).
 */
import { describe, expect, test } from 'vitest';
import { seededRandom } from '@rtcstack/common';
import { NAT_PRESETS, Network, type Host } from '@rtcstack/test-support';
import { simTurnServer } from '../../ice/test/support/sim-turn.ts';
import { RTCPeerConnection } from '../src/peer-connection.ts';
import type { RTCDataChannel } from '../src/data-channel.ts';
import type { RTCConfiguration } from '../src/config.ts';
import { runUntil, trickle } from './support/call.ts';
import { simTransport } from './support/sim-transport.ts';

function peers(net: Network, hostA: Host, hostB: Host, config: RTCConfiguration) {
  const a = new RTCPeerConnection(config, { transport: simTransport(net, hostA), random: seededRandom(71) });
  const b = new RTCPeerConnection(config, { transport: simTransport(net, hostB), random: seededRandom(72) });
  trickle(a, b);
  return { a, b };
}

async function call(net: Network, a: RTCPeerConnection, b: RTCPeerConnection): Promise<{ got: string[] }> {
  const ch = a.createDataChannel('through-nat');
  let remote: RTCDataChannel | undefined;
  b.ondatachannel = (e) => void (remote = (e as Event & { channel: RTCDataChannel }).channel);
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription!);
  expect(await runUntil(net, () => ch.readyState === 'open' && remote?.readyState === 'open', 30_000)).toBe(true);
  const got: string[] = [];
  remote!.onmessage = (e) => got.push((e as MessageEvent).data as string);
  ch.send('hello through the NATs');
  expect(await runUntil(net, () => got.length === 1, 10_000)).toBe(true);
  return { got };
}

const TURN = { urls: 'turn:198.51.100.5:3478', username: 'alice', credential: 'alicepass' };

describe('calls through NATs', () => {
  test('both behind symmetric NATs: connected through TURN (relayed candidates)', async () => {
    const net = new Network({ seed: 31, defaultLink: { delayMs: 10 } });
    const turn = simTurnServer(net, 'turn', '198.51.100.5');
    const natA = net.addNat('natA', { publicAddress: '203.0.113.1', ...NAT_PRESETS.symmetric });
    const natB = net.addNat('natB', { publicAddress: '203.0.113.2', ...NAT_PRESETS.symmetric });
    const { a, b } = peers(net, natA.addHost('a', '192.168.1.2'), natB.addHost('b', '192.168.2.2'), { iceServers: [TURN] });
    const { got } = await call(net, a, b);
    expect(got).toEqual(['hello through the NATs']);
    const report = [...(await a.getStats()).values()];
    const pair = report.find((s) => s.type === 'candidate-pair' && s.selected);
    const local = report.find((s) => s.id === pair?.localCandidateId);
    const remote = report.find((s) => s.id === pair?.remoteCandidateId);
    expect([local?.candidateType, remote?.candidateType]).toContain('relay');
    expect(turn.stats.relayedToPeer).toBeGreaterThan(0);
    a.close();
    b.close();
  });

  test("iceTransportPolicy 'relay': only relayed candidates are announced, and the call still works", async () => {
    const net = new Network({ seed: 32, defaultLink: { delayMs: 5 } });
    simTurnServer(net, 'turn', '198.51.100.5');
    const { a, b } = peers(net, net.addHost('a', '198.51.100.10'), net.addHost('b', '198.51.100.20'), { iceServers: [TURN], iceTransportPolicy: 'relay' });
    const types: string[] = [];
    a.addEventListener('icecandidate', (e) => {
      const c = (e as Event & { candidate: { type: string | null } | null }).candidate;
      if (c) types.push(String(c.type));
    });
    await call(net, a, b);
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['relay']));
    expect(a.localDescription!.sdp).not.toMatch(/typ host/);
    a.close();
    b.close();
  });
});
