import { seededRandom, toHex } from '@rtcstack/common';
import {
  decodeRtcp,
  decodeRtp,
  encodeRtcp,
  g711Decode,
  g711Encode,
  nackPairsFromSequenceNumbers,
  SdesItemType,
  ToneGenerator,
  type RtcpPacket,
  type RtpPacket,
} from '@rtcstack/rtp-rtcp';
import { describe, expect, it } from 'vitest';
import { AudioSender, type AudioSenderOutput } from '../src/media/index.ts';
import { ALICE_SSRC, audioCall, BOB_SSRC } from './media-call.ts';

/** Run a sender alone for `ms` and collect what it emits. */
function runSender(sender: AudioSender, ms: number, stepMs = 1): AudioSenderOutput[] {
  const out: AudioSenderOutput[] = [];
  sender.start(0);
  for (let now = 0; now <= ms; now += stepMs) {
    const t = sender.nextTimeout();
    if (t !== undefined && t <= now) sender.handleTimeout(now);
    for (let o = sender.pollOutput(); o; o = sender.pollOutput()) out.push(o);
  }
  return out;
}

function* drain(sender: AudioSender): Generator<AudioSenderOutput> {
  for (let o = sender.pollOutput(); o; o = sender.pollOutput()) yield o;
}

const rtpOf = (outs: AudioSenderOutput[]): RtpPacket[] => outs.filter((o) => o.type === 'rtp').map((o) => decodeRtp(o.data));
const rtcpOf = (outs: AudioSenderOutput[]): RtcpPacket[][] => outs.filter((o) => o.type === 'rtcp').map((o) => decodeRtcp(o.data));

