/**
 * The DER reader and writer (X.690 §8, §10, §11): strictness table, writer boundaries, and
 * fast-check properties (round trips; random bytes either parse and re-encode to exactly the
 * same bytes, or raise ParseError).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ParseError, concatBytes, fromHex, toHex } from '@rtcstack/common';
import {
  DerReader,
  TagClass,
  UniversalTag,
  decodeInteger,
  decodeOid,
  decodeString,
  derGeneralizedTime,
  derInteger,
  derOid,
  derSequence,
  derSetOf,
  derTime,
  derTlv,
  derUnsignedInteger,
  derUtcTime,
  derUtf8String,
  encodeDerTree,
  encodeLength,
  integerContents,
  parseDerTree,
  readSingle,
  type TagClassValue,
} from '../src/x509/der.ts';

function parseErrorOf(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw new Error(`expected ParseError, got ${String(e)}`);
  }
  throw new Error('expected ParseError, but it parsed');
}

describe('strict DER: what BER allows and DER does not (X.690 §10, §11)', () => {
  const cases: { name: string; hex: string; field: string; offset: number }[] = [
    { name: 'indefinite length (§10.1)', hex: '3080 020101 0000', field: 'der.length', offset: 1 },
    { name: 'long form for a length below 128 (§10.1)', hex: '3081 03 020101', field: 'der.length', offset: 1 },
    { name: 'length with a leading zero octet (§10.1)', hex: '3082 0003 020101', field: 'der.length', offset: 2 },
    { name: 'length past the end of the data', hex: '3005 020101', field: 'der.length', offset: 0 },
    { name: 'child length past the end of its parent', hex: '3003 020201', field: 'der.0.length', offset: 2 },
    { name: 'trailing byte after the element', hex: '020101 00', field: 'der', offset: 3 },
    { name: 'no length octet', hex: '30', field: 'der.length', offset: 1 },
    { name: 'empty input', hex: '', field: 'der', offset: 0 },
    { name: 'constructed INTEGER (§10.2)', hex: '2203 020101', field: 'der.tag', offset: 0 },
    { name: 'constructed OCTET STRING (§10.2)', hex: '2403 040101', field: 'der.tag', offset: 0 },
    { name: 'primitive SEQUENCE', hex: '1000', field: 'der.tag', offset: 0 },
    { name: 'BOOLEAN TRUE not 0xFF (§11.1)', hex: '010101', field: 'der', offset: 2 },
    { name: 'INTEGER with a redundant 00 (§8.3.2)', hex: '02020001', field: 'der', offset: 2 },
    { name: 'INTEGER with a redundant FF (§8.3.2)', hex: '0202ff80', field: 'der', offset: 2 },
    { name: 'empty INTEGER (§8.3.1)', hex: '0200', field: 'der', offset: 2 },
    { name: 'BIT STRING padding bits set (§11.2.1)', hex: '03020101', field: 'der', offset: 3 },
    { name: 'NULL with contents', hex: '050100', field: 'der', offset: 2 },
    { name: 'OID sub-identifier padded with 0x80 (§8.19.2)', hex: '0603 2a8001', field: 'der', offset: 3 },
    { name: 'UTCTime without seconds (RFC 5280 §4.1.2.5.1)', hex: '170b 393130353036323334355a', field: 'der', offset: 2 },
    { name: 'GeneralizedTime with fractions (RFC 5280 §4.1.2.5.2)', hex: '1811 32303130303130323033303430352e315a', field: 'der', offset: 2 },
    { name: 'PrintableString with "@"', hex: '1303 614062', field: 'der', offset: 2 },
    { name: 'UTF8String that is not UTF-8', hex: '0c02 c328', field: 'der', offset: 2 },
    { name: 'high tag number form for tag 30', hex: '1f1e00', field: 'der.tag', offset: 0 },
  ];
  for (const c of cases) {
    it(`rejects ${c.name}`, () => {
      const e = parseErrorOf(() => parseDerTree(fromHex(c.hex)));
      expect(e.layer).toBe('x509');
      expect(e.field).toBe(c.field);
      expect(e.offset).toBe(c.offset);
    });
  }

  it('rejects nesting deeper than the limit instead of recursing without bound', () => {
    let b = derInteger(1);
    for (let i = 0; i < 40; i++) b = derSequence(b);
    expect(parseErrorOf(() => parseDerTree(b)).reason).toMatch(/nesting deeper/);
    expect(() => parseDerTree(b, 64)).not.toThrow();
  });

  it('DerReader names the field it expected and what it found', () => {
    const r = new DerReader(fromHex('020101'));
    const e = parseErrorOf(() => r.sequence('tbsCertificate'));
    expect(e).toMatchObject({ field: 'tbsCertificate', offset: 0 });
    expect(e.reason).toMatch(/expected SEQUENCE, found INTEGER/);
  });

  it('DerReader.done rejects trailing elements inside a container', () => {
    const r = new DerReader(fromHex('020101 020102'));
    r.integer('a');
    expect(parseErrorOf(() => r.done('seq'))).toMatchObject({ field: 'seq', offset: 3 });
  });
});

describe('the DER writer', () => {
  it('encodes lengths in the shortest form (§8.1.3, §10.1)', () => {
    const table: [number, string][] = [
      [0, '00'],
      [127, '7f'],
      [128, '8180'],
      [255, '81ff'],
      [256, '820100'],
      [65535, '82ffff'],
      [65536, '83010000'],
    ];
    for (const [n, hex] of table) expect(toHex(encodeLength(n))).toBe(hex);
  });

  it('encodes INTEGERs minimally in two’s complement (§8.3)', () => {
    const table: [bigint, string][] = [
      [0n, '00'],
      [1n, '01'],
      [127n, '7f'],
      [128n, '0080'],
      [255n, '00ff'],
      [256n, '0100'],
      [-1n, 'ff'],
      [-128n, '80'],
      [-129n, 'ff7f'],
      [-256n, 'ff00'],
    ];
    for (const [n, hex] of table) expect(toHex(integerContents(n))).toBe(hex);
  });

  it('encodes unsigned serial numbers positive and minimal (RFC 5280 §4.1.2.2)', () => {
    expect(toHex(derUnsignedInteger(fromHex('80')))).toBe('02020080');
    expect(toHex(derUnsignedInteger(fromHex('000001')))).toBe('020101');
    expect(toHex(derUnsignedInteger(fromHex('0000')))).toBe('020100');
  });

  it('uses UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)', () => {
    const last = new Date('2049-12-31T23:59:59Z');
    const first = new Date('2050-01-01T00:00:00Z');
    expect(toHex(derTime(last))).toBe(toHex(derUtcTime(last)));
    expect(derTime(last)[0]).toBe(UniversalTag.utcTime);
    expect(derTime(first)[0]).toBe(UniversalTag.generalizedTime);
    expect(derTime(new Date('1949-12-31T23:59:59Z'))[0]).toBe(UniversalTag.generalizedTime);
    expect(derTime(new Date('1950-01-01T00:00:00Z'))[0]).toBe(UniversalTag.utcTime);
    expect(() => derUtcTime(first)).toThrow(RangeError);
  });

  it('reads UTCTime YY >= 50 as 19YY and YY < 50 as 20YY (RFC 5280 §4.1.2.5.1)', () => {
    const read = (s: string): string => new DerReader(derTlv(TagClass.universal, false, UniversalTag.utcTime, new TextEncoder().encode(s))).time('t').toISOString();
    expect(read('500101000000Z')).toBe('1950-01-01T00:00:00.000Z');
    expect(read('491231235959Z')).toBe('2049-12-31T23:59:59.000Z');
    expect(read('000229120000Z')).toBe('2000-02-29T12:00:00.000Z');
    expect(() => read('010229120000Z')).toThrow(ParseError);
  });

  it('sorts SET OF elements by their encodings (X.690 §11.6)', () => {
    const a = derInteger(2);
    const b = derInteger(1);
    expect(toHex(derSetOf(a, b))).toBe('3106020101020102');
  });

  it('encodes OIDs with the first two arcs combined (§8.19.4)', () => {
    expect(toHex(derOid('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302');
    expect(toHex(derOid('2.5.4.3'))).toBe('0603550403');
    expect(() => derOid('3.1')).toThrow(RangeError);
    expect(() => derOid('1.40')).toThrow(RangeError);
  });
});

// ------------------------------------------------------------------------------------------
// Properties

/** A DER value to build: primitive universal values that encode uniquely, or containers. */
type Spec =
  | { kind: 'int'; v: bigint }
  | { kind: 'oid'; v: string }
  | { kind: 'utf8'; v: string }
  | { kind: 'octets'; v: Uint8Array }
  | { kind: 'time'; v: Date }
  | { kind: 'ctx'; tag: number; cls: TagClassValue; v: Uint8Array }
  | { kind: 'seq'; items: Spec[] }
  | { kind: 'set'; items: Spec[] }
  | { kind: 'explicit'; tag: number; inner: Spec };

