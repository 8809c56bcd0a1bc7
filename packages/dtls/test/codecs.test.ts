/**
 * Codec tests: records (RFC 6347 §4.1), handshake fragments (§4.2.2-4.2.3), message bodies
 * (RFC 5246 §7.4), extensions. Table cases read like the RFC; fast-check properties check round
 * trips and that random or mutated bytes only ever raise ParseError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, isParseError, toHex } from '@rtcstack/common';
import { ContentType, HandshakeType } from '../src/constants.ts';
import { decodeExtensions, encodeExtensions, useSrtp } from '../src/extensions.ts';
import { decodeHandshakeFragments, encodeHandshakeMessage, fragmentHandshake } from '../src/handshake.ts';
import * as M from '../src/messages.ts';
import { HandshakeReassembler } from '../src/reassembler.ts';
import { decodeRecords, encodeRecord } from '../src/record.ts';
import { ByteReader, ByteWriter } from '@rtcstack/common';

function onlyParseErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isParseError(e)) throw e;
  }
}

describe('record header (RFC 6347 §4.1)', () => {
  it('decodes type, version, epoch, 48-bit sequence number and length', () => {
    const d = fromHex('16 fefd 0001 0000 0000 0102 0003 aabbcc');
    const [r] = decodeRecords(d);
    expect(r).toMatchObject({ type: 22, version: 0xfefd, epoch: 1, sequenceNumber: 0x0102 });
    expect(toHex(r.fragment)).toBe('aabbcc');
  });
  it('reads the full 48 bits of the sequence number', () => {
    const [r] = decodeRecords(fromHex('17 fefd 0000 ffff ffff fffe 0000'));
    expect(r.sequenceNumber).toBe(2 ** 48 - 2);
    expect(toHex(encodeRecord(r))).toBe('17fefd0000fffffffffffe0000');
  });
  it('splits a datagram holding several records (§4.1.1)', () => {
    const d = fromHex('14 fefd 0000 0000 0000 0005 0001 01  16 fefd 0001 0000 0000 0000 0002 beef');
    const rs = decodeRecords(d);
    expect(rs.map((r) => [r.type, r.epoch, toHex(r.fragment)])).toEqual([
      [20, 0, '01'],
      [22, 1, 'beef'],
    ]);
  });
  it.each([
    ['unknown content type', '63 fefd 0000 0000 0000 0000 0000'],
    ['not a DTLS version (TLS 1.2)', '16 0303 0000 0000 0000 0000 0000'],
    ['length past the end', '16 fefd 0000 0000 0000 0000 0005 00'],
    ['truncated header', '16 fefd 0000'],
  ])('rejects %s with ParseError', (_name, hex) => {
    expect(() => decodeRecords(fromHex(hex))).toThrow(/dtls: record/);
  });
  it('property: encode/decode round trip', () => {
    fc.assert(
      fc.property(fc.constantFrom(20, 21, 22, 23), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.uint8Array({ maxLength: 300 }), (type, epoch, seq, frag) => {
        const rec = { type, version: 0xfefd, epoch, sequenceNumber: seq, fragment: frag };
        const [back] = decodeRecords(encodeRecord(rec));
        expect(back).toMatchObject({ type, epoch, sequenceNumber: seq });
        expect(toHex(back.fragment)).toBe(toHex(frag));
      }),
    );
  });
  it('property: random bytes only raise ParseError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => onlyParseErrors(() => decodeRecords(b))));
  });
});

describe('handshake fragments (RFC 6347 §4.2.2, §4.2.3)', () => {
  const body = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
  it('an unfragmented message has fragment_offset 0 and fragment_length = length', () => {
    const m = encodeHandshakeMessage(HandshakeType.finished, 5, body.subarray(0, 12));
    expect(toHex(m.subarray(0, 12))).toBe('14' + '00000c' + '0005' + '000000' + '00000c');
  });
  it('fragments to fit, and reassembles fragments in any order and duplicated', () => {
    fc.assert(
      fc.property(fc.integer({ min: 13, max: 400 }), fc.integer({ min: 0, max: 1000 }), fc.infiniteStream(fc.nat()), (maxBytes, n, rnd) => {
        const b = body.subarray(0, n);
        const frags = fragmentHandshake(HandshakeType.certificate, 3, b, maxBytes);
        for (const f of frags) expect(f.length).toBeLessThanOrEqual(Math.max(maxBytes, 13));
        const decoded = frags.flatMap((f) => decodeHandshakeFragments(f));
        const shuffled = [...decoded, ...decoded.slice(0, 2)].map((f) => ({ f, k: rnd.next().value as number })).sort((x, y) => x.k - y.k).map((x) => x.f);
        const r = new HandshakeReassembler(3);
        for (const f of shuffled) r.add(f);
        const m = r.pop();
        expect(m?.msgType).toBe(HandshakeType.certificate);
        expect(toHex(m!.body)).toBe(toHex(b));
        expect(r.pop()).toBeUndefined();
      }),
    );
  });
  it('hands messages out strictly in message_seq order', () => {
    const r = new HandshakeReassembler(0);
    for (const f of decodeHandshakeFragments(encodeHandshakeMessage(2, 1, Uint8Array.of(1)))) r.add(f);
    expect(r.pop()).toBeUndefined();
    for (const f of decodeHandshakeFragments(encodeHandshakeMessage(1, 0, Uint8Array.of(0)))) r.add(f);
    expect([r.pop()?.messageSeq, r.pop()?.messageSeq, r.pop()]).toEqual([0, 1, undefined]);
  });
  it('ignores old sequence numbers and rejects fragments that disagree on the length', () => {
    const r = new HandshakeReassembler(2);
    r.add({ msgType: 1, length: 3, messageSeq: 1, fragmentOffset: 0, data: Uint8Array.of(1, 2, 3) });
    expect(r.pop()).toBeUndefined();
    r.add({ msgType: 1, length: 4, messageSeq: 2, fragmentOffset: 0, data: Uint8Array.of(1) });
    expect(() => r.add({ msgType: 1, length: 5, messageSeq: 2, fragmentOffset: 1, data: Uint8Array.of(1) })).toThrow(/disagrees/);
  });
  it('rejects a fragment that runs past its message length', () => {
    expect(() => decodeHandshakeFragments(fromHex('01 000002 0000 000001 000002 aabb'))).toThrow(/fragment_length/);
  });
  it('property: random bytes only raise ParseError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (b) => onlyParseErrors(() => decodeHandshakeFragments(b))));
  });
});

const rand32 = Uint8Array.from({ length: 32 }, (_, i) => i);
const samples: [string, (b: Uint8Array) => unknown, Uint8Array][] = [
  ['ClientHello', M.clientHello.decode, M.clientHello.encode({ version: 0xfefd, random: rand32, sessionId: new Uint8Array(0), cookie: Uint8Array.of(9, 9), cipherSuites: [0xc02b, 0xc02f], compressionMethods: [0], extensions: [{ type: 23, data: new Uint8Array(0) }, useSrtp.encode({ profiles: [1, 7], mki: Uint8Array.of(5) })] })],
  ['HelloVerifyRequest', M.helloVerifyRequest.decode, M.helloVerifyRequest.encode({ version: 0xfeff, cookie: rand32 })],
  ['ServerHello', M.serverHello.decode, M.serverHello.encode({ version: 0xfefd, random: rand32, sessionId: rand32, cipherSuite: 0xc02b, compressionMethod: 0, extensions: [{ type: 0xff01, data: Uint8Array.of(0) }] })],
  ['Certificate', M.certificate.decode, M.certificate.encode([new Uint8Array(3000).fill(7), Uint8Array.of(1, 2)])],
  ['ServerKeyExchange', M.serverKeyExchange.decode, M.serverKeyExchange.encode({ namedGroup: 29, publicKey: rand32, signatureScheme: 0x0804, signature: new Uint8Array(256).fill(3) })],
  ['CertificateRequest', M.certificateRequest.decode, M.certificateRequest.encode({ certificateTypes: [64, 1], signatureAlgorithms: [0x0403, 0x0804], authorities: [Uint8Array.of(0x30, 0)] })],
  ['ClientKeyExchange', M.clientKeyExchange.decode, M.clientKeyExchange.encode(new Uint8Array(65).fill(4))],
  ['CertificateVerify', M.certificateVerify.decode, M.certificateVerify.encode({ signatureScheme: 0x0403, signature: new Uint8Array(72).fill(1) })],
  ['Finished', M.finished.decode, M.finished.encode(new Uint8Array(12).fill(0xaa))],
  ['Alert', M.alert.decode, M.alert.encode({ level: 2, description: 42 })],
];

describe('handshake message bodies (RFC 5246 §7.4, RFC 8422 §5.4-5.7)', () => {
  const reencode: Record<string, (v: never) => Uint8Array> = {
    ClientHello: M.clientHello.encode,
    HelloVerifyRequest: M.helloVerifyRequest.encode,
    ServerHello: M.serverHello.encode,
    Certificate: M.certificate.encode,
    ServerKeyExchange: M.serverKeyExchange.encode,
    CertificateRequest: M.certificateRequest.encode,
    ClientKeyExchange: M.clientKeyExchange.encode,
    CertificateVerify: M.certificateVerify.encode,
    Finished: M.finished.encode,
    Alert: M.alert.encode,
  };
  for (const [name, decode, bytes] of samples) {
    it(`${name}: decode then encode gives the same bytes`, () => {
      expect(toHex(reencode[name](decode(bytes) as never))).toBe(toHex(bytes));
    });
    it(`${name}: truncations, extensions and random mutations only raise ParseError`, () => {
      for (let n = 0; n < bytes.length; n++) onlyParseErrors(() => decode(bytes.subarray(0, n)));
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (muts, tail) => {
          const b = new Uint8Array([...bytes, ...tail]);
          for (const [i, v] of muts) b[i % b.length] = v;
          onlyParseErrors(() => decode(b));
        }),
        { numRuns: 200 },
      );
    });
  }
  it('a ClientHello must not repeat an extension (RFC 5246 §7.4.1.4)', () => {
    const w = new ByteWriter(64);
    encodeExtensions(w, [{ type: 23, data: new Uint8Array(0) }, { type: 23, data: new Uint8Array(0) }]);
    expect(() => decodeExtensions(new ByteReader(w.finish(), 'dtls'))).toThrow(/duplicate extension/);
  });
  it('use_srtp: profiles and MKI (RFC 5764 §4.1.1)', () => {
    expect(useSrtp.decode(fromHex('0004 0001 0007 02 abcd'))).toEqual({ profiles: [1, 7], mki: fromHex('abcd') });
    expect(() => useSrtp.decode(fromHex('0003 000100 00'))).toThrow(/use_srtp/);
  });
  it('the content-type table matches RFC 5246 §6.2.1', () => {
    expect(ContentType).toEqual({ change_cipher_spec: 20, alert: 21, handshake: 22, application_data: 23 });
  });
});
