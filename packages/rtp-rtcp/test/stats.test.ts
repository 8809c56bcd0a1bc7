import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compactNtpToMs,
  decodeRtcp,
  encodeRtcp,
  msToCompactNtp,
  ntpFromUnixMs,
  ntpMiddle32,
  ReceiverStats,
  roundTripCompact,
  SenderStats,
  type ReceiverReport,
  type SenderReport,
} from '../src/index.ts';

/** Feed (seq, ts, arrival ms) triples; returns the validity of each. */
function feed(s: ReceiverStats, pkts: [seq: number, ts: number, now: number][]): boolean[] {
  return pkts.map(([seq, ts, now]) => s.handleRtp(now, seq, ts));
}

const seqs = (from: number, n: number) => Array.from({ length: n }, (_, i) => (from + i) & 0xffff);

describe('sequence validation and extended highest sequence (RFC 3550 A.1)', () => {
  it('the first packet only starts probation (MIN_SEQUENTIAL = 2)', () => {
    const s = new ReceiverStats({ ssrc: 1, clockRate: 8000 });
    expect(feed(s, [[100, 0, 0], [101, 160, 20], [102, 320, 40]])).toEqual([false, true, true]);
    expect(s.received).toBe(2);
    expect(s.expected).toBe(2); // base_seq is the packet that ended probation
    expect(s.cumulativeLost).toBe(0);
  });

  it('out-of-order packets during probation restart it', () => {
    const s = new ReceiverStats({ ssrc: 1, clockRate: 8000 });
    expect(feed(s, [[100, 0, 0], [105, 0, 1], [106, 0, 2]])).toEqual([false, false, true]);
  });

  it('minSequential 1 accepts the first packet', () => {
    const s = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1 });
    expect(s.handleRtp(0, 7, 0)).toBe(true);
    expect(s.expected).toBe(1);
  });

  it('counts wrap-arounds: 65533..65535, 0..4 gives extended highest 65536 + 4', () => {
    const s = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1 });
    feed(s, [...seqs(65533, 8)].map((q, i) => [q, i * 160, i * 20]));
    expect(s.extendedHighestSequence).toBe(65536 + 4);
    expect(s.expected).toBe(8);
    expect(s.received).toBe(8);
    expect(s.reportBlock(200).highestSequence).toBe(0x0001_0004);
  });

  it('a packet from before the wrap, arriving after it, does not count another cycle', () => {
    const s = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1 });
    feed(s, [[65534, 0, 0], [0, 320, 40], [65535, 160, 41], [1, 480, 60]]);
    expect(s.extendedHighestSequence).toBe(65536 + 1);
    expect(s.cumulativeLost).toBe(0);
  });

  it('a jump of more than MAX_DROPOUT is invalid until two sequential packets confirm it', () => {
    const s = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1 });
    feed(s, [[10, 0, 0], [11, 0, 1]]);
    expect(s.handleRtp(2, 20000, 0)).toBe(false);
    expect(s.handleRtp(3, 20001, 0)).toBe(true); // seq == bad_seq: the sender restarted
    expect(s.extendedHighestSequence).toBe(20001);
    expect(s.received).toBe(1);
  });

  it('duplicates count as received, so cumulative lost can go negative (A.3)', () => {
    const s = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1 });
    feed(s, [[1, 0, 0], [2, 0, 0], [2, 0, 0], [2, 0, 0]]);
    expect(s.cumulativeLost).toBe(-2);
    expect(s.reportBlock(0).cumulativeLost).toBe(-2);
  });
});

describe('loss (RFC 3550 A.3)', () => {
  it('cumulative lost and fraction lost over each report interval', () => {
    const s = new ReceiverStats({ ssrc: 0xabc, clockRate: 8000, minSequential: 1 });
    // Interval 1: seq 0..9 expected, 3 and 7 lost.
    for (const q of seqs(0, 10)) if (q !== 3 && q !== 7) s.handleRtp(q * 20, q, q * 160);
    const b1 = s.reportBlock(200);
    expect(b1.cumulativeLost).toBe(2);
    expect(b1.fractionLost).toBe(Math.floor((2 * 256) / 10)); // 51 = 20%
    // Interval 2: 10..19, nothing lost: fraction back to 0, cumulative stays 2.
    for (const q of seqs(10, 10)) s.handleRtp(q * 20, q, q * 160);
    const b2 = s.reportBlock(400);
    expect(b2.cumulativeLost).toBe(2);
    expect(b2.fractionLost).toBe(0);
    // Interval 3: no packets at all: fraction 0 (expected_interval == 0).
    expect(s.reportBlock(600).fractionLost).toBe(0);
  });

  it('fraction is 0 when duplicates outnumber losses in the interval', () => {
    const s = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1 });
    feed(s, [[0, 0, 0], [1, 0, 0], [1, 0, 0], [3, 0, 0], [3, 0, 0]]);
    expect(s.reportBlock(0).fractionLost).toBe(0);
  });
});

