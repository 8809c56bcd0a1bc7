import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, isParseError, ParseError, toHex } from '@rtcstack/common';
import {
  cnameSdes,
  decodeRtcp,
  encodeRtcp,
  nackPairsFromSequenceNumbers,
  nackSequenceNumbers,
  remb,
  SdesItemType,
  twccPacketResults,
  type ReportBlock,
  type RtcpPacket,
  type TransportCcFeedback,
} from '../src/index.ts';
import { plain } from './vectors.ts';

const block: ReportBlock = {
  ssrc: 0xbc5e9a40,
  fractionLost: 64,
  cumulativeLost: -3,
  highestSequence: 0x0001_46e1,
  jitter: 273,
  lastSr: 0x9f36432,
  delaySinceLastSr: 150137,
};

/** One of every kind of packet, built from values. */
const every: RtcpPacket[] = [
  { type: 'sr', ssrc: 1, ntpSeconds: 0xe020a2a9, ntpFraction: 0x52a53fc0, rtpTimestamp: 0x2e48a552, packetCount: 70, octetCount: 4637, reports: [block] },
  { type: 'rr', ssrc: 2, reports: [block, { ...block, ssrc: 7 }] },
  {
    type: 'sdes',
    chunks: [
      { ssrc: 1, items: [{ type: SdesItemType.CNAME, text: 'user@example.com' }, { type: SdesItemType.TOOL, text: 'rtcstack' }] },
      { ssrc: 2, items: [{ type: SdesItemType.PRIV, prefix: 'x-', text: 'ünïcode' }, { type: SdesItemType.NOTE, text: '' }] },
    ],
  },
  { type: 'bye', ssrcs: [1, 2], reason: 'camera off' },
  { type: 'app', subtype: 3, ssrc: 9, name: 'TEST', data: fromHex('01020304') },
  { type: 'nack', senderSsrc: 1, mediaSsrc: 2, pairs: [{ pid: 100, blp: 0x4011 }] },
  { type: 'pli', senderSsrc: 1, mediaSsrc: 2 },
  { type: 'fir', senderSsrc: 1, mediaSsrc: 0, entries: [{ ssrc: 2, sequenceNumber: 7 }] },
  remb(1, 1_500_000, [2, 3]),
  { type: 'rtpfb', fmt: 5, senderSsrc: 1, mediaSsrc: 2, fci: new Uint8Array(0) },
  { type: 'psfb', fmt: 15, senderSsrc: 1, mediaSsrc: 2, fci: fromHex('41424344') },
  { type: 'raw', packetType: 207, count: 0, body: fromHex('0000000105000002deadbeef') },
];

describe('compound RTCP round trip (RFC 3550 §6.1)', () => {
  it('every packet type survives encode -> decode -> encode', () => {
    const bytes = encodeRtcp(every);
    const back = decodeRtcp(bytes);
    expect(plain(back)).toEqual(plain(every));
    expect(toHex(encodeRtcp(back))).toBe(toHex(bytes));
  });

  it('each packet length word is (bytes / 4) - 1', () => {
    const bytes = encodeRtcp(every);
    let at = 0;
    let n = 0;
    while (at < bytes.length) {
      const words = (bytes[at + 2] << 8) | bytes[at + 3];
      at += 4 * (words + 1);
      n++;
    }
    expect(at).toBe(bytes.length);
    expect(n).toBe(every.length);
  });

  it('BYE reason is padded to 32 bits; a BYE without reason has none', () => {
    expect(toHex(encodeRtcp([{ type: 'bye', ssrcs: [0x902f9e2e], reason: 'FOO' }]))).toBe('81cb0002902f9e2e03464f4f');
    expect(toHex(encodeRtcp([{ type: 'bye', ssrcs: [0x902f9e2e], reason: 'F' }]))).toBe('81cb0002902f9e2e01460000');
    expect(toHex(encodeRtcp([{ type: 'bye', ssrcs: [] }]))).toBe('80cb0000');
    expect(decodeRtcp(fromHex('81cb0002902f9e2e03464f4f'))).toEqual([{ type: 'bye', ssrcs: [0x902f9e2e], reason: 'FOO' }]);
  });

  it('SDES CNAME chunk ends with END and null octets to 32 bits', () => {
    // 4 ssrc + 2 + 5 "cname" = 11, END -> 12.
    expect(toHex(encodeRtcp([cnameSdes(1234, 'cname')]))).toBe('81ca0003' + '000004d2' + '0105636e616d65' + '00');
    // 4 + 2 + 6 = 12: END needs a whole extra word.
    expect(toHex(encodeRtcp([cnameSdes(1, 'abcdef')]))).toBe('81ca0004' + '00000001' + '0106616263646566' + '00000000');
  });

  it('REMB encodes the Chrome example exactly (draft-alvestrand-rmcat-remb §2.2)', () => {
    expect(toHex(encodeRtcp([remb(1, 8927168, [1215622422])]))).toBe('8fce0005000000010000000052454d42011a20df4874ed16');
    // libwebrtc remb_unittest.cc Create: 522022 b/s for three SSRCs -> kPacket.
    expect(toHex(encodeRtcp([remb(0x12345678, 522022, [0x23456789, 0x2345678a, 0x2345678b])]))).toBe(
      '8fce0007123456780000000052454d420307fb93234567892345678a2345678b',
    );
    expect(remb(1, 100, []).bitrate).toBe(100);
    expect(remb(1, 2 ** 30, []).mantissa).toBeLessThanOrEqual(0x3ffff);
  });
});