const oidArb = fc
  .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(fc.bigInt({ min: 0n, max: 2n ** 70n }), { maxLength: 8 }))
  .map(([a, b, rest]) => [a, b, ...rest].join('.'));
const secondsDate = fc
  .integer({ min: Date.UTC(1950, 0, 1) / 1000, max: Date.UTC(9999, 11, 31, 23, 59, 59) / 1000 })
  .map((s) => new Date(s * 1000));

const specArb: fc.Arbitrary<Spec> = fc.letrec<{ spec: Spec }>((tie) => ({
  spec: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }).map((v): Spec => ({ kind: 'int', v })),
    oidArb.map((v): Spec => ({ kind: 'oid', v })),
    fc.string({ unit: 'grapheme', maxLength: 20 }).map((v): Spec => ({ kind: 'utf8', v })),
    fc.uint8Array({ maxLength: 300 }).map((v): Spec => ({ kind: 'octets', v })),
    secondsDate.map((v): Spec => ({ kind: 'time', v })),
    fc
      .record({ tag: fc.integer({ min: 0, max: 200 }), cls: fc.constantFrom<TagClassValue>(1, 2, 3), v: fc.uint8Array({ maxLength: 40 }) })
      .map((r): Spec => ({ kind: 'ctx', ...r })),
    fc.array(tie('spec'), { maxLength: 4 }).map((items): Spec => ({ kind: 'seq', items })),
    fc.array(tie('spec'), { maxLength: 4 }).map((items): Spec => ({ kind: 'set', items })),
    fc.record({ tag: fc.integer({ min: 0, max: 30 }), inner: tie('spec') }).map((r): Spec => ({ kind: 'explicit', ...r })),
  ),
})).spec;

