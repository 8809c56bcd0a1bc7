import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, isParseError, ParseError, toHex } from '@rtcstack/common';
import {
  decodeRtp,
  encodeAudioLevel,
  encodeTransportSequenceNumber,
  parseAudioLevel,
  parseSdesText,
  parseTransportSequenceNumber,
  encodeRtp,
  encodeRtpInto,
  getExtension,
  isRtcp,
  rtpEncodedLength,
  type RtpExtensionBlock,
  type RtpPacket,
} from '../src/index.ts';

const base: RtpPacket = {
  marker: false,
  payloadType: 0,
  sequenceNumber: 0x1234,
  timestamp: 0xdeadbeef,
  ssrc: 0x11223344,
  csrcs: [],
  payload: fromHex('01020304'),
  padding: 0,
};

describe('RTP fixed header (RFC 3550 §5.1)', () => {
  it.each([
    ['V=2 P=0 X=0 CC=0, M=0 PT=0', base, '80001234deadbeef1122334401020304'],
    ['marker and PT 96', { ...base, marker: true, payloadType: 96 }, '80e01234deadbeef1122334401020304'],
    ['two CSRCs (CC=2)', { ...base, csrcs: [0xaaaaaaaa, 0x00000001] }, '82001234deadbeef11223344aaaaaaaa0000000101020304'],
    ['P bit with 4 padding octets', { ...base, padding: 4 }, 'a0001234deadbeef1122334401020304' + '00000004'],
    ['padding-only packet', { ...base, payload: new Uint8Array(0), padding: 8 }, 'a0001234deadbeef11223344' + '0000000000000008'],
    ['empty payload', { ...base, payload: new Uint8Array(0) }, '80001234deadbeef11223344'],
  ] as const)('%s', (_name, p, hex) => {
    const bytes = encodeRtp(p);
    expect(toHex(bytes)).toBe(hex);
    expect(rtpEncodedLength(p)).toBe(bytes.length);
    const d = decodeRtp(bytes);
    expect(d.marker).toBe(p.marker);
    expect(d.payloadType).toBe(p.payloadType);
    expect(d.sequenceNumber).toBe(p.sequenceNumber);
    expect(d.timestamp).toBe(p.timestamp);
    expect(d.ssrc).toBe(p.ssrc);
    expect(d.csrcs).toEqual(p.csrcs);
    expect(toHex(d.payload)).toBe(toHex(p.payload));
    expect(d.padding).toBe(p.padding);
  });

  it('payload is a zero-copy view into the datagram', () => {
    const bytes = encodeRtp(base);
    const d = decodeRtp(bytes);
    expect(d.payload.buffer).toBe(bytes.buffer);
    expect(d.payload.byteOffset).toBe(12);
  });

  it('encodeRtpInto writes at an offset and returns the length', () => {
    const out = new Uint8Array(64).fill(0xff);
    const n = encodeRtpInto(base, out, 10);
    expect(n).toBe(16);
    expect(toHex(out.subarray(10, 26))).toBe(toHex(encodeRtp(base)));
    expect(out[9]).toBe(0xff);
    expect(out[26]).toBe(0xff);
  });
});

describe('malformed RTP is a ParseError naming the field', () => {
  it.each([
    ['11 bytes', '80001234deadbeef112233', 'header'],
    ['version 1', '40001234deadbeef11223344', 'header.version'],
    ['version 3', 'c0001234deadbeef11223344', 'header.version'],
    ['CC=15 with 2 CSRCs present', '8f001234deadbeef11223344aaaaaaaabbbbbbbb', 'csrc'],
    ['X bit, 2 bytes of extension header', '90001234deadbeef11223344bede', 'extension.header'],
    ['extension length past end', '90001234deadbeef11223344bede000210aa0000', 'extension.length'],
    ['padding count 0', 'a0001234deadbeef1122334401020300', 'padding'],
    ['padding longer than the payload', 'a0001234deadbeef1122334401020305', 'padding'],
    ['padding longer than payload with CSRC', 'a1001234deadbeef11223344aaaaaaaa0009', 'padding'],
  ])('%s', (_name, hex, field) => {
    let err: unknown;
    try {
      decodeRtp(fromHex(hex));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).layer).toBe('rtp');
    expect((err as ParseError).field).toBe(field);
  });
});

