import { seededRandom } from '@rtcstack/common';
import { encodeRtcp, encodeRtp, type RtpPacket } from '@rtcstack/rtp-rtcp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AudioReceiver, AudioSender } from '../src/media/index.ts';
import { ALICE_SSRC, audioCall, BOB_SSRC } from './media-call.ts';

const receiver = () =>
  new AudioReceiver({ localSsrc: BOB_SSRC, payloadTypes: { 0: 'PCMU', 111: 'opaque' }, cname: 'bob', random: seededRandom(1), nack: false });

const rtp = (seq: number, ts: number, o: Partial<RtpPacket> = {}): Uint8Array =>
  encodeRtp({ marker: false, payloadType: 0, sequenceNumber: seq & 0xffff, timestamp: ts >>> 0, ssrc: ALICE_SSRC, csrcs: [], payload: new Uint8Array(160).fill(0xff), padding: 0, ...o });

describe('malformed input is dropped and counted, never thrown', () => {
  // Each row: what arrives, and why it cannot be parsed (RFC 3550 §5.1, §6.4.1).
  const badRtp: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['shorter than the 12-byte header', new Uint8Array([0x80, 0x00, 0x00, 0x01])],
    ['version 1', Uint8Array.from([0x40, ...rtp(1, 0).subarray(1)])],
    ['CSRC count runs past the end', Uint8Array.from([0x8f, ...rtp(1, 0).subarray(1, 12)])],
    ['padding longer than the packet', Uint8Array.from([0xa0, ...rtp(1, 0).subarray(1, 12), 0xff])],
  ];
  it.each(badRtp)('RTP: %s', (_, bytes) => {
    const r = receiver();
    expect(() => r.handleRtp(0, bytes)).not.toThrow();
    expect(r.stats()).toMatchObject({ malformedRtp: 1, packetsReceived: 0 });
  });

  const goodRr = encodeRtcp([{ type: 'rr', ssrc: BOB_SSRC, reports: [] }]);
  const badRtcp: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['length word past the end', Uint8Array.from([...goodRr.subarray(0, 3), 9])],
    ['trailing bytes after a packet', Uint8Array.from([...goodRr, 0x80, 0xc9])],
    ['version 0', Uint8Array.from([0x00, ...goodRr.subarray(1)])],
    ['NACK without FCI', encodeRtcp([{ type: 'rtpfb', fmt: 1, senderSsrc: BOB_SSRC, mediaSsrc: ALICE_SSRC, fci: new Uint8Array(0) }])],
  ];
  it.each(badRtcp)('RTCP at the sender: %s', (_, bytes) => {
    const s = new AudioSender({ ssrc: ALICE_SSRC, payloadType: 0, cname: 'a', random: seededRandom(1) });
    expect(() => s.handleRtcp(0, bytes)).not.toThrow();
    expect(s.stats()).toMatchObject({ malformedRtcp: 1, nackCount: 0 });
  });
  it.each(badRtcp)('RTCP at the receiver: %s', (_, bytes) => {
    const r = receiver();
    expect(() => r.handleRtcp(0, bytes)).not.toThrow();
    expect(r.stats().malformedRtcp).toBe(1);
  });

  it('random bytes never throw and leave both cores working (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 20 }), (datagrams) => {
        const r = receiver();
        const s = new AudioSender({ ssrc: ALICE_SSRC, payloadType: 0, cname: 'a', random: seededRandom(1) });
        s.start(0);
        datagrams.forEach((d, i) => {
          r.handleRtp(i, d);
          r.handleRtcp(i, d);
          s.handleRtcp(i, d);
        });
        // Still working: a good packet after the garbage is received.
        const before = r.stats().packetsReceived;
        r.handleRtp(100, rtp(5000, 0, { ssrc: r.stats().ssrc ?? ALICE_SSRC }));
        expect(r.stats().packetsReceived).toBe(before + 1);
        s.handleTimeout(20);
        expect(s.stats().packetsSent).toBe(2);
      }),
      { numRuns: 200 },
    );
  });

  it('a tampered datagram in a call is counted, and the call goes on', () => {
    const c = audioCall({ seed: 1 });
    c.sender.start(c.net.now);
    c.net.at(500, () => c.aliceSock.send(new Uint8Array([0x80, 0x00, 0x01]), c.bobSock.local)); // not RTP
    c.net.at(600, () => c.bobSock.send(new Uint8Array([0x80, 0xc9, 0x00, 0x07]), c.aliceSock.local)); // RTCP, truncated
    c.net.run(2_000);
    expect(c.receiver.stats().malformedRtp).toBe(1);
    expect(c.sender.stats().malformedRtcp).toBe(1);
    expect(c.receiver.stats().packetsLost).toBe(0);
    expect(c.frames.length).toBeGreaterThan(90);
  });
});