function build(s: Spec): Uint8Array {
  switch (s.kind) {
    case 'int':
      return derInteger(s.v);
    case 'oid':
      return derOid(s.v);
    case 'utf8':
      return derUtf8String(s.v);
    case 'octets':
      return derTlv(TagClass.universal, false, UniversalTag.octetString, s.v);
    case 'time':
      return derTime(s.v);
    case 'ctx':
      return derTlv(s.cls, false, s.tag, s.v);
    case 'seq':
      return derSequence(...s.items.map(build));
    case 'set':
      return derSetOf(...s.items.map(build));
    case 'explicit':
      return derTlv(TagClass.context, true, s.tag, build(s.inner));
  }
}

describe('DER properties (fast-check)', () => {
  it('INTEGER: decode(encode(n)) = n for any bigint', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 600n), max: 2n ** 600n }), (n) => {
        const tlv = derInteger(n);
        const e = readSingle(tlv, 'n');
        expect(decodeInteger(e.value, 'n', 2)).toBe(n);
      }),
    );
  });

  it('OBJECT IDENTIFIER: decode(encode(oid)) = oid', () => {
    fc.assert(
      fc.property(oidArb, (oid) => {
        const e = readSingle(derOid(oid), 'oid');
        expect(decodeOid(e.value, 'oid', e.headerLength)).toBe(oid);
      }),
    );
  });

  it('UTF8String: decode(encode(s)) = s', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        const e = readSingle(derUtf8String(s), 's');
        expect(decodeString(e.tagNumber, e.value, 's', e.headerLength)).toBe(s);
      }),
    );
  });

  it('Time: RFC 5280 encoding reads back the same instant, UTCTime and GeneralizedTime alike', () => {
    fc.assert(
      fc.property(secondsDate, (d) => {
        expect(new DerReader(derTime(d)).time('t').getTime()).toBe(d.getTime());
        expect(new DerReader(derGeneralizedTime(d)).time('t').getTime()).toBe(d.getTime());
      }),
    );
  });

  it('trees: what we encode parses strictly and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(specArb, (s) => {
        const der = build(s);
        expect(toHex(encodeDerTree(parseDerTree(der)))).toBe(toHex(der));
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes: either ParseError, or valid DER that re-encodes to exactly the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        let tree;
        try {
          tree = parseDerTree(b);
        } catch (e) {
          expect(e).toBeInstanceOf(ParseError);
          return;
        }
        expect(toHex(encodeDerTree(tree))).toBe(toHex(b));
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated valid DER: either ParseError, or re-encodes to exactly the mutated bytes', () => {
    fc.assert(
      fc.property(specArb, fc.nat(), fc.integer({ min: 0, max: 255 }), (s, pos, val) => {
        const der = build(s);
        const m = der.slice();
        m[pos % m.length] = val;
        for (const input of [m, der.subarray(0, pos % der.length), concatBytes(der, Uint8Array.of(val))]) {
          try {
            expect(toHex(encodeDerTree(parseDerTree(input)))).toBe(toHex(input));
          } catch (e) {
            if (!(e instanceof ParseError)) throw e;
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