describe('header extensions (RFC 8285)', () => {
  it('one-byte form: ID 15 stops processing, earlier elements are kept', () => {
    // Elements: id 1 (1 byte aa), then an ID 15 byte, then bytes that would be id 2.
    const p = decodeRtp(fromHex('90001234deadbeef11223344' + 'bede0001' + '10aaf020' + 'ff'));
    expect(p.extension?.kind).toBe('one-byte');
    expect(toHex(getExtension(p.extension, 1)!)).toBe('aa');
    expect(getExtension(p.extension, 2)).toBeUndefined();
    expect(toHex(p.payload)).toBe('ff');
  });

  it.each([
    ['one-byte element longer than its block', 'bede0002' + '10aa' + '1f' + 'bbccdd0000', [[1, 'aa']]],
    ['one-byte ID 0 with a length (not a padding byte)', 'bede0002' + '10aa' + '02' + '0020bb0000', [[1, 'aa']]],
    ['two-byte element longer than its block', '10000002' + '0101aa' + '0205bbcc00', [[1, 'aa']]],
    ['two-byte element with no length byte', '10000001' + '0101aa' + '07', [[1, 'aa']]],
  ])('%s: elements stop there, the packet still decodes (as libwebrtc)', (_name, ext, elements) => {
    const p = decodeRtp(fromHex('90001234deadbeef11223344' + ext + 'ff'));
    expect((p.extension as unknown as { elements: { id: number; data: Uint8Array }[] }).elements.map((e) => [e.id, toHex(e.data)])).toEqual(elements);
    expect(toHex(p.payload)).toBe('ff');
  });

  it('two-byte form keeps appbits (0x100X) and allows 0-byte elements', () => {
    const ext: RtpExtensionBlock = { kind: 'two-byte', appBits: 0xa, elements: [{ id: 200, data: new Uint8Array(0) }, { id: 3, data: fromHex('0102') }] };
    const bytes = encodeRtp({ ...base, extension: ext });
    expect(toHex(bytes.subarray(12, 24))).toBe('100a0002' + 'c8000302' + '01020000');
    const d = decodeRtp(bytes);
    expect(d.extension).toMatchObject({ kind: 'two-byte', appBits: 0xa });
    expect(toHex(getExtension(d.extension, 3)!)).toBe('0102');
  });

  it('encoder refuses what the one-byte form cannot carry', () => {
    const bad = (id: number, len: number) => () =>
      encodeRtp({ ...base, extension: { kind: 'one-byte', elements: [{ id, data: new Uint8Array(len) }] } });
    expect(bad(15, 1)).toThrow(RangeError);
    expect(bad(0, 1)).toThrow(RangeError);
    expect(bad(1, 17)).toThrow(RangeError);
    expect(bad(1, 0)).toThrow(RangeError);
    expect(bad(14, 16)).not.toThrow();
  });

  it('opaque profile data round-trips', () => {
    const p = { ...base, extension: { kind: 'opaque', profile: 0xabcd, data: fromHex('0102030405060708') } as const };
    const d = decodeRtp(encodeRtp(p));
    expect(d.extension).toMatchObject({ kind: 'opaque', profile: 0xabcd });
  });
});

describe('RTP/RTCP demultiplexing (RFC 5761 §4)', () => {
  it('second byte 192..223 is RTCP', () => {
    expect(isRtcp(fromHex('80c8'))).toBe(true); // SR
    expect(isRtcp(fromHex('81cd'))).toBe(true); // RTPFB
    expect(isRtcp(fromHex('8000'))).toBe(false); // PCMU
    expect(isRtcp(fromHex('80e0'))).toBe(false); // PT 96 with marker
    expect(isRtcp(fromHex('80'))).toBe(false);
  });
});