describe('malformed compounds are ParseErrors (length word checked against bytes)', () => {
  const rr = '81c90007' + '902f9e2e' + 'bc5e9a40' + '00000000' + '000046e1' + '00000111' + '09f36432' + '00024a79';
  it.each([
    ['empty datagram', '', 'header'],
    ['version 1', '41c90001902f9e2e', 'header.version'],
    ['length word one too long', '81c90008' + rr.slice(8), 'header.length'],
    ['length word one too short leaves a fragment', '81c90006' + rr.slice(8), 'report'],
    ['second packet truncated', rr + '81ca00', 'header'],
    ['SDES chunk without END', '81ca0002' + '00000001' + '01024141', 'sdes.item.type'],
    ['SDES item longer than the packet', '81ca0002' + '00000001' + '01094141', 'sdes.item.length'],
    ['SDES non-zero octet after END', '81ca0002' + '00000001' + '00010000', 'sdes.chunk.padding'],
    ['SDES invalid UTF-8', '81ca0002' + '00000001' + '0101ff00', 'sdes.item.text'],
    ['SDES extra bytes after the last chunk', '80ca0001' + '00000001', 'sdes'],
    ['BYE reason longer than the packet', '81cb0002' + '902f9e2e' + '09464f4f', 'bye.reason'],
    ['BYE with a word after the reason', '81cb0003' + '902f9e2e' + '01460000' + '00000000', 'bye'],
    ['APP shorter than its name', '80cc0001' + '4baae1ab', 'app.name'],
    ['feedback without media SSRC', '81cd0001' + '902f9e2e', 'feedback.ssrc'],
    ['NACK FCI not whole entries', 'a1cd0003' + '902f9e2e' + '902f9e2e' + 'aaaa0002', 'nack.fci'],
    ['NACK without entries (RFC 4585 §6.2.1)', '81cd0002' + '902f9e2e' + '902f9e2e', 'nack.fci'],
    ['FIR without entries (RFC 5104 §4.3.1.2)', '84ce0002' + '902f9e2e' + '00000000', 'fir.fci'],
    ['APP data not a multiple of 32 bits', 'a0cc0004' + '4baae1ab' + '4e414d45' + '41424344' + '45020202'.slice(0, 6) + '03', 'app.data'],
    ['PLI with FCI', '81ce0003' + '00000000' + '4bc4fcb4' + '00000000', 'pli.fci'],
    ['REMB with wrong Num SSRC', '8fce0005' + '00000001' + '00000000' + '52454d42' + '021a20df' + '4874ed16', 'remb.ssrcs'],
    ['padding count 0', 'a0cb0000'.slice(0, 4) + '0001' + '00000000', 'padding'],
    ['padding on a packet that is not the last (RFC 3550 §6.4.1)', 'a1cb0002' + '902f9e2e' + '00000004' + '80c90001' + '902f9e2e', 'padding'],
    ['TWCC with trailing bytes after deltas', '8fcd0005' + '00000001' + '00000002' + '00000001' + '00000000' + '20010500', 'twcc'],
    ['TWCC reserved symbol in counted range', '8fcd0005' + '00000001' + '00000002' + '00000001' + '00000000' + '60010000', 'twcc.chunk'],
  ])('%s', (_name, hex, field) => {
    let err: unknown;
    try {
      decodeRtcp(fromHex(hex));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).layer).toBe('rtcp');
    expect((err as ParseError).field).toBe(field);
  });

  it('encodeRtcp refuses padding on a packet that is not the last of the compound (RFC 3550 §6.4.1)', () => {
    const bye = { type: 'bye' as const, ssrcs: [1], padding: Uint8Array.of(0, 0, 0, 4) };
    const rr = { type: 'rr' as const, ssrc: 1, reports: [] };
    expect(() => encodeRtcp([bye, rr])).toThrow(RangeError);
    expect(toHex(encodeRtcp([rr, bye]))).toBe('80c90001' + '00000001' + 'a1cb0002' + '00000001' + '00000004');
  });

  it('unknown packet types are skipped by length and kept raw', () => {
    const bytes = fromHex('80c90001' + '00000001' + '83d00002' + 'aabbccdd' + '11223344' + '81cb0001' + '00000001');
    const ps = decodeRtcp(bytes);
    expect(ps.map((p) => p.type)).toEqual(['rr', 'raw', 'bye']);
    expect(ps[1]).toMatchObject({ type: 'raw', packetType: 0xd0, count: 3 });
    expect(toHex((ps[1] as { body: Uint8Array }).body)).toBe('aabbccdd11223344');
    expect(toHex(encodeRtcp(ps))).toBe(toHex(bytes));
  });
});

