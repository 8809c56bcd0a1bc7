import { describe, expect, test } from 'vitest';
import { AudioTrack } from '../src/transceiver.ts';
import type { RTCPeerConnection } from '../src/peer-connection.ts';
import { runUntil, simPeers, trickle } from './support/call.ts';
import type { RTCStats } from '../src/stats.ts';

const byType = async (pc: { getStats(): Promise<Map<string, RTCStats>> }, type: string) => [...(await pc.getStats()).values()].filter((s) => s.type === type);
const noFeedback = (sdp: string) => sdp.replace(/a=rtcp-fb:[^\r]*\r\n/g, '');

/** Offer/answer with optional munging of what each side receives (a peer that offers or answers no nack). */
async function negotiateVia(a: RTCPeerConnection, b: RTCPeerConnection, mungeOffer: (s: string) => string, mungeAnswer: (s: string) => string): Promise<string> {
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription({ type: 'offer', sdp: mungeOffer(a.localDescription!.sdp) });
  await b.setLocalDescription(await b.createAnswer());
  const answer = mungeAnswer(b.localDescription!.sdp);
  await a.setRemoteDescription({ type: 'answer', sdp: answer });
  return answer;
}

// RFC 4585 §4.2: generic NACK may be sent only for a payload type whose offer and answer both
// carry a=rtcp-fb:<pt> nack. Both peers send audio over a 5%-loss path for 4 s.
describe('NACK only when negotiated (RFC 4585 §4.2, RFC 8829 §5.3.1)', () => {
  test.each([
    { name: 'offer and answer list nack: loss is repaired', offer: (s: string) => s, answer: (s: string) => s, negotiated: true },
    { name: 'the offer has no rtcp-fb, so the answer has none: zero NACKs', offer: noFeedback, answer: (s: string) => s, negotiated: false },
    { name: 'the answer drops nack (offer had it): zero NACKs from the offerer', offer: (s: string) => s, answer: noFeedback, negotiated: false },
  ])('$name', async ({ offer, answer, negotiated }) => {
    const { net, a, b } = simPeers(31, { delayMs: 20, loss: 0.05 });
    trickle(a.pc, b.pc);
    a.pc.addTrack(new AudioTrack('a'));
    b.pc.addTrack(new AudioTrack('b'));
    const answerSdp = await negotiateVia(a.pc, b.pc, offer, answer);
    expect(/a=rtcp-fb:\d+ nack\r\n/.test(answerSdp)).toBe(negotiated);
    expect(await runUntil(net, () => a.pc.connectionState === 'connected' && b.pc.connectionState === 'connected', 20_000)).toBe(true);
    const t0 = net.now;
    expect(await runUntil(net, () => net.now - t0 >= 4_000, 10_000, 20)).toBe(true);
    // The offerer's side is decided by the answer it received.
    const [inA] = await byType(a.pc, 'inbound-rtp');
    const [outB] = await byType(b.pc, 'outbound-rtp');
    expect(inA.packetsReceived as number).toBeGreaterThan(150);
    if (negotiated) {
      expect(inA.nackCount as number).toBeGreaterThan(0);
      expect(outB.retransmittedPacketsSent as number).toBeGreaterThan(0);
    } else {
      expect(inA.nackCount).toBe(0);
      expect(outB.retransmittedPacketsSent).toBe(0);
      expect(inA.packetsLost as number).toBeGreaterThan(0); // the path did lose packets
    }
    const [inB] = await byType(b.pc, 'inbound-rtp');
    // The answerer's side: with nack offered and answered it may NACK; when the offer lacked it, never.
    if (offer === noFeedback) expect(inB.nackCount).toBe(0);
    a.pc.close();
    b.pc.close();
  });
});
