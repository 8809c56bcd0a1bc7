import { describe, expect, test } from 'vitest';
import { AudioTrack } from '../src/transceiver.ts';
import { negotiate, runUntil, simPeers, trickle } from './support/call.ts';
import type { RTCStats } from '../src/stats.ts';

const byType = async (pc: { getStats(): Promise<Map<string, RTCStats>> }, type: string) => [...(await pc.getStats()).values()].filter((s) => s.type === type);

describe('two-way audio through the peer connection on the simulated network', () => {
  test.each([
    { name: 'clean 40 ms path', loss: 0, seed: 21 },
    { name: '5% loss each way', loss: 0.05, seed: 22 },
  ])('$name: SRTP audio, RTCP SR/RR, RTT and loss in getStats', async ({ loss, seed }) => {
    const { net, a, b } = simPeers(seed, { delayMs: 20, loss });
    trickle(a.pc, b.pc);
    a.pc.addTrack(new AudioTrack('a'));
    b.pc.addTrack(new AudioTrack('b'));
    let levels = 0;
    b.pc.ontrack = (e) => {
      (e as Event & { track: AudioTrack }).track.onsamples = (_s, level) => {
        if (level > 0.1) levels++;
      };
    };
    await negotiate(a.pc, b.pc);
    expect(await runUntil(net, () => a.pc.connectionState === 'connected' && b.pc.connectionState === 'connected', 20_000)).toBe(true);
    const t0 = net.now;
    expect(await runUntil(net, () => net.now - t0 >= 6_000, 10_000, 20)).toBe(true);
    const [inB] = await byType(b.pc, 'inbound-rtp');
    const [outA] = await byType(a.pc, 'outbound-rtp');
    const [remoteInA] = await byType(a.pc, 'remote-inbound-rtp');
    // 6 s of 20 ms frames is ~300 packets.
    expect(outA.packetsSent as number).toBeGreaterThan(250);
    expect(inB.packetsReceived as number).toBeGreaterThan(230);
    expect(levels).toBeGreaterThan(100); // decoded tone reached the remote track
    // RTT from the peer's RR (RFC 3550 §6.4.1): about 2 x 20 ms.
    expect(remoteInA).toBeDefined();
    expect(remoteInA.roundTripTime as number).toBeGreaterThan(0.035);
    expect(remoteInA.roundTripTime as number).toBeLessThan(0.1);
    if (loss > 0) {
      // NACK repair (RFC 4585): the sender retransmitted, and the receiver asked.
      expect(outA.retransmittedPacketsSent as number).toBeGreaterThan(0);
      expect(inB.nackCount as number).toBeGreaterThan(0);
    } else expect(inB.packetsLost).toBe(0);
    const [pair] = (await byType(a.pc, 'candidate-pair')).filter((p) => p.selected);
    expect(pair).toBeDefined();
    expect(pair.bytesSent as number).toBeGreaterThan(0);
    a.pc.close();
    b.pc.close();
  });
});