describe('loss under a flood of gaps', () => {
  it('fraction lost stays in 0..255 when millions are lost in one interval (no 32-bit overflow)', () => {
    const rx = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1 });
    // Every packet jumps 2999 ahead (just under MAX_DROPOUT): 4000 received, ~12 million lost.
    for (let i = 0, seq = 0; i < 4000; i++, seq = (seq + 2999) & 0xffff) rx.handleRtp(i, seq, i * 160);
    const b = rx.reportBlock(5000);
    // expected = 3999 × 2999 + 1 = 11993002, lost = expected - 4000: 256 × lost / expected = 255.9…
    expect(b.highestSequence).toBe(11993001);
    expect(b.fractionLost).toBe(255);
    expect(b.cumulativeLost).toBe(0x7fffff); // clamped to the 24-bit field
  });
});

describe('interarrival jitter (RFC 3550 A.8 / §6.4.1)', () => {
  it('worked example: 20 ms packets, one arrives 5 ms late', () => {
    // G.711: 160 timestamp units per 20 ms at 8 kHz. Arrivals 0, 20, 45, 60 ms.
    // transit (units): 0-0=0, 160-160=0, 360-320=40, 480-480=0
    // D: 0, 40, 40   J: 0 -> 0 + (0-0)/16 = 0 -> 0 + (40-0)/16 = 2.5 -> 2.5 + (40-2.5)/16 = 4.84375
    const s = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1 });
    feed(s, [[1, 0, 0], [2, 160, 20]]);
    expect(s.jitter).toBe(0);
    feed(s, [[3, 320, 45]]);
    expect(s.jitter).toBe(2.5);
    feed(s, [[4, 480, 60]]);
    expect(s.jitter).toBeCloseTo(4.84375, 10);
    expect(s.reportBlock(60).jitter).toBe(4); // truncated to an integer in the report
    expect(s.jitterMs).toBeCloseTo(4.84375 / 8, 10);
  });

  it('steady packets have zero jitter, across an RTP timestamp wrap', () => {
    const s = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1 });
    const ts0 = 0xffffffff - 400;
    for (let i = 0; i < 10; i++) s.handleRtp(1000 + i * 20, i, (ts0 + i * 160) >>> 0);
    expect(s.jitter).toBe(0);
  });

  it('converges to |D| when every packet is off by the same amount alternately', () => {
    const s = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1 });
    for (let i = 0; i < 400; i++) s.handleRtp(i * 20 + (i % 2 ? 5 : 0), i, i * 160);
    expect(s.jitter).toBeCloseTo(40, 3); // 5 ms = 40 units
  });
});

describe('jitter from in-order packets only (jitterInOrderOnly, as libwebrtc)', () => {
  // 20 ms packets on a steady path; packet 3 is lost and resent, arriving 60 ms late (after 5).
  // As A.8 is written the late copy reads as D = 60 ms - 0 = 480 units, then again on the next.
  const arrivals: [seq: number, ts: number, now: number][] = [
    [1, 0, 0], [2, 160, 20], [4, 480, 60], [5, 640, 80], [3, 320, 100], [6, 800, 100], [7, 960, 120],
  ];

  it('the RFC code counts a resent packet as delay variation', () => {
    const s = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1 });
    feed(s, arrivals);
    // D = 480 at the resend (J = 30), then 480 again back to the steady transit (J = 58.125).
    expect(s.jitter).toBeCloseTo(30 + (480 - 30) / 16 - (30 + (480 - 30) / 16) / 16, 10);
    expect(s.jitterSkipped).toBe(0);
  });

  it('jitterInOrderOnly leaves the resend out: a steady path stays at zero', () => {
    const s = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1, jitterInOrderOnly: true });
    expect(feed(s, arrivals)).toEqual([true, true, true, true, true, true, true]);
    expect(s.jitter).toBe(0);
    expect(s.jitterSkipped).toBe(1);
    // Sequence accounting is unchanged: the resend still counts as received.
    expect(s.received).toBe(7);
    expect(s.cumulativeLost).toBe(0);
  });

  it('a copy of the highest packet is skipped too, and the next in-order packet measures against the last in-order one', () => {
    const s = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1, jitterInOrderOnly: true });
    feed(s, [[1, 0, 0], [2, 160, 20], [2, 160, 45]]);
    expect(s.jitter).toBe(0);
    expect(s.jitterSkipped).toBe(1);
    feed(s, [[3, 320, 45]]); // 5 ms late against packet 2 at 20 ms: D = 40 units
    expect(s.jitter).toBe(2.5);
  });

  it('in-order arrivals give the same jitter with or without the option', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 2, maxLength: 60 }), (delays) => {
        const a = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1 });
        const b = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1, jitterInOrderOnly: true });
        delays.forEach((d, i) => {
          a.handleRtp(i * 20 + d, i, i * 160);
          b.handleRtp(i * 20 + d, i, i * 160);
        });
        expect(b.jitter).toBe(a.jitter);
        expect(b.jitterSkipped).toBe(0);
      }),
    );
  });
});

