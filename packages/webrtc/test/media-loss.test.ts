import { decodeRtcp, decodeRtp, encodeRtcp, isRtcp, ReceiverStats } from '@rtcstack/rtp-rtcp';
import { describe, expect, it } from 'vitest';
import { ALICE_SSRC, audioCall, BOB_SSRC } from './media-call.ts';
import { nackRetryIntervalMs } from '../src/media/index.ts';

/** Drop every copy (originals and retransmissions) of the RTP packets whose index from the first is in `indexes`. */
function dropRtpIndexes(c: ReturnType<typeof audioCall>, indexes: readonly number[]): void {
  let first: number | undefined;
  c.net.addFilter((d) => {
    if (d.toNode !== 'bob' || isRtcp(d.data)) return undefined;
    const seq = decodeRtp(d.data).sequenceNumber;
    first ??= seq;
    return indexes.includes((seq - first) & 0xffff) ? 'drop' : undefined;
  });
}

describe('loss repair with generic NACK (RFC 4585 §6.2.1) on a lossy, jittery path', () => {
  // A LAN-like path: 5 ms each way plus up to 5 ms of jitter, so a resend fits in the 60 ms buffer.
  const lossy = { delayMs: 5, jitterMs: 5, loss: 0.05, reorder: 0.02, reorderDelayMs: 25 };

  it('5% loss each way: NACKs bring packets lost after repair near zero', () => {
    const c = audioCall({ seed: 11, link: lossy });
    c.sender.start(c.net.now);
    c.net.run(30_000);
    const rx = c.receiver.stats();
    const tx = c.sender.stats();
    const originals = tx.packetsSent - tx.retransmittedPacketsSent;
    const dropped = c.net.linkStats('alice', 'bob').dropped.loss;
    // About 5% of ~1500 packets (RTP and RTCP) were lost on the way to Bob...
    expect(dropped).toBeGreaterThan(40);
    // ...Bob asked for them and Alice resent them from her history...
    expect(rx.nackCount).toBeGreaterThan(30);
    expect(tx.nackCount).toBeGreaterThan(25);
    expect(tx.retransmittedPacketsSent).toBeGreaterThan(40);
    expect(tx.nackMisses).toBe(0);
    expect(rx.nackRepaired).toBeGreaterThan(40);
    // ...so that what is still missing is well under a percent: a hole stays only when the NACK or
    // the resend is lost too (about 2 × 5% of 5%), since a second try would come after playout.
    expect(rx.packetsLost).toBeGreaterThanOrEqual(0);
    expect(rx.packetsLost).toBeLessThanOrEqual(0.01 * originals);
    expect(rx.packetsLost).toBeLessThan(dropped / 5);
    // Repairs mostly arrive in time to play: little concealment.
    expect(rx.concealedSamples).toBeLessThanOrEqual(0.01 * rx.totalSamplesReceived);
    expect(rx.packetsDiscarded).toBeLessThan(10);
    // Alice's view from Bob's reports agrees with Bob's own.
    const ri = tx.remoteInbound!;
    expect(Math.abs(ri.packetsLost - rx.packetsLost)).toBeLessThanOrEqual(3);
    expect(ri.roundTripTime!).toBeGreaterThan(0.01);
    expect(ri.roundTripTime!).toBeLessThan(0.02);
  });

  it('a resend only helps playout if the buffer covers detection + reorder wait + RTT', () => {
    // 15 ms each way: the hole shows 20 ms late, the NACK waits 10 ms, the resend takes ~35 ms more.
    const path = { delayMs: 15, jitterMs: 5, loss: 0.05 };
    const tight = audioCall({ seed: 1, link: path });
    tight.sender.start(tight.net.now);
    tight.net.run(30_000);
    const t = tight.receiver.stats();
    const dropped = tight.net.linkStats('alice', 'bob').dropped.loss;
    // RFC 3550 counts the resends as received, so little is "lost"...
    expect(t.packetsLost).toBeLessThanOrEqual(dropped / 5);
    // ...but most came after their playout time: discarded, and the hole was concealed anyway.
    expect(t.nackRepaired).toBeGreaterThan(dropped / 2);
    expect(t.packetsDiscarded).toBeGreaterThan(t.nackRepaired * 0.7);
    expect(t.concealedSamples).toBeGreaterThan(160 * dropped * 0.6);
    // A 120 ms buffer leaves time for the resend (and for a second request).
    const roomy = audioCall({ seed: 1, link: path, receiver: { jitterBufferMs: 120 } });
    roomy.sender.start(roomy.net.now);
    roomy.net.run(30_000);
    const r = roomy.receiver.stats();
    expect(r.packetsDiscarded).toBeLessThanOrEqual(3);
    expect(r.concealedSamples).toBeLessThanOrEqual(160 * 3);
    expect(r.packetsLost).toBeLessThanOrEqual(3);
  });

  it('the same path without NACK loses about 5% and conceals it', () => {
    const c = audioCall({ seed: 11, link: lossy, receiver: { nack: false } });
    c.sender.start(c.net.now);
    c.net.run(30_000);
    const rx = c.receiver.stats();
    const sent = c.sender.stats().packetsSent;
    expect(c.sender.stats().retransmittedPacketsSent).toBe(0);
    expect(rx.nackCount).toBe(0);
    expect(rx.packetsLost).toBeGreaterThan(0.03 * sent);
    expect(rx.packetsLost).toBeLessThan(0.07 * sent);
    // Every lost frame becomes 160 samples of silence.
    expect(rx.concealedSamples).toBeGreaterThanOrEqual(160 * (rx.packetsLost - 2));
    expect(rx.concealmentEvents).toBeGreaterThan(0);
    expect(c.frames.filter((f) => f.concealed).every((f) => f.level === 0)).toBe(true);
  });

  it('fraction lost in RRs tracks the loss rate (RFC 3550 §6.4.1, A.3)', () => {
    const c = audioCall({ seed: 4, link: { delayMs: 10, loss: 0.1 }, receiver: { nack: false } });
    const fractions: number[] = [];
    c.sender.start(c.net.now);
    for (let t = 1_000; t <= 40_000; t += 1_000) {
      c.net.run(t);
      const ri = c.sender.stats().remoteInbound;
      if (ri) fractions.push(ri.fractionLost);
    }
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    expect(mean).toBeGreaterThan(0.06);
    expect(mean).toBeLessThan(0.14);
  });

  it('asks for a hole at most maxRequests times, then gives up', () => {
    const c = audioCall({ seed: 2, receiver: { jitterBufferMs: 1_000, nack: { maxRequests: 3, retryIntervalMs: 60 } } });
    dropRtpIndexes(c, [20]);
    c.sender.start(c.net.now);
    c.net.run(3_000);
    const rx = c.receiver.stats();
    expect(rx.nackRequests).toBe(3);
    expect(rx.nackCount).toBe(3);
    expect(rx.nackGaveUp).toBe(1);
    expect(rx.packetsLost).toBe(1);
    // Alice resent it each time (60 ms apart, more than the 40 ms RTT).
    expect(c.sender.stats().retransmittedPacketsSent).toBe(3);
    expect(rx.concealmentEvents).toBe(1);
    expect(rx.concealedSamples).toBe(160);
  });

  it('stops asking once the hole has been played out (concealed)', () => {
    const c = audioCall({ seed: 2, receiver: { jitterBufferMs: 60, nack: { maxRequests: 10, retryIntervalMs: 20 } } });
    dropRtpIndexes(c, [20]);
    c.sender.start(c.net.now);
    c.net.run(3_000);
    const rx = c.receiver.stats();
    // Hole seen when #21 arrives (t = 440 ms); #20 would play at 20 + 60 + 400 = 480 ms:
    // requests at 450 and 470 only, not the 10 allowed.
    expect(rx.nackRequests).toBe(2);
    expect(rx.concealmentEvents).toBe(1);
    expect(rx.nackGaveUp).toBe(0);
  });

  it('a reorder shorter than the reorder wait costs no NACK; the buffer puts packets back in order', () => {
    const reorder = { delayMs: 20, reorder: 0.2, reorderDelayMs: 35 };
    const patient = audioCall({ seed: 9, link: reorder, receiver: { nack: { reorderWaitMs: 40 } } });
    patient.sender.start(patient.net.now);
    patient.net.run(10_000);
    const rx = patient.receiver.stats();
    expect(patient.net.linkStats('alice', 'bob').reordered).toBeGreaterThan(50);
    expect(rx.nackCount).toBe(0);
    expect(rx.packetsLost).toBe(0);
    expect(rx.concealedSamples).toBe(0);
    expect(rx.packetsDiscarded).toBe(0);
    const ts = patient.frames.map((f) => f.rtpTimestamp);
    ts.forEach((t, i) => i > 0 && expect(t).toBe((ts[i - 1] + 160) >>> 0));
    // An impatient receiver (10 ms wait) asks for packets that were only late.
    const eager = audioCall({ seed: 9, link: reorder, receiver: { nack: { reorderWaitMs: 10 } } });
    eager.sender.start(eager.net.now);
    eager.net.run(10_000);
    expect(eager.receiver.stats().nackCount).toBeGreaterThan(20);
    // Alice resends them; the copies come after the originals have played and are discarded.
    expect(eager.sender.stats().retransmittedPacketsSent).toBeGreaterThan(20);
    expect(eager.receiver.stats().packetsDiscarded).toBeGreaterThan(20);
    expect(eager.receiver.stats().concealedSamples).toBe(0);
  });

  it('a packet later than the buffer delay is discarded, counted and concealed', () => {
    const c = audioCall({ seed: 3, receiver: { jitterBufferMs: 40, nack: false } });
    let first: number | undefined;
    c.net.addFilter((d) => {
      if (d.toNode !== 'bob' || isRtcp(d.data)) return undefined;
      const seq = decodeRtp(d.data).sequenceNumber;
      first ??= seq;
      if (((seq - first) & 0xffff) === 10 && !held) {
        held = true;
        // Deliver this copy 100 ms late instead.
        const copy = d.data.slice();
        c.net.after(100, () => c.aliceSock.send(copy, c.bobSock.local));
        return 'drop';
      }
      return undefined;
    });
    let held = false;
    c.sender.start(c.net.now);
    c.net.run(2_000);
    const rx = c.receiver.stats();
    expect(rx.packetsDiscarded).toBe(1);
    expect(rx.packetsLost).toBe(0); // it did arrive, RFC 3550 counts it
    expect(rx.concealedSamples).toBe(160);
  });
});