describe('generic NACK (RFC 4585 §6.2.1)', () => {
  // pion/rtcp transport_layer_nack_test.go TestNackPair and TestTransportLayerNackPairGeneration.
  it.each([
    [{ pid: 42, blp: 0 }, [42]],
    [{ pid: 42, blp: 1 }, [42, 43]],
    [{ pid: 42, blp: 2 }, [42, 44]],
    [{ pid: 42, blp: 3 }, [42, 43, 44]],
    [{ pid: 42, blp: 0x8000 }, [42, 58]],
    [{ pid: 0xfffe, blp: 0x0003 }, [0xfffe, 0xffff, 0]],
  ])('PID/BLP %o expands to %o', (pair, seqs) => {
    expect(nackSequenceNumbers([pair])).toEqual(seqs);
  });

  it.each([
    [[], []],
    [[100], [{ pid: 100, blp: 0 }]],
    [[100, 101, 105, 115], [{ pid: 100, blp: 0x4011 }]],
    [[100, 117, 500, 501, 502], [{ pid: 100, blp: 0 }, { pid: 117, blp: 0 }, { pid: 500, blp: 3 }]],
    [[0xffff, 0, 1], [{ pid: 0xffff, blp: 3 }]],
    // libwebrtc nack_unittest.cc Create (kList -> kPacket) and CreateWrap (kWrapList -> kWrapPacket).
    [[0, 1, 3, 8, 16], [{ pid: 0, blp: 0x8085 }]],
    [
      [0xffdc, 0xffec, 0xfffe, 0xffff, 0x0000, 0x0001, 0x0003, 0x0014, 0x0064],
      [{ pid: 0xffdc, blp: 0x8000 }, { pid: 0xfffe, blp: 0x0017 }, { pid: 0x14, blp: 0 }, { pid: 0x64, blp: 0 }],
    ],
  ])('sequence numbers %o pack to %o', (seqs, pairs) => {
    expect(nackPairsFromSequenceNumbers(seqs)).toEqual(pairs);
  });

  it('packing then expanding gives the sequence numbers back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { maxLength: 60 }), (start, offs) => {
        const seqs = [...offs].sort((a, b) => a - b).map((o) => (start + o) & 0xffff);
        expect(nackSequenceNumbers(nackPairsFromSequenceNumbers(seqs))).toEqual(seqs);
      }),
    );
  });
});

