/**
 * Real peer: coturn on 127.0.0.1. Our TURN client allocates, refreshes, installs permissions and
 * channels; two of our agents (relay-only, real sockets) talk through it; coturn also answers our
 * Binding requests as an independent STUN server. Skips when turnserver is missing, unless
 * REQUIRE_REAL_PEERS is set (then fails).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary, startCoturn, type Coturn } from './support/coturn.ts';
import { udpPair, waitFor, type UdpPair } from './support/udp-pair.ts';
import { UdpIceAgent } from '../src/node/index.ts';

const bin = findBinary('turnserver');
const required = Boolean(process.env.REQUIRE_REAL_PEERS);

if (!bin && required) {
  it('coturn', () => {
    throw new Error('REQUIRE_REAL_PEERS is set but `turnserver` is not installed (apt-get install coturn)');
  });
} else if (!bin) {
  it.skip('coturn tests (skipped: `turnserver` not installed; apt-get install coturn)', () => {});
} else {
  describe('against coturn on 127.0.0.1', () => {
    let coturn: Coturn;
    let pair: UdpPair | undefined;
    beforeAll(async () => {
      coturn = await startCoturn(bin, 90_000);
    });
    afterAll(async () => {
      await pair?.close();
      coturn?.stop();
    });

    it('two agents (relay only) connect through coturn: Allocate, CreatePermission, ChannelBind, Refresh, data relayed, deallocation', async () => {
      const turnServers = [{ address: { address: '127.0.0.1', port: coturn.port }, username: coturn.user, password: coturn.password }];
      pair = await udpPair({ turnServers, transportPolicy: 'relay' }, { turnServers, transportPolicy: 'relay' });
      const p = pair;
      const ok = await waitFor(() => p.a.agent.state === 'connected' || p.a.agent.state === 'completed', 10_000);
      expect(ok, `a: ${p.states.a.join(',')} errors: ${p.errors.map((e) => e.message).join('; ')}\n${coturn.log.slice(-20).join('\n')}`).toBe(true);
      expect(await waitFor(() => p.b.agent.selectedPair !== undefined, 5000)).toBe(true);
      const sa = p.a.agent.selectedPair!;
      expect(sa.local.type).toBe('relay');
      expect(sa.remote.type === 'relay' || sa.remote.type === 'prflx').toBe(true);
      const [ta] = p.a.agent.turnClients;
      expect(ta.state).toBe('allocated');
      expect(ta.relayed?.address).toBe('127.0.0.1');
      expect(ta.relayed?.port).not.toBe(coturn.port);
      // Permission and channel towards b's relayed address are in place.
      expect(ta.hasPermission(sa.remote)).toBe(true);
      expect(await waitFor(() => ta.channelFor(sa.remote) !== undefined, 3000)).toBe(true);
      // Data both ways (ChannelData by now).
      const sentBefore = ta.stats.channelDataSent;
      p.a.send(new TextEncoder().encode('\x17through coturn'));
      p.b.send(new TextEncoder().encode('\x17and back'));
      expect(await waitFor(() => p.received.a.length > 0 && p.received.b.length > 0, 3000)).toBe(true);
      expect(p.received.b).toContain('\x17through coturn');
      expect(p.received.a).toContain('\x17and back');
      expect(ta.stats.channelDataSent).toBeGreaterThan(sentBefore);
      // Refresh on demand (the timer would do it a minute before expiry).
      const refreshed = ta.stats.requests;
      ta.refresh(p.a.now());
      p.a.pump();
      expect(await waitFor(() => ta.stats.requests > refreshed && ta.expires > p.a.now() + 500_000, 3000)).toBe(true);
      expect(p.errors).toEqual([]);
      // Deallocation on close: Refresh with LIFETIME 0, answered.
      await p.a.close(1000);
      expect(ta.state).toBe('closed');
    }, 30_000);

    it('coturn as a STUN server: the agent learns its reflexive address (equal to its host address on loopback, so pruned as redundant)', async () => {
      const agent = await UdpIceAgent.create({ controlling: true, addresses: ['127.0.0.1'], stunServers: [{ address: '127.0.0.1', port: coturn.port }] });
      try {
        let done = false;
        agent.events.endOfCandidates = () => (done = true);
        agent.gather();
        expect(await waitFor(() => done, 5000)).toBe(true);
        expect(agent.agent.stats.reflexiveDiscovered).toBe(1);
        expect(agent.agent.stats.redundantPruned).toBe(1);
        expect(agent.agent.gathering).toBe('complete');
      } finally {
        await agent.close();
      }
    });
  });
}