describe('an outage', () => {
  it('half a second cut: the slots are concealed on time, nothing hopeless is asked for, playout resumes', () => {
    const c = audioCall({ seed: 1 });
    c.net.at(1_990, () => c.net.setLinkOneWay('alice', 'bob', { loss: 1 }));
    c.net.at(2_490, () => c.net.setLinkOneWay('alice', 'bob', { loss: 0 }));
    c.sender.start(c.net.now);
    c.net.run(5_000);
    const rx = c.receiver.stats();
    // Packets sent at 2000..2480 ms never came: 25 slots of silence, one concealment event.
    expect(rx.concealedSamples).toBe(25 * 160);
    expect(rx.concealmentEvents).toBe(1);
    // The output kept its 20 ms cadence all along: no stall during the cut, no burst after it.
    c.frameTimes.forEach((t, i) => expect(t).toBe(c.frameTimes[0] + 20 * i));
    c.frames.forEach((f, i) => expect(f.rtpTimestamp).toBe((c.frames[0].rtpTimestamp + 160 * i) >>> 0));
    // Only the last two holes could still be played when the gap showed (their resends came too late).
    expect(rx.nackRequests).toBeLessThanOrEqual(2);
    expect(rx.packetsLost).toBeGreaterThanOrEqual(23);
    expect(rx.packetsLost).toBeLessThanOrEqual(25);
  });
});