describe('AudioSender on its own', () => {
  it('sends one 20 ms PCMU packet per tick: seq +1, timestamp +160, marker on the first (RFC 3550 §5.1, RFC 3551 §4.1, §4.5.14)', () => {
    const sender = new AudioSender({ ssrc: ALICE_SSRC, payloadType: 0, cname: 'a', random: seededRandom(7) });
    const packets = rtpOf(runSender(sender, 1000));
    expect(packets.length).toBe(51); // t = 0, 20, ..., 1000
    packets.forEach((p, i) => {
      expect(p.ssrc).toBe(ALICE_SSRC);
      expect(p.payloadType).toBe(0);
      expect(p.payload.length).toBe(160);
      expect(p.marker).toBe(i === 0);
      expect(p.sequenceNumber).toBe((packets[0].sequenceNumber + i) & 0xffff);
      expect(p.timestamp).toBe((packets[0].timestamp + 160 * i) >>> 0);
    });
    // The payload is the µ-law encoding of the tone (440 Hz, half scale).
    const tone = new ToneGenerator(440, 8000, 0.5);
    expect(packets[0].payload).toEqual(g711Encode('ulaw', tone.next(160)));
    expect(packets[1].payload).toEqual(g711Encode('ulaw', tone.next(160)));
  });

  it('writes the bytes shown in src/media/README.md (first packet with seededRandom(1), a NACK for two of it)', () => {
    const sender = new AudioSender({ ssrc: 0x11223344, payloadType: 0, cname: 'alice', random: seededRandom(1) });
    sender.start(0);
    const first = sender.pollOutput()!;
    expect(toHex(first.data.subarray(0, 20))).toBe('8080a0969083bc1211223344' + 'ffa99b949090939a');
    const nack = encodeRtcp([{ type: 'nack', senderSsrc: 0x55667788, mediaSsrc: 0x11223344, pairs: nackPairsFromSequenceNumbers([0xa09a, 0xa09c]) }]);
    expect(toHex(nack)).toBe('81cd0003' + '55667788' + '11223344' + 'a09a0002');
  });

  it('PCMA uses A-law', () => {
    const sender = new AudioSender({ ssrc: 1, payloadType: 8, cname: 'a', random: seededRandom(7), source: { frequencyHz: 1000, amplitude: 0.25 } });
    const [p] = rtpOf(runSender(sender, 0));
    expect(p.payloadType).toBe(8);
    expect(p.payload).toEqual(g711Encode('alaw', new ToneGenerator(1000, 8000, 0.25).next(160)));
  });

  it('starts sequence number and timestamp at random values from the injected source (RFC 3550 §5.1)', () => {
    const first = (seed: number) => rtpOf(runSender(new AudioSender({ ssrc: 1, payloadType: 0, cname: 'a', random: seededRandom(seed) }), 0))[0];
    expect(first(1)).toEqual(first(1));
    const a = first(1);
    const b = first(2);
    expect([a.sequenceNumber, a.timestamp]).not.toEqual([b.sequenceNumber, b.timestamp]);
  });

  it('woken late, sends the frames due (at most 5) and skips the rest, marking the resumption', () => {
    const sender = new AudioSender({ ssrc: 1, payloadType: 0, cname: 'a', random: seededRandom(7), rtcpIntervalMs: 1e9 });
    sender.start(0);
    const first = decodeRtp(sender.pollOutput()!.data);
    sender.handleTimeout(100); // frames of 20..100 ms: 5 due
    const late = rtpOf([...drain(sender)]);
    expect(late.map((p) => (p.timestamp - first.timestamp) / 160)).toEqual([1, 2, 3, 4, 5]);
    sender.handleTimeout(1_000); // 45 due: 5 sent, 40 skipped
    const stalled = rtpOf([...drain(sender)]);
    expect(stalled.map((p) => (p.timestamp - first.timestamp) / 160)).toEqual([6, 7, 8, 9, 10]);
    sender.handleTimeout(1_020);
    const [resumed] = rtpOf([...drain(sender)]);
    expect((resumed.timestamp - first.timestamp) / 160).toBe(51);
    expect(resumed.marker).toBe(true);
    expect(resumed.sequenceNumber).toBe((first.sequenceNumber + 11) & 0xffff);
    expect(sender.nextTimeout()).toBe(1_040);
  });

  it('restarts after stop: same stream, marker again, timestamp advanced by the silence (RFC 3550 §5.1)', () => {
    const sender = new AudioSender({ ssrc: 1, payloadType: 0, cname: 'a', random: seededRandom(7) });
    sender.start(0);
    const [a] = rtpOf([...drain(sender)]);
    sender.stop(10);
    expect(rtcpOf([...drain(sender)]).length).toBe(1);
    sender.start(520);
    const [b] = rtpOf([...drain(sender)]);
    expect(b.marker).toBe(true);
    expect(b.sequenceNumber).toBe((a.sequenceNumber + 1) & 0xffff);
    // The next frame was due at 20 ms; it goes at 520 ms: 500 ms = 4000 samples later than +160.
    expect((b.timestamp - a.timestamp) >>> 0).toBe(160 + 4000);
  });

  it('a call survives the sender stopping and starting again', () => {
    const c = audioCall();
    c.sender.start(0);
    c.net.at(2_000, (now) => c.sender.stop(now));
    c.net.at(3_000, (now) => c.sender.start(now));
    c.net.run(5_000);
    const rx = c.receiver.stats();
    expect(rx.byeReceived).toBe(true);
    expect(rx.packetsLost).toBe(0);
    expect(rx.packetsDiscarded).toBe(0);
    // About 2 s before the pause and 2 s after it played; the pause itself was concealed for 1 s, then idle.
    expect(c.frames.filter((f) => !f.concealed).length).toBe(rx.packetsReceived - 3);
    expect(rx.concealedSamples).toBe(8000);
  });

  it('refuses a non-G.711 payload type without an encoder', () => {
    expect(() => new AudioSender({ ssrc: 1, payloadType: 111, cname: 'a' })).toThrow(RangeError);
  });

  it('sends SR + SDES CNAME compounds at randomised ~1 s intervals (RFC 3550 §6.1, §6.3.1, §6.4.1)', () => {
    const sender = new AudioSender({ ssrc: ALICE_SSRC, payloadType: 0, cname: 'alice@example.test', random: seededRandom(3), unixMsAtZero: 0 });
    const outs = runSender(sender, 10_000);
    const compounds = rtcpOf(outs);
    // First after 0.25..0.75 s, then every 0.5..1.5 s: between 7 and 20 in 10 s.
    expect(compounds.length).toBeGreaterThanOrEqual(7);
    expect(compounds.length).toBeLessThanOrEqual(20);
    let rtpBefore = 0;
    for (const o of outs) {
      if (o.type === 'rtp') {
        rtpBefore++;
        continue;
      }
      const [sr, sdes] = decodeRtcp(o.data);
      expect(sr.type).toBe('sr');
      expect(sdes).toEqual({ type: 'sdes', chunks: [{ ssrc: ALICE_SSRC, items: [{ type: SdesItemType.CNAME, text: 'alice@example.test' }] }] });
      if (sr.type !== 'sr') throw new Error('unreachable');
      expect(sr.ssrc).toBe(ALICE_SSRC);
      expect(sr.packetCount).toBe(rtpBefore);
      expect(sr.octetCount).toBe(160 * rtpBefore);
    }
  });

  it('stop() sends SR + SDES + BYE and goes quiet (RFC 3550 §6.6)', () => {
    const sender = new AudioSender({ ssrc: ALICE_SSRC, payloadType: 0, cname: 'a', random: seededRandom(3) });
    runSender(sender, 100);
    sender.stop(100, 'hangup');
    const o = sender.pollOutput();
    expect(o?.type).toBe('rtcp');
    const packets = decodeRtcp(o!.data);
    expect(packets.map((p) => p.type)).toEqual(['sr', 'sdes', 'bye']);
    expect(packets[2]).toEqual({ type: 'bye', ssrcs: [ALICE_SSRC], reason: 'hangup' });
    expect(sender.nextTimeout()).toBeUndefined();
  });
});

