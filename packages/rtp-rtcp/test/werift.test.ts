/**
 * Interoperability with an independent implementation: werift's RTP/RTCP codecs (the npm
 * devDependency, pure TypeScript). Our bytes must decode there and theirs here.
 */
import { describe, expect, it } from 'vitest';
import {
  GenericNack,
  ReceiverEstimatedMaxBitrate,
  RtcpPacketConverter,
  RtcpPayloadSpecificFeedback,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpTransportLayerFeedback,
  RtpHeader,
  RtpPacket,
  TransportWideCC,
} from 'werift';
import { fromHex, toHex } from '@rtcstack/common';
import {
  cnameSdes,
  decodeRtcp,
  decodeRtp,
  encodeRtcp,
  encodeRtp,
  getExtension,
  nackPairsFromSequenceNumbers,
  remb,
  type GenericNack as OurNack,
  type ReceiverReport,
  twccPacketResults,
  type Remb,
  type TransportCcFeedback,
} from '../src/index.ts';

const payload = Uint8Array.from({ length: 160 }, (_, i) => (i * 7) & 0xff);

describe('RTP with werift', () => {
  it('our packet (CSRCs, one-byte extensions, marker) decodes in werift', () => {
    const bytes = encodeRtp({
      marker: true,
      payloadType: 0,
      sequenceNumber: 0xfffe,
      timestamp: 0xfffffff0,
      ssrc: 0xdeadbeef,
      csrcs: [1, 0x80000000],
      extension: { kind: 'one-byte', elements: [{ id: 1, data: fromHex('0102') }, { id: 3, data: fromHex('aa') }] },
      payload,
      padding: 0,
    });
    const p = RtpPacket.deSerialize(Buffer.from(bytes));
    expect(p.header.marker).toBe(true);
    expect(p.header.payloadType).toBe(0);
    expect(p.header.sequenceNumber).toBe(0xfffe);
    expect(p.header.timestamp).toBe(0xfffffff0);
    expect(p.header.ssrc).toBe(0xdeadbeef);
    expect(p.header.csrc).toEqual([1, 0x80000000]);
    expect(p.header.extensionProfile).toBe(0xbede);
    expect(p.header.extensions.map((e) => [e.id, e.payload.toString('hex')])).toEqual([
      [1, '0102'],
      [3, 'aa'],
    ]);
    expect(toHex(p.payload)).toBe(toHex(payload));
  });

  it('werift packets (one-byte and two-byte extensions) decode here', () => {
    for (const [profile, id] of [
      [0xbede, 5],
      [0x1000, 200],
    ] as const) {
      const header = new RtpHeader({
        payloadType: 8,
        sequenceNumber: 4660,
        timestamp: 3_000_000_000,
        ssrc: 0x12345678,
        marker: false,
        extension: true,
        extensionProfile: profile,
        extensions: [{ id, payload: Buffer.from([0x80 | 0x21]) }],
      });
      const bytes = new RtpPacket(header, Buffer.from(payload)).serialize();
      const p = decodeRtp(new Uint8Array(bytes));
      expect(p.payloadType).toBe(8);
      expect(p.sequenceNumber).toBe(4660);
      expect(p.timestamp).toBe(3_000_000_000);
      expect(p.ssrc).toBe(0x12345678);
      expect(p.extension?.kind).toBe(profile === 0xbede ? 'one-byte' : 'two-byte');
      expect(toHex(getExtension(p.extension, id)!)).toBe('a1');
      expect(toHex(p.payload)).toBe(toHex(payload));
    }
  });
});

