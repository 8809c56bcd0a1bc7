import { describe, expect, test } from 'vitest';
import type { Network } from '@rtcstack/test-support';
import type { RTCPeerConnection } from '../src/peer-connection.ts';
import type { RTCDataChannel } from '../src/data-channel.ts';
import type { RTCSessionDescriptionInit, RTCIceCandidateInit } from '../src/description.ts';
import { AudioTrack } from '../src/transceiver.ts';
import { runUntil, simPeers } from './support/call.ts';

type Msg = { description?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit };

/**
 * The W3C "perfect negotiation" pattern (webrtc-pc §10.7 example), verbatim in spirit: signaling
 * messages travel through the simulated network's clock (`delayMs`) and are handled in order.
 */
function perfectNegotiation(net: Network, pc: RTCPeerConnection, polite: boolean, send: (m: Msg) => void) {
  let makingOffer = false;
  let ignoreOffer = false;
  const errors: unknown[] = [];
  pc.onnegotiationneeded = async () => {
    try {
      makingOffer = true;
      await pc.setLocalDescription();
      send({ description: pc.localDescription!.toJSON() });
    } catch (e) {
      errors.push(e);
    } finally {
      makingOffer = false;
    }
  };
  pc.onicecandidate = (e) => {
    const c = (e as Event & { candidate: { toJSON(): RTCIceCandidateInit } | null }).candidate;
    if (c) send({ candidate: c.toJSON() });
  };
  let queue: Promise<void> = Promise.resolve();
  const receive = (m: Msg) => {
    queue = queue.then(async () => {
      try {
        if (m.description) {
          const offerCollision = m.description.type === 'offer' && (makingOffer || pc.signalingState !== 'stable');
          ignoreOffer = !polite && offerCollision;
          if (ignoreOffer) return;
          await pc.setRemoteDescription(m.description);
          if (m.description.type === 'offer') {
            await pc.setLocalDescription();
            send({ description: pc.localDescription!.toJSON() });
          }
        } else if (m.candidate) {
          try {
            await pc.addIceCandidate(m.candidate);
          } catch (e) {
            if (!ignoreOffer) throw e;
          }
        }
      } catch (e) {
        errors.push(e);
      }
    });
  };
  return { receive, errors };
}

function wire(seed: number) {
  const { net, a, b } = simPeers(seed, { delayMs: 10 });
  const delay = 15;
  // eslint-disable-next-line prefer-const
  let pa: ReturnType<typeof perfectNegotiation>;
  // eslint-disable-next-line prefer-const
  let pb: ReturnType<typeof perfectNegotiation>;
  const counts = { offers: 0, answers: 0 };
  const toB = (m: Msg) => {
    if (m.description?.type === 'offer') counts.offers++;
    if (m.description?.type === 'answer') counts.answers++;
    net.after(delay, () => pb.receive(m));
  };
  const toA = (m: Msg) => {
    if (m.description?.type === 'offer') counts.offers++;
    if (m.description?.type === 'answer') counts.answers++;
    net.after(delay, () => pa.receive(m));
  };
  pa = perfectNegotiation(net, a.pc, false, toB); // impolite
  pb = perfectNegotiation(net, b.pc, true, toA); // polite
  return { net, a, b, pa, pb, counts };
}

const connected = (x: RTCPeerConnection) => x.connectionState === 'connected';