describe('NACK pacing and format', () => {
  /** Drop only the first copy of packet #index, so a retransmission repairs it. */
  function dropFirstCopy(c: ReturnType<typeof audioCall>, index: number): void {
    let first: number | undefined;
    let dropped = false;
    c.net.addFilter((d) => {
      if (d.toNode !== 'bob' || isRtcp(d.data)) return undefined;
      const seq = decodeRtp(d.data).sequenceNumber;
      first ??= seq;
      if (!dropped && ((seq - first) & 0xffff) === index) {
        dropped = true;
        return 'drop';
      }
      return undefined;
    });
  }

  it('without an RTT the receiver re-asks every 50 ms; told the RTT, it waits 1.5 × RTT', () => {
    const run = (rttMs?: number) => {
      const c = audioCall({ seed: 1, link: { delayMs: 75 }, receiver: { jitterBufferMs: 1_000, nack: { maxRequests: 10 } } });
      if (rttMs !== undefined) c.receiver.setRoundTripTime(rttMs);
      dropFirstCopy(c, 50);
      c.sender.start(c.net.now);
      c.net.run(3_000);
      return c;
    };
    // Hole seen at +0; asks at +10, +60, +110; the resend of the first request lands at +160.
    const blind = run();
    expect(blind.receiver.stats()).toMatchObject({ nackRequests: 3, nackRepaired: 1, packetsLost: 0, concealedSamples: 0 });
    // Alice knows the RTT by then (150 ms) and does not resend the repeats within it.
    expect(blind.sender.stats().retransmittedPacketsSent).toBe(1);
    const told = run(150);
    expect(told.receiver.stats()).toMatchObject({ nackRequests: 1, nackRepaired: 1, packetsLost: 0 });
  });

  it.each([
    [1, 50],
    [20, 50],
    [40, 60],
    [150, 225],
  ])('retry interval for RTT %d ms is max(1.5 × RTT, 50 ms) = %d ms', (rtt, want) => {
    expect(nackRetryIntervalMs(rtt)).toBe(want);
  });

  it('a tiny RTT (loopback) does not make the receiver re-ask before a slow resend can land', () => {
    // The path is 30 ms each way but the receiver was told RTT = 2 ms (as on loopback, where the
    // peer's processing time under load is what delays the resend). Hole at +0; asks at +10; the
    // resend lands at +70. With the old 1.25 × RTT / 20 ms floor it asked at +10, +30, +50.
    const c = audioCall({ seed: 1, link: { delayMs: 30 }, receiver: { jitterBufferMs: 1_000, nack: { maxRequests: 10 } } });
    c.receiver.setRoundTripTime(2);
    dropFirstCopy(c, 50);
    c.sender.start(c.net.now);
    c.net.run(3_000);
    expect(c.receiver.stats()).toMatchObject({ nackRequests: 2, nackRepaired: 1, packetsLost: 0 });
  });

  it('NACKs go in RR + SDES compounds (RFC 4585 §3.1), or alone with reduced-size RTCP (RFC 5506)', () => {
    for (const reducedSize of [false, true]) {
      const c = audioCall({ seed: 1, receiver: { reducedSize, periodicReports: false } });
      dropFirstCopy(c, 10);
      c.sender.start(c.net.now);
      c.net.run(1_000);
      expect(c.aliceRtcpIn.length).toBe(1);
      const packets = decodeRtcp(c.aliceRtcpIn[0]);
      expect(packets.map((p) => p.type)).toEqual(reducedSize ? ['nack'] : ['rr', 'sdes', 'nack']);
      expect(packets[packets.length - 1]).toMatchObject({ senderSsrc: BOB_SSRC, mediaSsrc: ALICE_SSRC, pairs: [{ blp: 0 }] });
      expect(c.receiver.stats().packetsLost).toBe(0);
    }
  });
});

