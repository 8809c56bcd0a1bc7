/**
 * Interop with werift's ICE agent (pure TypeScript, a second implementation), on 127.0.0.1 only:
 * werift's host candidates are restricted to loopback and its STUN server is our local one (it
 * would otherwise ask a public server). Both role assignments.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { Candidate, Connection } from 'werift';
import { startUdpStunServer, type UdpStunServer } from '@rtcstack/stun/node';
import { UdpIceAgent } from '../src/node/index.ts';
import { waitFor } from './support/udp-pair.ts';

describe('werift ICE ⇄ our agent on 127.0.0.1', () => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    cleanup = [];
  });

  test.each([
    ['we control, werift is controlled', true],
    ['werift controls, we are controlled', false],
  ])('%s', async (_n, weControl) => {
    const stun: UdpStunServer = await startUdpStunServer({ host: '127.0.0.1', port: 0 });
    cleanup.push(() => stun.close());
    const w = new Connection(!weControl, {
      stunServer: ['127.0.0.1', stun.address.port],
      interfaceAddresses: { udp4: '127.0.0.1' },
      additionalHostAddresses: ['127.0.0.1'],
      useIpv4: true,
      useIpv6: false,
    });
    cleanup.push(() => w.close());
    const ours = await UdpIceAgent.create({ controlling: weControl, addresses: ['127.0.0.1'] });
    cleanup.push(() => ours.close());
    const fromWerift: string[] = [];
    const fromUs: string[] = [];
    w.onData.subscribe((d) => fromUs.push(d.toString('latin1')));
    ours.events.data = (d) => fromWerift.push(Buffer.from(d).toString('latin1'));
    ours.events.candidate = (_c, sdp) => void w.addRemoteCandidate(Candidate.fromSdp(sdp.replace(/^candidate:/, '')));
    ours.events.endOfCandidates = () => void w.addRemoteCandidate(undefined);

    await w.gatherCandidates();
    const wCandidates = w.localCandidates.filter((c) => c.host === '127.0.0.1' && c.transport.toLowerCase() === 'udp');
    expect(wCandidates.length).toBeGreaterThan(0);
    w.setRemoteParams({ iceLite: false, usernameFragment: ours.agent.localCredentials.ufrag, password: ours.agent.localCredentials.pwd });
    ours.setRemoteCredentials(w.localUsername, w.localPassword);
    for (const c of wCandidates) ours.addRemoteCandidate(`candidate:${c.toSdp()}`);
    ours.endOfRemoteCandidates();
    ours.gather();
    await Promise.race([w.connect(), new Promise((_, rej) => setTimeout(() => rej(new Error('werift connect timeout')), 10_000))]);
    expect(await waitFor(() => ours.agent.selectedPair !== undefined && ['connected', 'completed'].includes(ours.agent.state), 5000)).toBe(true);
    await w.send(Buffer.from('\x17from werift', 'latin1'));
    ours.send(new TextEncoder().encode('\x17from rtcstack'));
    expect(await waitFor(() => fromWerift.length > 0 && fromUs.length > 0, 3000)).toBe(true);
    expect(fromWerift).toContain('\x17from werift');
    expect(fromUs).toContain('\x17from rtcstack');
    expect(ours.agent.stats.unauthenticated + ours.agent.stats.badRequest + ours.agent.stats.malformed).toBe(0);
  }, 20_000);
});