describe('NTP timestamps, LSR/DLSR and RTT (RFC 3550 §6.4.1)', () => {
  it('NTP from Unix time', () => {
    // 1970-01-01 is 2208988800 s after 1900-01-01.
    expect(ntpFromUnixMs(0)).toEqual({ seconds: 2208988800, fraction: 0 });
    expect(ntpFromUnixMs(1500)).toEqual({ seconds: 2208988801, fraction: 0x80000000 });
  });

  it('the RFC Figure 2 example: LSR 0xb705:2000, DLSR 5.25 s, A 0xb710:8000 -> 6.125 s', () => {
    const lsr = ntpMiddle32(0xb44db705, 0x20000000);
    expect(lsr).toBe(0xb7052000);
    expect(roundTripCompact(0xb7108000, lsr, 0x00054000)).toBe(0x00062000);
    expect(compactNtpToMs(0x00062000)).toBe(6125);
    expect(roundTripCompact(0xb7108000, 0, 0x00054000)).toBeUndefined();
  });

  it('SR builder maps NTP time to the RTP clock and counts what was sent', () => {
    const unix = 1_700_000_000_000;
    const tx = new SenderStats({ ssrc: 0x1111, clockRate: 8000, unixMsAtZero: unix });
    tx.handleRtpSent(0, 1000, 160);
    tx.handleRtpSent(20, 1160, 160);
    const sr = tx.buildSenderReport(120);
    expect(sr.packetCount).toBe(2);
    expect(sr.octetCount).toBe(320);
    expect(sr.rtpTimestamp).toBe(1160 + 100 * 8); // 100 ms after the last packet at 8 kHz
    expect(sr.ntpSeconds).toBe(1_700_000_000 + 2208988800);
    expect(sr.ntpFraction).toBe(Math.floor(0.12 * 2 ** 32));
  });

  it('RTT from an SR/RR exchange over a path with 30 ms each way and 250 ms hold', () => {
    const tx = new SenderStats({ ssrc: 0xaaaa, clockRate: 8000, unixMsAtZero: 1_700_000_000_000 });
    const rx = new ReceiverStats({ ssrc: 0xaaaa, clockRate: 8000, minSequential: 1 });
    // Sender clock: SR leaves at 1000. Receiver clock is unrelated (offset 123456 ms).
    const srBytes = encodeRtcp([tx.buildSenderReport(1000)]);
    const [sr] = decodeRtcp(srBytes) as [SenderReport];
    rx.handleSenderReport(123456 + 1030, sr);
    const rrBytes = encodeRtcp([{ type: 'rr', ssrc: 0xbbbb, reports: [rx.reportBlock(123456 + 1280)] }]);
    const [rr] = decodeRtcp(rrBytes) as [ReceiverReport];
    expect(rr.reports[0].lastSr).toBe(ntpMiddle32(sr.ntpSeconds, sr.ntpFraction));
    expect(rr.reports[0].delaySinceLastSr).toBe(msToCompactNtp(250));
    const rtt = tx.handleReportBlock(1310, rr.reports[0]);
    expect(rtt).toBeDefined();
    expect(Math.abs(rtt! - 60)).toBeLessThan(0.1); // compact NTP resolution is ~15 µs
    expect(tx.rttMs).toBe(rtt);
  });

  it('report blocks about another SSRC, or without an SR echo, give no RTT', () => {
    const tx = new SenderStats({ ssrc: 1, clockRate: 8000, unixMsAtZero: 0 });
    const b = { ssrc: 2, fractionLost: 0, cumulativeLost: 0, highestSequence: 0, jitter: 0, lastSr: 5, delaySinceLastSr: 0 };
    expect(tx.handleReportBlock(0, b)).toBeUndefined();
    expect(tx.handleReportBlock(0, { ...b, ssrc: 1, lastSr: 0 })).toBeUndefined();
  });
});

describe('properties (A.1 / A.3)', () => {
  it('in-order arrivals with gaps, across wraps: highest, expected and lost are exact', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 300 }), (start, steps) => {
        const s = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1 });
        let off = 0;
        s.handleRtp(0, start, 0);
        for (const d of steps) {
          off += d;
          expect(s.handleRtp(off, (start + off) & 0xffff, off * 160)).toBe(true);
        }
        expect(s.extendedHighestSequence).toBe(start + off);
        expect(s.expected).toBe(off + 1);
        expect(s.cumulativeLost).toBe(off + 1 - (steps.length + 1));
      }),
    );
  });

  it('reordering within a small window changes nothing at the end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 20, max: 200 }), fc.array(fc.nat(), { maxLength: 40 }), (start, n, swaps) => {
        const order = Array.from({ length: n }, (_, i) => i);
        for (const k of swaps) {
          const i = 1 + (k % (n - 2)); // keep the first packet first
          [order[i], order[i + 1]] = [order[i + 1], order[i]];
        }
        const s = new ReceiverStats({ ssrc: 1, clockRate: 8000, minSequential: 1 });
        order.forEach((o, t) => s.handleRtp(t * 20, (start + o) & 0xffff, o * 160));
        expect(s.extendedHighestSequence).toBe(start + n - 1);
        expect(s.cumulativeLost).toBe(0);
      }),
    );
  });
});