describe('payload types and sources', () => {
  it('an opaque payload type (Opus) is received and counted but not decoded', () => {
    // A stand-in for Opus: a TOC byte and some bytes (RFC 6716 §3.1 layout is not parsed here).
    const c = audioCall({ seed: 1, sender: { payloadType: 111, encode: () => new Uint8Array([0x78, 1, 2, 3, 4]) } });
    c.sender.start(c.net.now);
    c.net.run(1_000);
    const rx = c.receiver.stats();
    expect(rx.packetsReceived).toBe(50);
    expect(rx.bytesReceived).toBe(50 * 5);
    expect(rx.opaquePacketsReceived).toBe(rx.packetsReceived - 3); // the last 3 still in the buffer
    expect(rx.totalSamplesReceived).toBe(0);
    expect(c.frames).toEqual([]);
  });

  it('an unmapped payload type is counted, kept in the sequence space, not played', () => {
    const r = receiver();
    r.handleRtp(0, rtp(10, 0));
    r.handleRtp(20, rtp(11, 160, { payloadType: 13 })); // CN, not negotiated here
    r.handleRtp(40, rtp(12, 320));
    r.handleTimeout(1_000);
    expect(r.stats()).toMatchObject({ unknownPayloadType: 1, packetsReceived: 3, packetsLost: 0 });
  });

  it('packets from another SSRC are dropped and counted; a configured remote SSRC is enforced', () => {
    const r = new AudioReceiver({ localSsrc: BOB_SSRC, payloadTypes: { 0: 'PCMU' }, cname: 'b', remoteSsrc: ALICE_SSRC, random: seededRandom(1) });
    r.handleRtp(0, rtp(1, 0, { ssrc: 0x12345678 }));
    r.handleRtp(0, rtp(1, 0));
    expect(r.stats()).toMatchObject({ otherSsrc: 1, packetsReceived: 1, ssrc: ALICE_SSRC });
  });

  it('a custom source is packetised as is', () => {
    const s = new AudioSender({ ssrc: 1, payloadType: 0, cname: 'a', random: seededRandom(1), source: { next: (n) => new Int16Array(n) } });
    s.start(0);
    const o = s.pollOutput()!;
    expect(o.type).toBe('rtp');
    expect(o.data.subarray(12)).toEqual(new Uint8Array(160).fill(0xff)); // µ-law silence
  });
});

describe('sequence number and timestamp wrap', () => {
  it('plays across the 16-bit sequence and 32-bit timestamp wrap in order, reordering repaired', () => {
    const r = receiver();
    const frames: number[] = [];
    let concealed = 0;
    const startSeq = 65530;
    const startTs = 2 ** 32 - 3 * 160;
    const order = [0, 1, 2, 3, 5, 4, 6, 7, 9, 8, 10, 11];
    order.forEach((i, k) => r.handleRtp(20 * k, rtp(startSeq + i, startTs + 160 * i)));
    for (let now = 0; now <= 2_000; now += 10) {
      r.handleTimeout(now);
      for (let o = r.pollOutput(); o; o = r.pollOutput()) {
        if (o.type !== 'audio') continue;
        if (o.concealed) concealed++;
        else frames.push(o.rtpTimestamp);
      }
    }
    expect(frames).toEqual(order.map((_, i) => (startTs + 160 * i) >>> 0));
    expect(r.stats()).toMatchObject({ packetsLost: 0, packetsDiscarded: 0 });
    // After the last packet the slots keep coming: up to 1 s of concealment, then the buffer idles.
    expect(concealed).toBe(50);
    expect(r.stats().concealmentEvents).toBe(1);
  });
});

describe('NACK handling at the sender', () => {
  it('resends the exact original bytes; misses are counted; other SSRCs ignored', () => {
    const s = new AudioSender({ ssrc: ALICE_SSRC, payloadType: 0, cname: 'a', random: seededRandom(1), historyMs: 100 });
    s.start(0);
    const sent: Uint8Array[] = [];
    for (let now = 0; now <= 200; now += 20) {
      s.handleTimeout(now);
      for (let o = s.pollOutput(); o; o = s.pollOutput()) if (o.type === 'rtp') sent.push(o.data);
    }
    const seq0 = (sent[0][2] << 8) | sent[0][3];
    const nack = (seqs: number[], media = ALICE_SSRC) =>
      encodeRtcp([{ type: 'nack', senderSsrc: BOB_SSRC, mediaSsrc: media, pairs: seqs.map((q) => ({ pid: (seq0 + q) & 0xffff, blp: 0 })) }]);
    // #9 and #10 are within the 100 ms history at t = 200; #0 is not.
    s.handleRtcp(200, nack([9, 10, 0]));
    const resent = [s.pollOutput(), s.pollOutput(), s.pollOutput()];
    expect(resent[0]).toEqual({ type: 'rtp', data: sent[9], retransmission: true });
    expect(resent[1]).toEqual({ type: 'rtp', data: sent[10], retransmission: true });
    expect(resent[2]).toBeUndefined();
    s.handleRtcp(200, nack([9], 0xdeadbeef));
    expect(s.pollOutput()).toBeUndefined();
    expect(s.stats()).toMatchObject({ nackCount: 1, nackMisses: 1, retransmittedPacketsSent: 2, retransmittedBytesSent: 320, packetsSent: 13 });
  });
  it('RFC 4585 §4.2: with NACK not negotiated (retransmit: false) a NACK is counted, never answered', () => {
    const s = new AudioSender({ ssrc: ALICE_SSRC, payloadType: 0, cname: 'a', random: seededRandom(1), retransmit: false });
    s.start(0);
    const sent: Uint8Array[] = [];
    for (let now = 0; now <= 100; now += 20) {
      s.handleTimeout(now);
      for (let o = s.pollOutput(); o; o = s.pollOutput()) if (o.type === 'rtp') sent.push(o.data);
    }
    const seq0 = (sent[0][2] << 8) | sent[0][3];
    s.handleRtcp(100, encodeRtcp([{ type: 'nack', senderSsrc: BOB_SSRC, mediaSsrc: ALICE_SSRC, pairs: [{ pid: (seq0 + 2) & 0xffff, blp: 0 }] }]));
    expect(s.pollOutput()).toBeUndefined();
    expect(s.stats()).toMatchObject({ nackCount: 1, retransmittedPacketsSent: 0 });
  });
});
