import { describe, expect, it } from 'vitest';
import { ParseError, fromHex, toHex } from '@rtcstack/common';
import { decodeChannelData, encodeChannelData, looksLikeChannelData } from '../src/index.ts';

describe('TURN ChannelData (RFC 8656 §12.4)', () => {
  it('channel number, length, data; padding only when asked (TCP, §12.5)', () => {
    const data = Uint8Array.of(1, 2, 3, 4, 5);
    expect(toHex(encodeChannelData({ channel: 0x4001, data }))).toBe('400100050102030405');
    expect(toHex(encodeChannelData({ channel: 0x4001, data }, true))).toBe('4001000501020304050000 00'.replace(/\s/g, ''));
    expect(decodeChannelData(fromHex('4001000501020304050000 00'))).toEqual({ channel: 0x4001, data });
    expect(decodeChannelData(fromHex('4fff0000'))).toEqual({ channel: 0x4fff, data: new Uint8Array(0) });
  });

  it.each([
    ['channel below 0x4000', '3fff0000', 'channel'],
    ['reserved channel 0x5000', '50000000', 'channel'],
    ['data running past the end', '40000008010203', 'data'],
    ['more than 3 bytes after the data', '4000000101000000 00', 'padding'],
    ['truncated header', '400000', 'length'],
  ])('rejects %s', (_name, hex, field) => {
    let err: unknown;
    try {
      decodeChannelData(fromHex(hex));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).field).toContain(field);
  });

  it('refuses to encode an invalid channel', () => {
    expect(() => encodeChannelData({ channel: 0x3fff, data: new Uint8Array(0) })).toThrow(RangeError);
  });

  it('demultiplexing by first byte (RFC 7983 §7): 64..79', () => {
    expect(looksLikeChannelData(fromHex('40010000'))).toBe(true);
    expect(looksLikeChannelData(fromHex('4f010000'))).toBe(true);
    expect(looksLikeChannelData(fromHex('00010000'))).toBe(false);
    expect(looksLikeChannelData(fromHex('50010000'))).toBe(false);
  });
});
