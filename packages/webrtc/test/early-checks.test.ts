import { describe, expect, test } from 'vitest';
import type { RTCIceCandidateInit } from '../src/description.ts';
import type { RTCDataChannel } from '../src/data-channel.ts';
import { runUntil, simPeers } from './support/call.ts';

describe('things that arrive before the description they belong to', () => {
  test('the answerer\'s checks reach the offerer before the answer: learned as peer-reflexive, the call connects', async () => {
    const { net, a, b } = simPeers(41, { delayMs: 10 });
    const fromB: RTCIceCandidateInit[] = [];
    a.pc.onicecandidate = (e) => {
      const c = (e as Event & { candidate: { toJSON(): RTCIceCandidateInit } | null }).candidate;
      if (c) void b.pc.addIceCandidate(c.toJSON());
    };
    b.pc.onicecandidate = (e) => {
      const c = (e as Event & { candidate: { toJSON(): RTCIceCandidateInit } | null }).candidate;
      if (c) fromB.push(c.toJSON()); // held back with the answer
    };
    const ch = a.pc.createDataChannel('late');
    let remote: RTCDataChannel | undefined;
    b.pc.ondatachannel = (e) => void (remote = (e as Event & { channel: RTCDataChannel }).channel);
    await a.pc.setLocalDescription(await a.pc.createOffer());
    await b.pc.setRemoteDescription(a.pc.localDescription!);
    await b.pc.setLocalDescription(await b.pc.createAnswer());
    // The answer is slow; meanwhile b checks a (RFC 8445 §7.3.1.3: a learns b as peer-reflexive).
    await runUntil(net, () => false, 300);
    expect(a.pc.core.ice!.stats.checksReceived).toBeGreaterThan(0);
    // A candidate that arrives before any remote description is rejected as the spec says.
    await expect(a.pc.addIceCandidate(fromB[0])).rejects.toMatchObject({ name: 'InvalidStateError' });
    await a.pc.setRemoteDescription(b.pc.localDescription!);
    for (const c of fromB) await a.pc.addIceCandidate(c);
    expect(await runUntil(net, () => ch.readyState === 'open' && remote?.readyState === 'open', 10_000)).toBe(true);
    expect(a.pc.connectionState).toBe('connected');
    a.pc.close();
    b.pc.close();
  });

  test('candidates queued behind a pending setRemoteDescription (operations chain) are applied', async () => {
    const { net, a, b } = simPeers(42, { delayMs: 10 });
    const fromA: RTCIceCandidateInit[] = [];
    a.pc.onicecandidate = (e) => {
      const c = (e as Event & { candidate: { toJSON(): RTCIceCandidateInit } | null }).candidate;
      if (c) fromA.push(c.toJSON());
    };
    a.pc.createDataChannel('x');
    await a.pc.setLocalDescription(await a.pc.createOffer());
    await runUntil(net, () => fromA.length > 0, 1000);
    // Strip candidates from the SDP so only the trickled ones can connect.
    const sdp = a.pc.localDescription!.sdp.replace(/a=candidate:[^\r]*\r\n/g, '').replace(/a=end-of-candidates\r\n/g, '');
    const pending = b.pc.setRemoteDescription({ type: 'offer', sdp });
    const adds = fromA.map((c) => b.pc.addIceCandidate(c)); // called before the description is applied
    await pending;
    await Promise.all(adds);
    await b.pc.setLocalDescription();
    await a.pc.setRemoteDescription(b.pc.localDescription!);
    expect(await runUntil(net, () => a.pc.connectionState === 'connected' && b.pc.connectionState === 'connected', 10_000)).toBe(true);
    a.pc.close();
    b.pc.close();
  });
});