describe('RTCP with werift', () => {
  it('our SR + SDES compound and our feedback packets decode in werift', () => {
    const bytes = encodeRtcp([
      {
        type: 'sr',
        ssrc: 0x11111111,
        ntpSeconds: 0xe020a2a9,
        ntpFraction: 0x52a53fc0,
        rtpTimestamp: 123456,
        packetCount: 50,
        octetCount: 8000,
        reports: [{ ssrc: 0x22222222, fractionLost: 25, cumulativeLost: 7, highestSequence: 0x10005, jitter: 42, lastSr: 0xa2a952a5, delaySinceLastSr: 65536 }],
      },
      cnameSdes(0x11111111, 'rtcstack@example'),
    ]);
    const ps = RtcpPacketConverter.deSerialize(Buffer.from(bytes));
    expect(ps.map((p) => p.type)).toEqual([200, 202]);
    const sr = ps[0] as unknown as { ssrc: number; senderInfo: { ntpTimestamp: bigint; rtpTimestamp: number; packetCount: number; octetCount: number }; reports: RtcpReceiverInfo[] };
    expect(sr.ssrc).toBe(0x11111111);
    expect(sr.senderInfo.ntpTimestamp).toBe((0xe020a2a9n << 32n) | 0x52a53fc0n);
    expect(sr.senderInfo.rtpTimestamp).toBe(123456);
    expect(sr.senderInfo.packetCount).toBe(50);
    expect(sr.senderInfo.octetCount).toBe(8000);
    expect(sr.reports[0]).toMatchObject({ ssrc: 0x22222222, fractionLost: 25, packetsLost: 7, highestSequence: 0x10005, jitter: 42, lsr: 0xa2a952a5, dlsr: 65536 });
    const sdes = ps[1] as unknown as { chunks: { source: number; items: { type: number; text: string }[] }[] };
    expect(sdes.chunks[0].source).toBe(0x11111111);
    expect(sdes.chunks[0].items[0]).toMatchObject({ type: 1, text: 'rtcstack@example' });

    // Feedback goes one packet per datagram (reduced-size RTCP, as browsers send it): werift's
    // NACK and REMB parsers read to the end of the datagram rather than to the length word.
    const one = (p: Parameters<typeof encodeRtcp>[0][number]) => RtcpPacketConverter.deSerialize(Buffer.from(encodeRtcp([p])))[0];
    const nack = (one({ type: 'nack', senderSsrc: 0x11111111, mediaSsrc: 0x22222222, pairs: nackPairsFromSequenceNumbers([100, 101, 105, 115, 500]) }) as RtcpTransportLayerFeedback).feedback as GenericNack;
    expect(nack.lost).toEqual([100, 101, 105, 115, 500]);
    expect(nack.mediaSourceSsrc).toBe(0x22222222);
    const pli = (one({ type: 'pli', senderSsrc: 0x11111111, mediaSsrc: 0x22222222 }) as RtcpPayloadSpecificFeedback).feedback;
    expect(pli).toMatchObject({ count: 1, senderSsrc: 0x11111111, mediaSsrc: 0x22222222 });
    const rb = (one(remb(0x11111111, 8927168, [0x22222222])) as RtcpPayloadSpecificFeedback).feedback as ReceiverEstimatedMaxBitrate;
    expect(rb.bitrate).toBe(8927168n);
    expect(rb.ssrcFeedbacks).toEqual([0x22222222]);
  });

  it('werift RR, NACK and REMB decode here', () => {
    const rr = new RtcpRrPacket({
      ssrc: 0x33333333,
      reports: [new RtcpReceiverInfo({ ssrc: 0x44444444, fractionLost: 10, packetsLost: 3, highestSequence: 70000, jitter: 99, lsr: 0x12345678, dlsr: 1000 })],
    }).serialize();
    const nack = new RtcpTransportLayerFeedback({
      feedback: new GenericNack({ senderSsrc: 0x33333333, mediaSourceSsrc: 0x44444444, lost: [7, 8, 20, 40] }),
    }).serialize();
    const rembBytes = new RtcpPayloadSpecificFeedback({
      feedback: new ReceiverEstimatedMaxBitrate({ senderSsrc: 0x33333333, mediaSsrc: 0, brExp: 6, brMantissa: 139487, ssrcNum: 1, ssrcFeedbacks: [0x44444444] }),
    }).serialize();
    const ps = decodeRtcp(new Uint8Array(Buffer.concat([rr, nack, rembBytes])));
    expect(ps.map((p) => p.type)).toEqual(['rr', 'nack', 'remb']);
    expect((ps[0] as ReceiverReport).reports[0]).toEqual({
      ssrc: 0x44444444,
      fractionLost: 10,
      cumulativeLost: 3,
      highestSequence: 70000,
      jitter: 99,
      lastSr: 0x12345678,
      delaySinceLastSr: 1000,
    });
    const n = ps[1] as OurNack;
    expect(n.mediaSsrc).toBe(0x44444444);
    expect(n.pairs).toEqual(nackPairsFromSequenceNumbers([7, 8, 20, 40]));
    expect((ps[2] as Remb).bitrate).toBe(8927168);
  });

  it('transport-wide CC feedback: werift and we read the same header and receive deltas', () => {
    // pion/rtcp transport_layer_cc_test.go example6 (see test-vectors/pion-rtcp.json).
    const bytes = fromHex('afcd0007' + '9b74f61f' + '9371dcbc' + '853c0009' + '63f916b3' + 'd5520030' + '9baa6aaa' + '7b010901');
    const theirs = (RtcpPacketConverter.deSerialize(Buffer.from(bytes))[0] as RtcpTransportLayerFeedback).feedback as TransportWideCC;
    const ours = decodeRtcp(bytes)[0] as TransportCcFeedback;
    expect(theirs.baseSequenceNumber).toBe(ours.baseSequence);
    expect(theirs.packetStatusCount).toBe(ours.packetStatusCount);
    expect(theirs.referenceTime).toBe(ours.referenceTime);
    expect(theirs.recvDeltas.map((d) => d.delta)).toEqual(ours.deltas.map((d) => d * 250));
    // (werift's packetResults does not stop at the status count, so per-packet fates are compared
    // with our own expansion in rtcp.test.ts instead.)
    expect(twccPacketResults(ours)).toHaveLength(9);
  });
});
