import { seededRandom } from '@rtcstack/common';
import { decodeRtcp, isRtcp } from '@rtcstack/rtp-rtcp';
import { driveCore, Network, type LinkConfig } from '@rtcstack/test-support';
import { describe, expect, it } from 'vitest';
import { AudioReceiver, AudioSender, type AudioFrame } from '../src/media/index.ts';

/**
 * Both peers send and receive, as in a real call: each has one AudioSender and one AudioReceiver
 * sharing its SSRC and socket (rtcp-mux). The receiver's report block rides in the sender's SR
 * (RFC 3550 §6.4.1), so no separate RRs are sent; every RTCP datagram goes to both cores.
 */
function twoWayCall(seed: number, link: Partial<LinkConfig>, periodicReports = false) {
  const net = new Network({ seed, defaultLink: link });
  const peers = (['alice', 'bob'] as const).map((name, i) => {
    const ssrc = 0x1000 + i;
    const receiver = new AudioReceiver({ localSsrc: ssrc, payloadTypes: { 0: 'PCMU', 8: 'PCMA' }, cname: name, periodicReports, random: seededRandom(seed * 10 + i) });
    const sender = new AudioSender({
      ssrc,
      payloadType: i === 0 ? 0 : 8,
      cname: name,
      source: { frequencyHz: i === 0 ? 440 : 660 },
      random: seededRandom(seed * 10 + 5 + i),
      reportBlocks: (now) => {
        const b = receiver.reportBlock(now);
        return b ? [b] : [];
      },
    });
    const sock = net.addHost(name, `10.0.0.${i + 1}`).bind(5000);
    return { name, ssrc, sender, receiver, sock, frames: [] as AudioFrame[], rtcpSeen: [] as Uint8Array[] };
  });
  for (const [me, peer] of [[peers[0], peers[1]], [peers[1], peers[0]]] as const) {
    driveCore(net, me.sock, {
      onDatagram: (now, data) => {
        if (isRtcp(data)) {
          me.rtcpSeen.push(data);
          me.sender.handleRtcp(now, data);
          me.receiver.handleRtcp(now, data);
        } else me.receiver.handleRtp(now, data);
      },
      flush: (send) => {
        for (let o = me.sender.pollOutput(); o; o = me.sender.pollOutput()) send(o.data, peer.sock.local);
        for (let o = me.receiver.pollOutput(); o; o = me.receiver.pollOutput()) {
          if (o.type === 'rtcp') send(o.data, peer.sock.local);
          else me.frames.push(o);
        }
      },
      nextTimeout: () => {
        const a = me.sender.nextTimeout();
        const b = me.receiver.nextTimeout();
        return a === undefined ? b : b === undefined ? a : Math.min(a, b);
      },
      handleTimeout: (now) => {
        me.sender.handleTimeout(now);
        me.receiver.handleTimeout(now);
      },
    });
  }
  return { net, alice: peers[0], bob: peers[1] };
}

describe('a two-way call: reports ride in SRs', () => {
  it('each side plays the other tone and measures the 60 ms RTT from the other SR blocks', () => {
    const { net, alice, bob } = twoWayCall(3, { delayMs: 30 });
    alice.sender.start(0);
    bob.sender.start(0);
    net.run(5_000);
    for (const [me, peer] of [[alice, bob], [bob, alice]] as const) {
      expect(me.frames.length).toBeGreaterThan(240);
      expect(me.receiver.stats()).toMatchObject({ ssrc: peer.ssrc, packetsLost: 0, concealedSamples: 0 });
      expect(me.sender.stats().roundTripTime!).toBeCloseTo(0.06, 3);
      // Every RTCP datagram was SR (+ one report block about me) + SDES: no RRs.
      for (const d of me.rtcpSeen) {
        const [sr, sdes] = decodeRtcp(d);
        expect(sr.type).toBe('sr');
        expect(sdes.type).toBe('sdes');
        if (sr.type === 'sr' && sr.reports.length > 0) expect(sr.reports[0].ssrc).toBe(me.ssrc);
      }
      expect(me.receiver.stats().rtcpPacketsSent).toBe(0);
    }
    // Alice hears Bob's PCMA 660 Hz, Bob hears Alice's PCMU 440 Hz: both about 0.35 of full scale.
    expect(alice.frames.every((f) => f.payloadType === 8)).toBe(true);
    expect(bob.frames.every((f) => f.payloadType === 0)).toBe(true);
    expect(alice.receiver.stats().audioLevel).toBeCloseTo(0.354, 2);
  });

  it('with periodic reports left on, the RR is skipped while the SR carries the block, and resumes when sending stops', () => {
    const { net, alice, bob } = twoWayCall(5, { delayMs: 10 }, true);
    alice.sender.start(0);
    bob.sender.start(0);
    net.run(5_000);
    const kinds = (d: Uint8Array) => decodeRtcp(d)[0].type;
    // At most one RR, if Bob's RR timer fired before his first SR took the block.
    expect(alice.rtcpSeen.slice(1).map(kinds).every((k) => k === 'sr')).toBe(true);
    expect(bob.receiver.stats().rtcpPacketsSent).toBeLessThanOrEqual(1);
    const rrBefore = bob.receiver.stats().rtcpPacketsSent;
    // Bob stops sending (SR + SDES + BYE); from then on his receiver reports in RRs.
    bob.sender.stop(net.now);
    const stoppedAt = net.now;
    net.run(10_000);
    expect(alice.receiver.stats().byeReceived).toBe(true);
    expect(bob.receiver.stats().rtcpPacketsSent - rrBefore).toBeGreaterThanOrEqual(2);
    expect(alice.rtcpSeen.slice(-2).map(kinds)).toEqual(['rr', 'rr']);
    // Alice keeps measuring RTT from Bob's RRs.
    expect(alice.sender.stats().remoteInbound!.reportsReceived).toBeGreaterThan(5);
    expect(alice.sender.stats().roundTripTime!).toBeCloseTo(0.02, 3);
    expect(stoppedAt).toBe(5_000);
  });

  it('with 5% loss both ways, both sides repair with NACKs', () => {
    const { net, alice, bob } = twoWayCall(4, { delayMs: 5, jitterMs: 4, loss: 0.05 });
    alice.sender.start(0);
    bob.sender.start(0);
    net.run(20_000);
    for (const me of [alice, bob]) {
      const rx = me.receiver.stats();
      expect(rx.nackCount).toBeGreaterThan(20);
      expect(rx.packetsLost).toBeLessThanOrEqual(10); // of ~1000, against ~50 without repair
      expect(rx.nackRepaired).toBeGreaterThan(30);
    }
    expect(alice.sender.stats().retransmittedPacketsSent).toBeGreaterThan(30);
    expect(bob.sender.stats().retransmittedPacketsSent).toBeGreaterThan(30);
  });
});
