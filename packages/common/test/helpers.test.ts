import { describe, expect, it } from 'vitest';
import {
  ParseError,
  addressKey,
  bytesToIpv4,
  concatBytes,
  constantTimeEqual,
  fromHex,
  hexDump,
  ipv4ToBytes,
  isParseError,
  randomFloat,
  readU16,
  readU32,
  sameAddress,
  seededRandom,
  toHex,
  writeU16,
  writeU32,
} from '../src/index.ts';

describe('hex', () => {
  it('fromHex ignores whitespace and ":" (RFC text, fingerprints) and accepts both cases', () => {
    expect(toHex(fromHex('0a 0B\n0c:0D'))).toBe('0a0b0c0d');
  });

  it.each(['abc', '0g', 'zz', '0x01'])('fromHex(%j) is a ParseError', (bad) => {
    expect(() => fromHex(bad)).toThrow(ParseError);
  });

  it('toHex of a subarray covers only its window', () => {
    expect(toHex(fromHex('00112233').subarray(1, 3))).toBe('1122');
  });

  it('hexDump prints offset, bytes and printable ASCII', () => {
    expect(hexDump(fromHex('41 42 00'))).toBe('0000  41 42 00' + ' '.repeat(39) + '  AB.');
  });
});

describe('unchecked big-endian helpers', () => {
  it('readU32/writeU32 and readU16/writeU16 round-trip, the top bit unsigned', () => {
    const b = new Uint8Array(6);
    writeU32(b, 1, 0xdeadbeef);
    writeU16(b, 4, 0xfffe);
    expect(toHex(b)).toBe('00deadbefffe');
    expect(readU32(fromHex('ffffffff'), 0)).toBe(0xffffffff);
    expect(readU16(b, 4)).toBe(0xfffe);
  });

  it('concatBytes joins in order', () => {
    expect(toHex(concatBytes(fromHex('01'), new Uint8Array(0), fromHex('0203')))).toBe('010203');
  });
});

describe('constantTimeEqual', () => {
  it('equal bytes, one changed byte, and a length mismatch', () => {
    expect(constantTimeEqual(fromHex('a1b2c3'), fromHex('a1b2c3'))).toBe(true);
    expect(constantTimeEqual(fromHex('a1b2c3'), fromHex('a1b2c4'))).toBe(false);
    expect(constantTimeEqual(fromHex('a1b2c3'), fromHex('a1b2'))).toBe(false);
  });
});

describe('seededRandom', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(toHex(seededRandom(42)(16))).toBe(toHex(seededRandom(42)(16)));
    expect(toHex(seededRandom(42)(16))).not.toBe(toHex(seededRandom(43)(16)));
  });

  it('float() is in [0, 1) and int(n) in [0, n)', () => {
    const r = seededRandom(1);
    for (let i = 0; i < 1000; i++) {
      const f = r.float();
      expect(f >= 0 && f < 1).toBe(true);
      const n = r.int(7);
      expect(Number.isInteger(n) && n >= 0 && n < 7).toBe(true);
    }
    const x = randomFloat(seededRandom(2));
    expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('addresses', () => {
  it.each([
    ['192.0.2.1', 'c0000201'],
    ['0.0.0.0', '00000000'],
    ['255.255.255.255', 'ffffffff'],
  ])('IPv4 %s <-> %s', (text, hex) => {
    expect(toHex(ipv4ToBytes(text)!)).toBe(hex);
    expect(bytesToIpv4(fromHex(hex))).toBe(text);
  });

  it.each(['256.0.0.1', '1.2.3', '1.2.3.4.5', 'a.b.c.d', '1.2.3.-4', ''])('rejects IPv4 %j', (bad) => {
    expect(ipv4ToBytes(bad)).toBeUndefined();
  });

  it('addressKey brackets IPv6; sameAddress compares address and port', () => {
    expect(addressKey({ address: '::1', port: 5 })).toBe('[::1]:5');
    expect(addressKey({ address: '1.2.3.4', port: 5 })).toBe('1.2.3.4:5');
    expect(sameAddress({ address: '::1', port: 5 }, { address: '::1', port: 5 })).toBe(true);
    expect(sameAddress({ address: '::1', port: 5 }, { address: '::1', port: 6 })).toBe(false);
  });
});

describe('ParseError', () => {
  it('carries layer, field and offset and says them in its message', () => {
    const e = new ParseError('rtp', 'header.version', 0, 'version 1');
    expect(isParseError(e)).toBe(true);
    expect(isParseError(new Error('x'))).toBe(false);
    expect(e.message).toBe('rtp: header.version at offset 0: version 1');
  });
});