describe('negotiation', () => {
  test('perfect negotiation: both sides create a channel at once (glare), the polite peer rolls back', async () => {
    const { net, a, b, pa, pb, counts } = wire(11);
    const remoteOnA: RTCDataChannel[] = [];
    const remoteOnB: RTCDataChannel[] = [];
    a.pc.ondatachannel = (e) => remoteOnA.push((e as Event & { channel: RTCDataChannel }).channel);
    b.pc.ondatachannel = (e) => remoteOnB.push((e as Event & { channel: RTCDataChannel }).channel);
    const ca = a.pc.createDataChannel('from-a');
    const cb = b.pc.createDataChannel('from-b');
    expect(await runUntil(net, () => connected(a.pc) && connected(b.pc) && ca.readyState === 'open' && cb.readyState === 'open', 20_000)).toBe(true);
    expect(counts.offers).toBeGreaterThanOrEqual(2); // both offered: glare happened
    expect(b.states).toContain('signaling:have-local-offer');
    expect(b.states).toContain('signaling:have-remote-offer'); // the polite peer took the impolite offer
    expect(await runUntil(net, () => remoteOnA.length === 1 && remoteOnB.length === 1, 10_000)).toBe(true);
    expect(remoteOnA[0].label).toBe('from-b');
    expect(remoteOnB[0].label).toBe('from-a');
    // Channel ids have the right parity for each side's DTLS role (RFC 8832 §6) and do not clash.
    expect(ca.id).not.toBe(cb.id);
    const got: string[] = [];
    remoteOnA[0].onmessage = (e) => got.push(`a:${(e as MessageEvent).data}`);
    remoteOnB[0].onmessage = (e) => got.push(`b:${(e as MessageEvent).data}`);
    ca.send('x');
    cb.send('y');
    expect(await runUntil(net, () => got.length === 2)).toBe(true);
    expect(got.sort()).toEqual(['a:y', 'b:x']);
    expect(pa.errors).toEqual([]);
    expect(pb.errors).toEqual([]);
    a.pc.close();
    b.pc.close();
  });

  test('renegotiation on a live call adds a data channel section, then an audio track', async () => {
    const { net, a, b, pa, pb } = wire(12);
    // Start with audio only.
    a.pc.addTrack(new AudioTrack('tone'));
    let tracks = 0;
    b.pc.ontrack = () => tracks++;
    expect(await runUntil(net, () => connected(a.pc) && connected(b.pc), 20_000)).toBe(true);
    expect(tracks).toBe(1);
    expect(await runUntil(net, () => b.pc.core.stats.demux.rtp > 5, 5_000)).toBe(true);
    // Add a data channel: a second offer/answer round on the same transport.
    const remote: RTCDataChannel[] = [];
    b.pc.ondatachannel = (e) => remote.push((e as Event & { channel: RTCDataChannel }).channel);
    const ch = a.pc.createDataChannel('late');
    expect(await runUntil(net, () => ch.readyState === 'open' && remote.length === 1, 10_000)).toBe(true);
    expect(a.pc.getTransceivers()).toHaveLength(1);
    // b adds a track of its own: a third round, b offers.
    b.pc.addTrack(new AudioTrack('reply'));
    let tracksOnA = 0;
    a.pc.ontrack = () => tracksOnA++;
    expect(await runUntil(net, () => tracksOnA === 1, 10_000)).toBe(true);
    expect(await runUntil(net, () => a.pc.core.stats.demux.rtp > 5, 5_000)).toBe(true);
    expect(a.pc.localDescription!.sdp.match(/^m=/gm)).toHaveLength(2); // audio + application: b reused a's m= section
    expect(connected(a.pc) && connected(b.pc)).toBe(true);
    expect(pa.errors).toEqual([]);
    expect(pb.errors).toEqual([]);
    a.pc.close();
    b.pc.close();
  });

  test('restartIce(): new credentials, new checks, the call and its data channel survive', async () => {
    const { net, a, b, pa, pb } = wire(13);
    const ch = a.pc.createDataChannel('c');
    let remote: RTCDataChannel | undefined;
    b.pc.ondatachannel = (e) => {
      remote = (e as Event & { channel: RTCDataChannel }).channel;
    };
    expect(await runUntil(net, () => ch.readyState === 'open' && remote?.readyState === 'open', 20_000)).toBe(true);
    const ufragBefore = /a=ice-ufrag:(\S+)/.exec(a.pc.localDescription!.sdp)![1];
    const remoteUfragBefore = /a=ice-ufrag:(\S+)/.exec(b.pc.localDescription!.sdp)![1];
    const checksBefore = a.pc.core.ice!.stats.checksSent;
    a.pc.restartIce();
    expect(await runUntil(net, () => a.pc.signalingState === 'stable' && /a=ice-ufrag:(\S+)/.exec(a.pc.localDescription!.sdp)![1] !== ufragBefore, 10_000)).toBe(true);
    expect(/a=ice-ufrag:(\S+)/.exec(b.pc.localDescription!.sdp)![1]).not.toBe(remoteUfragBefore);
    expect(await runUntil(net, () => a.pc.core.ice!.stats.checksSent > checksBefore + 1 && connected(a.pc) && connected(b.pc), 10_000)).toBe(true);
    const got: string[] = [];
    remote!.onmessage = (e) => got.push((e as MessageEvent).data as string);
    ch.send('after restart');
    expect(await runUntil(net, () => got.length === 1, 5_000)).toBe(true);
    expect(pa.errors).toEqual([]);
    expect(pb.errors).toEqual([]);
    a.pc.close();
    b.pc.close();
  });

  test('createOffer({ iceRestart: true }) changes ufrag/pwd; a plain re-offer keeps them', async () => {
    const { a } = simPeers(14);
    a.pc.createDataChannel('x');
    const o1 = await a.pc.createOffer();
    await a.pc.setLocalDescription(o1);
    await a.pc.setLocalDescription({ type: 'rollback' });
    const o2 = await a.pc.createOffer();
    const o3 = await a.pc.createOffer({ iceRestart: true });
    const uf = (s: string) => /a=ice-ufrag:(\S+)/.exec(s)![1];
    expect(uf(o2.sdp!)).toBe(uf(o1.sdp!));
    expect(uf(o3.sdp!)).not.toBe(uf(o1.sdp!));
    a.pc.close();
  });
});