describe('transport-wide CC feedback', () => {
  it('expands to per-packet arrival times (reference time ×64 ms + deltas ×250 µs)', () => {
    const [fb] = decodeRtcp(fromHex('afcd0007' + '9b74f61f' + '9371dcbc' + '853c0009' + '63f916b3' + 'd5520030' + '9baa6aaa' + '7b010901')) as [TransportCcFeedback];
    const r = twccPacketResults(fb);
    expect(r).toHaveLength(9);
    expect(r[0]).toEqual({ sequenceNumber: 34108, received: true, arrivalUs: 6551830 * 64000 + 155 * 250 });
    expect(r[5]).toEqual({ sequenceNumber: 34113, received: false });
    expect(r[6].arrivalUs).toBe(6551830 * 64000 + (155 + 170 + 106 + 170 + 123 + 265) * 250);
    expect(r[8]).toEqual({ sequenceNumber: 34116, received: false });
  });
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const arbBlock: fc.Arbitrary<ReportBlock> = fc.record({
  ssrc: u32,
  fractionLost: fc.integer({ min: 0, max: 255 }),
  cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
  highestSequence: u32,
  jitter: u32,
  lastSr: u32,
  delaySinceLastSr: u32,
});
const words = (max: number) => fc.integer({ min: 0, max }).chain((w) => fc.uint8Array({ minLength: 4 * w, maxLength: 4 * w }));
const text = fc.string({ maxLength: 40 });
const arbPadding = fc.option(
  fc.integer({ min: 1, max: 3 }).map((w) => {
    const p = new Uint8Array(4 * w);
    p[p.length - 1] = p.length;
    return p;
  }),
  { nil: undefined },
);
const arbPacket: fc.Arbitrary<RtcpPacket> = fc.oneof(
  fc.record({ type: fc.constant('sr' as const), ssrc: u32, ntpSeconds: u32, ntpFraction: u32, rtpTimestamp: u32, packetCount: u32, octetCount: u32, reports: fc.array(arbBlock, { maxLength: 3 }) }),
  fc.record({ type: fc.constant('rr' as const), ssrc: u32, reports: fc.array(arbBlock, { maxLength: 3 }), profileExtension: fc.option(words(3).filter((b) => b.length > 0), { nil: undefined }) }),
  fc.record({
    type: fc.constant('sdes' as const),
    chunks: fc.array(fc.record({ ssrc: u32, items: fc.array(fc.record({ type: fc.integer({ min: 1, max: 7 }), text }), { maxLength: 3 }) }), { maxLength: 3 }),
  }),
  fc.record({ type: fc.constant('bye' as const), ssrcs: fc.array(u32, { maxLength: 4 }), reason: fc.option(text, { nil: undefined }) }),
  fc.record({ type: fc.constant('app' as const), subtype: fc.integer({ min: 0, max: 31 }), ssrc: u32, name: fc.constantFrom('NAME', 'TEST', 'abcd'), data: words(3) }),
  fc.record({ type: fc.constant('nack' as const), senderSsrc: u32, mediaSsrc: u32, pairs: fc.array(fc.record({ pid: fc.integer({ min: 0, max: 0xffff }), blp: fc.integer({ min: 0, max: 0xffff }) }), { minLength: 1, maxLength: 4 }) }),
  fc.record({ type: fc.constant('pli' as const), senderSsrc: u32, mediaSsrc: u32 }),
  fc.record({ type: fc.constant('fir' as const), senderSsrc: u32, mediaSsrc: u32, entries: fc.array(fc.record({ ssrc: u32, sequenceNumber: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 3 }) }),
  fc.tuple(u32, fc.integer({ min: 0, max: 2 ** 40 }), fc.array(u32, { maxLength: 3 })).map(([s, b, ss]) => remb(s, b, ss)),
  fc.record({ type: fc.constant('raw' as const), packetType: fc.integer({ min: 207, max: 255 }), count: fc.integer({ min: 0, max: 31 }), body: words(4) }),
);
/** A compound of 1..max packets; only the last may carry padding (RFC 3550 §6.4.1). */
const arbCompound = (maxLength: number): fc.Arbitrary<RtcpPacket[]> =>
  fc
    .array(arbPacket, { minLength: 1, maxLength })
    .chain((ps) => arbPadding.map((padding) => (padding ? [...ps.slice(0, -1), { ...ps[ps.length - 1], padding }] : ps)));

describe('properties', () => {
  it('decode(encode(packets)) == packets and re-encoding is byte-exact', () => {
    fc.assert(
      fc.property(arbCompound(5), (ps) => {
        const bytes = encodeRtcp(ps);
        const back = decodeRtcp(bytes);
        expect(plain(back)).toEqual(plain(ps));
        expect(toHex(encodeRtcp(back))).toBe(toHex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes only ever raise ParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
        // Make most inputs start like RTCP so the parser gets past the first checks.
        if (b.length > 1 && b[0] & 1) b[0] = 0x80 | (b[0] & 0x3f);
        try {
          decodeRtcp(b);
        } catch (e) {
          if (!isParseError(e)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated valid compounds only ever raise ParseError', () => {
    fc.assert(
      fc.property(arbCompound(4), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(), (ps, muts, cut) => {
        const b = encodeRtcp(ps);
        for (const [i, v] of muts) b[i % b.length] = v;
        try {
          decodeRtcp(b.subarray(0, b.length - (cut % 8)));
        } catch (e) {
          if (!isParseError(e)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