describe('jitter and round-trip time from the reports', () => {
  it('interarrival jitter for 0..20 ms uniform delay variation (RFC 3550 A.8)', () => {
    const c = audioCall({ seed: 6, link: { delayMs: 30, jitterMs: 20 }, receiver: { jitterBufferMs: 80 } });
    c.sender.start(c.net.now);
    c.net.run(20_000);
    const rx = c.receiver.stats();
    // E|D| for the difference of two U(0, 20) delays is 20/3 ms; J converges near it.
    expect(rx.jitter).toBeGreaterThan(0.004);
    expect(rx.jitter).toBeLessThan(0.01);
    // Alice reads Bob's jitter (timestamp units / 8000) from the last RR.
    expect(c.sender.stats().remoteInbound!.jitter).toBeGreaterThan(0.004);
    expect(c.sender.stats().remoteInbound!.jitter).toBeLessThan(0.01);
    expect(rx.packetsLost).toBe(0);
    expect(rx.concealedSamples).toBe(0);
  });

  it('NACK resends do not inflate the jitter: 5 ms ± 5 ms path, 5% loss repaired (in-order jitter as libwebrtc)', () => {
    const c = audioCall({ seed: 11, link: { delayMs: 5, jitterMs: 5, loss: 0.05 } });
    // Alongside Bob, a plain RFC 3550 A.8 estimator fed every packet as it arrives.
    const rfc = new ReceiverStats({ ssrc: ALICE_SSRC, clockRate: 8000, minSequential: 1 });
    const handleRtp = c.receiver.handleRtp.bind(c.receiver);
    c.receiver.handleRtp = (now, data) => {
      const p = decodeRtp(data);
      rfc.handleRtp(now, p.sequenceNumber, p.timestamp);
      handleRtp(now, data);
    };
    c.sender.start(c.net.now);
    c.net.run(30_000);
    const rx = c.receiver.stats();
    expect(rx.nackRepaired).toBeGreaterThan(40);
    // E|D| for the difference of two U(0, 5) ms delays is 5/3 ms: Bob reports about that...
    expect(rx.jitter).toBeGreaterThan(0.001);
    expect(rx.jitter).toBeLessThan(0.0025);
    expect(c.sender.stats().remoteInbound!.jitter).toBeLessThan(0.0025);
    // ...while counting the resends, as A.8 is written, reads them as delay variation.
    expect(rfc.jitterMs / 1000).toBeGreaterThan(rx.jitter + 0.001);
  });

  it('RTT follows the path: 2 × 75 ms', () => {
    const c = audioCall({ seed: 8, link: { delayMs: 75 } });
    c.sender.start(c.net.now);
    c.net.run(6_000);
    expect(c.sender.stats().roundTripTime!).toBeCloseTo(0.15, 3);
    expect(c.sender.stats().remoteInbound!.totalRoundTripTime).toBeCloseTo(0.15 * c.sender.stats().remoteInbound!.roundTripTimeMeasurements, 2);
  });
});