describe('a call on a clean network (20 ms each way)', () => {
  it('plays the tone in order after the jitter buffer delay, with nothing lost or concealed', () => {
    const c = audioCall();
    c.sender.start(c.net.now);
    c.net.run(5_000);
    const s = c.receiver.stats();
    const sent = c.sender.stats();
    expect(sent.packetsSent).toBe(251);
    // Everything sent up to 20 ms before the end arrived; frames play 60 ms after arrival.
    expect(s.packetsReceived).toBe(250);
    expect(s.packetsLost).toBe(0);
    expect(s.packetsDiscarded).toBe(0);
    expect(s.concealedSamples).toBe(0);
    expect(c.frames.length).toBe(Math.floor((5_000 - 20 - 60) / 20) + 1);
    // Frames come out in order, 160 samples each, and are the decoded µ-law of what was sent.
    const tone = new ToneGenerator(440, 8000, 0.5);
    c.frames.forEach((f, i) => {
      expect(f.concealed).toBe(false);
      expect(f.rtpTimestamp).toBe((c.frames[0].rtpTimestamp + 160 * i) >>> 0);
      expect(f.samples).toEqual(g711Decode('ulaw', g711Encode('ulaw', tone.next(160))));
    });
    // A half-scale sine: RMS 0.5/√2 of full scale.
    expect(s.audioLevel).toBeCloseTo(0.5 / Math.SQRT2, 2);
    expect(s.totalSamplesReceived).toBe(160 * c.frames.length);
    expect(s.totalSamplesDuration).toBeCloseTo(c.frames.length * 0.02, 6);
    expect(s.jitterBufferDelay / s.jitterBufferEmittedCount).toBeCloseTo(0.06, 6);
    expect(s.jitter).toBe(0);
  });

  it('RR carries loss and jitter; RTT from LSR/DLSR is the 40 ms path (RFC 3550 §6.4.1)', () => {
    const c = audioCall();
    c.sender.start(c.net.now);
    c.net.run(5_000);
    const ri = c.sender.stats().remoteInbound;
    expect(ri).toBeDefined();
    expect(ri!.reportsReceived).toBeGreaterThanOrEqual(3);
    expect(ri!.packetsLost).toBe(0);
    expect(ri!.fractionLost).toBe(0);
    expect(ri!.jitter).toBe(0);
    expect(ri!.roundTripTimeMeasurements).toBeGreaterThanOrEqual(2);
    // Compact NTP has 1/65536 s resolution.
    expect(ri!.roundTripTime!).toBeCloseTo(0.04, 3);
    expect(c.sender.stats().roundTripTime).toBe(ri!.roundTripTime);
    // The receiver saw Alice's SRs: her wall clock (unixMsAtZero + send time) 20 ms before arrival.
    const ro = c.receiver.stats().remoteOutbound!;
    expect(ro.reportsSent).toBeGreaterThanOrEqual(3);
    expect(ro.remoteTimestamp - 1_700_000_000_000).toBeCloseTo(ro.lastReportAt - 20, 0);
    expect(ro.packetsSent).toBeGreaterThan(0);
    expect(ro.bytesSent).toBe(160 * ro.packetsSent);
    expect(c.receiver.stats().lastPacketReceivedAt).toBe(5_000);
    // Bob's RR compounds: RR about Alice's SSRC + SDES CNAME.
    const rr = decodeRtcp(c.aliceRtcpIn[c.aliceRtcpIn.length - 1]);
    expect(rr[0]).toMatchObject({ type: 'rr', ssrc: BOB_SSRC, reports: [{ ssrc: ALICE_SSRC }] });
    expect(rr[1]).toMatchObject({ type: 'sdes', chunks: [{ ssrc: BOB_SSRC, items: [{ text: 'bob@example.test' }] }] });
  });

  it('stops reporting on a source after its BYE, or after 5 intervals of silence (RFC 3550 §6.3.5, §6.3.4)', () => {
    for (const bye of [true, false]) {
      const c = audioCall();
      c.sender.start(0);
      c.net.at(2_000, (now) => {
        if (bye) c.sender.stop(now);
        else c.net.setLinkOneWay('alice', 'bob', { loss: 1 });
      });
      c.net.run(10_000);
      const rrs = c.aliceRtcpIn.map((d) => decodeRtcp(d)[0]).filter((p) => p.type === 'rr');
      const last = rrs[rrs.length - 1];
      const withBlocks = rrs.filter((p) => p.type === 'rr' && p.reports.length > 0).length;
      expect(last).toMatchObject({ type: 'rr', reports: [] });
      // About 2 s of reports with a block; without a BYE, 5 more seconds before the timeout.
      expect(withBlocks).toBeGreaterThanOrEqual(bye ? 1 : 5);
      expect(withBlocks).toBeLessThanOrEqual(bye ? 4 : 12);
      expect(rrs.length - withBlocks).toBeGreaterThanOrEqual(bye ? 5 : 1);
    }
  });

  it('is deterministic: the same seed gives the same call', () => {
    const run = () => {
      const c = audioCall({ seed: 5, link: { jitterMs: 10, loss: 0.05 } });
      c.sender.start(c.net.now);
      c.net.run(3_000);
      return [c.sender.stats(), c.receiver.stats(), c.frames.length];
    };
    expect(run()).toEqual(run());
  });
});
