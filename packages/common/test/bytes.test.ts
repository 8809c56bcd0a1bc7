import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ByteReader,
  ByteWriter,
  ParseError,
  bytesToIpv6,
  fromHex,
  ipv6ToBytes,
  toHex,
} from '../src/index.ts';

describe('ByteReader', () => {
  it('reads big-endian integers', () => {
    const r = new ByteReader(fromHex('01 0203 040506 0708090a 0b0c0d0e0f10 1112131415161718'), 'test');
    expect(r.u8('a')).toBe(0x01);
    expect(r.u16('b')).toBe(0x0203);
    expect(r.u24('c')).toBe(0x040506);
    expect(r.u32('d')).toBe(0x0708090a);
    expect(r.u48('e')).toBe(0x0b0c0d0e0f10);
    expect(r.u64('f')).toBe(0x1112131415161718n);
    expect(r.atEnd).toBe(true);
  });

  it('reads u32 values with the top bit set as unsigned', () => {
    expect(new ByteReader(fromHex('ffffffff'), 't').u32('x')).toBe(0xffffffff);
  });

  it('names the field and offset when input is truncated', () => {
    const r = new ByteReader(fromHex('0001 02'), 'stun');
    r.u16('type');
    try {
      r.u16('length');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      const pe = e as ParseError;
      expect([pe.layer, pe.field, pe.offset]).toEqual(['stun', 'length', 2]);
    }
  });

  it('sub() bounds a nested reader to its window', () => {
    const r = new ByteReader(fromHex('0102030405'), 't');
    const s = r.sub(2, 'inner');
    expect(s.u16('x')).toBe(0x0102);
    expect(() => s.u8('y')).toThrow(ParseError);
    expect(r.u8('z')).toBe(3);
  });
});

describe('ByteWriter', () => {
  it('round-trips random integers through ByteReader', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 2 ** 48 - 1 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (a, b, c, d, e, f) => {
          const w = new ByteWriter(1);
          w.u8(a).u16(b).u24(c).u32(d).u48(e).u64(f);
          const r = new ByteReader(w.finish(), 't');
          expect([r.u8(''), r.u16(''), r.u24(''), r.u32(''), r.u48(''), r.u64('')]).toEqual([a, b, c, d, e, f]);
        },
      ),
    );
  });

  it('keeps every write when the buffer grows (u8, bytes, zeros)', () => {
    const w = new ByteWriter(1);
    w.u8(1).u8(2).bytes(fromHex('030405')).zeros(3).u8(6);
    expect(toHex(w.finish())).toBe('0102030405000000' + '06');
    const big = new ByteWriter(2);
    big.bytes(new Uint8Array(1000).fill(7));
    expect(big.finish().every((x) => x === 7)).toBe(true);
  });

  it('patches length fields', () => {
    const w = new ByteWriter();
    w.u16(0).bytes(fromHex('aabb'));
    w.patchU16(0, 2);
    expect(toHex(w.finish())).toBe('0002aabb');
  });
});

describe('IPv6 text', () => {
  it.each([
    ['::1', '::1'],
    ['2001:db8:1234:5678:11:2233:4455:6677', '2001:db8:1234:5678:11:2233:4455:6677'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['fe80::1%eth0', 'fe80::1'],
  ])('%s -> %s', (input, canonical) => {
    const b = ipv6ToBytes(input);
    expect(b).toBeDefined();
    expect(bytesToIpv6(b!)).toBe(canonical);
  });

  it.each(['1:2:3', ':::1', '1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9'])('rejects %s', (bad) => {
    expect(ipv6ToBytes(bad)).toBeUndefined();
  });
});

describe('properties (fast-check)', () => {
  it('ByteReader: any sequence of reads on any bytes either succeeds inside the window or raises ParseError', () => {
    const op = fc.oneof(
      fc.constantFrom('u8', 'u16', 'u24', 'u32', 'u48', 'u64', 'rest'),
      fc.tuple(fc.constantFrom('bytes', 'skip', 'sub'), fc.integer({ min: -2, max: 40 })),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.array(op, { maxLength: 12 }), (buf, ops) => {
        const r = new ByteReader(buf, 'prop');
        for (const o of ops) {
          const before = r.offset;
          try {
            if (typeof o === 'string') {
              if (o === 'rest') r.rest();
              else r[o]('f');
            } else if (o[0] === 'bytes') expect(r.bytes(o[1], 'f').length).toBe(o[1]);
            else if (o[0] === 'skip') r.skip(o[1], 'f');
            else r.sub(o[1], 'f');
          } catch (e) {
            if (!(e instanceof ParseError)) throw e;
            expect([e.layer, e.field, e.offset]).toEqual(['prop', 'f', before]);
            expect(r.offset).toBe(before); // a failed read consumes nothing
          }
          expect(r.offset).toBeLessThanOrEqual(buf.length);
        }
      }),
    );
  });

  it('IPv6 text -> bytes -> RFC 5952 text is a fixed point', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        const text = bytesToIpv6(b);
        expect(toHex(ipv6ToBytes(text)!)).toBe(toHex(b));
      }),
    );
  });
});