describe('PLI and FIR (RFC 4585 §6.3.1, RFC 5104 §4.3.1)', () => {
  it('the receiver asks, the sender acknowledges and counts', () => {
    const c = audioCall({ seed: 1 });
    c.sender.start(c.net.now);
    c.net.run(200);
    c.receiver.requestKeyFrame(c.net.now, 'pli');
    c.receiver.requestKeyFrame(c.net.now, 'fir');
    c.receiver.requestKeyFrame(c.net.now, 'fir');
    c.net.run(400);
    expect(c.receiver.stats()).toMatchObject({ pliCount: 1, firCount: 2 });
    expect(c.sender.stats()).toMatchObject({ pliCount: 1, firCount: 2 });
  });

  it('a repeated FIR sequence number is the same request; feedback for other SSRCs is ignored', () => {
    const c = audioCall();
    const fir = (seq: number, target = ALICE_SSRC) =>
      encodeRtcp([{ type: 'fir', senderSsrc: BOB_SSRC, mediaSsrc: 0, entries: [{ ssrc: target, sequenceNumber: seq }] }]);
    c.sender.handleRtcp(0, fir(7));
    c.sender.handleRtcp(1, fir(7));
    c.sender.handleRtcp(2, fir(8));
    c.sender.handleRtcp(3, fir(9, 0xdeadbeef));
    c.sender.handleRtcp(4, encodeRtcp([{ type: 'pli', senderSsrc: BOB_SSRC, mediaSsrc: 0xdeadbeef }]));
    c.sender.handleRtcp(5, encodeRtcp([{ type: 'pli', senderSsrc: BOB_SSRC, mediaSsrc: ALICE_SSRC }]));
    expect(c.sender.stats()).toMatchObject({ firCount: 2, pliCount: 1, malformedRtcp: 0 });
  });
});