const arbElement1 = fc.record({ id: fc.integer({ min: 1, max: 14 }), data: fc.uint8Array({ minLength: 1, maxLength: 16 }) });
const arbElement2 = fc.record({ id: fc.integer({ min: 1, max: 255 }), data: fc.uint8Array({ minLength: 0, maxLength: 40 }) });
const arbExtension: fc.Arbitrary<RtpExtensionBlock> = fc.oneof(
  fc.record({ kind: fc.constant('one-byte' as const), elements: fc.array(arbElement1, { maxLength: 6 }) }),
  fc.record({ kind: fc.constant('two-byte' as const), appBits: fc.integer({ min: 0, max: 15 }), elements: fc.array(arbElement2, { maxLength: 6 }) }),
  fc.record({
    kind: fc.constant('opaque' as const),
    profile: fc.integer({ min: 0, max: 0xffff }).filter((x) => x !== 0xbede && (x & 0xfff0) !== 0x1000),
    data: fc.integer({ min: 0, max: 8 }).chain((w) => fc.uint8Array({ minLength: 4 * w, maxLength: 4 * w })),
  }),
);
const arbRtp: fc.Arbitrary<RtpPacket> = fc.record({
  marker: fc.boolean(),
  payloadType: fc.integer({ min: 0, max: 127 }),
  sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
  timestamp: fc.integer({ min: 0, max: 0xffffffff }),
  ssrc: fc.integer({ min: 0, max: 0xffffffff }),
  csrcs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
  extension: fc.option(arbExtension, { nil: undefined }),
  payload: fc.uint8Array({ maxLength: 200 }),
  padding: fc.integer({ min: 0, max: 255 }),
});

describe('properties', () => {
  it('decode(encode(p)) == p and encode(decode(b)) == b', () => {
    fc.assert(
      fc.property(arbRtp, (p) => {
        const bytes = encodeRtp(p);
        const d = decodeRtp(bytes);
        expect(d.marker).toBe(p.marker);
        expect(d.payloadType).toBe(p.payloadType);
        expect(d.sequenceNumber).toBe(p.sequenceNumber);
        expect(d.timestamp).toBe(p.timestamp);
        expect(d.ssrc).toBe(p.ssrc);
        expect(d.csrcs).toEqual(p.csrcs);
        expect(d.padding).toBe(p.padding);
        expect(toHex(d.payload)).toBe(toHex(p.payload));
        if (p.extension === undefined) expect(d.extension).toBeUndefined();
        else if (p.extension.kind === 'opaque') expect(d.extension).toMatchObject({ kind: 'opaque', profile: p.extension.profile });
        else
          expect((d.extension as unknown as { elements: { id: number; data: Uint8Array }[] }).elements.map((e) => [e.id, toHex(e.data)])).toEqual(
            p.extension.elements.map((e) => [e.id, toHex(e.data)]),
          );
        expect(toHex(encodeRtp(d))).toBe(toHex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes only ever raise ParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
        try {
          decodeRtp(b);
        } catch (e) {
          if (!isParseError(e)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid packets only ever raise ParseError', () => {
    fc.assert(
      fc.property(arbRtp, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(), (p, muts, cut) => {
        const b = encodeRtp(p);
        for (const [i, v] of muts) b[i % b.length] = v;
        try {
          decodeRtp(b.subarray(0, b.length - (cut % (b.length + 1))));
        } catch (e) {
          if (!isParseError(e)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('browser header extension values', () => {
  it('RFC 6464 audio level: V bit and -dBov (libwebrtc kPacketWithTOAndAL carries 0xda = V=1, level 90)', () => {
    const p = decodeRtp(fromHex('90641234' + '65431278' + '12345678' + 'bede0002' + '120056ce' + '90da0000'));
    expect(parseAudioLevel(getExtension(p.extension, 9)!)).toEqual({ voiceActivity: true, level: 90 });
    expect(toHex(encodeAudioLevel({ voiceActivity: true, level: 90 }))).toBe('da');
    expect(toHex(encodeAudioLevel({ voiceActivity: false, level: 127 }))).toBe('7f');
  });

  it('transport-wide sequence number is 16 bits big-endian', () => {
    expect(parseTransportSequenceNumber(fromHex('0102'))).toBe(258);
    expect(toHex(encodeTransportSequenceNumber(0xfffe))).toBe('fffe');
    expect(() => parseTransportSequenceNumber(fromHex('01'))).toThrow(ParseError);
  });

  it('MID text (libwebrtc kPacketWithMid)', () => {
    const p = decodeRtp(fromHex('90641234' + '65431278' + '12345678' + 'bede0001' + 'b2' + '6d6964'));
    expect(parseSdesText(getExtension(p.extension, 11)!)).toBe('mid');
  });
});
