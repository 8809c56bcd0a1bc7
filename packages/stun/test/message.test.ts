import { describe, expect, it } from 'vitest';
import { ParseError, fromHex, toHex } from '@rtcstack/common';
import {
  Method,
  decodeMessage,
  decodeMessageType,
  encodeMessage,
  encodeMessageType,
  looksLikeStun,
  type MessageClassName,
} from '../src/index.ts';
import { sampleIpv4Response, sampleRequest } from './samples.ts';

/** Expect a ParseError naming `field` (and `offset` when given). */
function rejects(bytes: Uint8Array, field: string, offset?: number): ParseError {
  let error: unknown;
  try {
    decodeMessage(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ParseError);
  const pe = error as ParseError;
  expect(pe.layer).toBe('stun');
  expect(pe.field).toContain(field);
  if (offset !== undefined) expect(pe.offset).toBe(offset);
  return pe;
}

describe('message type: class bits interleaved into the method (RFC 8489 §5)', () => {
  // RFC 8489 §5: "a Binding request has class=0b00 (request) and method=0b000000000001
  // (Binding) and is encoded into the first 16 bits as 0x0001. A Binding response has
  // class=0b10 (success response) and method=0b000000000001, and is encoded into the first
  // 16 bits as 0x0101."
  const cases: [MessageClassName, number, number][] = [
    ['request', Method.Binding, 0x0001],
    ['indication', Method.Binding, 0x0011],
    ['success', Method.Binding, 0x0101],
    ['error', Method.Binding, 0x0111],
    ['request', Method.Allocate, 0x0003],
    ['success', Method.Allocate, 0x0103],
    ['error', Method.Allocate, 0x0113],
    ['request', Method.Refresh, 0x0004],
    ['indication', Method.Send, 0x0016],
    ['indication', Method.Data, 0x0017],
    ['request', Method.CreatePermission, 0x0008],
    ['request', Method.ChannelBind, 0x0009],
    ['request', 0xfff, 0x3eef],
    ['error', 0xfff, 0x3fff],
  ];
  it.each(cases)('%s %i <-> 0x%s', (cls, method, type) => {
    expect(encodeMessageType(cls, method)).toBe(type);
    expect(decodeMessageType(type)).toEqual({ class: cls, method });
  });
});

describe('decodeMessage keeps attributes in order with their raw bytes, padding and offsets', () => {
  it('RFC 5769 §2.1: six attributes at the offsets the RFC lays out', () => {
    const m = decodeMessage(sampleRequest());
    expect(m.attributes.map((a) => [a.type, a.offset, a.value.length])).toEqual([
      [0x8022, 20, 16],
      [0x0024, 40, 4],
      [0x8029, 48, 8],
      [0x0006, 60, 9],
      [0x0008, 76, 20],
      [0x8028, 100, 4],
    ]);
    expect(toHex(m.attributes[3].padding)).toBe('202020'); // USERNAME padded with spaces
  });

  it('re-encodes byte for byte, non-zero padding included', () => {
    const bytes = sampleRequest();
    expect(toHex(encodeMessage(decodeMessage(bytes)))).toBe(toHex(bytes));
  });

  it('an empty Binding request is 20 bytes', () => {
    const bytes = encodeMessage({ class: 'request', method: Method.Binding, transactionId: new Uint8Array(12), attributes: [] });
    expect(toHex(bytes)).toBe('000100002112a442000000000000000000000000');
    expect(decodeMessage(bytes).attributes).toEqual([]);
  });
});

describe('rejections: each bad input is a ParseError naming the field and offset', () => {
  it('truncated header', () => {
    rejects(sampleRequest().subarray(0, 19), 'header', 0);
    rejects(new Uint8Array(0), 'header', 0);
  });

  it('wrong magic cookie', () => {
    const b = sampleRequest();
    b[7] ^= 0x01;
    rejects(b, 'header.magicCookie', 4);
  });

  it('RFC 3489 messages (no cookie) only with allowRfc3489', () => {
    const b = sampleIpv4Response();
    b.set([1, 2, 3, 4], 4);
    rejects(b, 'header.magicCookie');
    expect(decodeMessage(b, { allowRfc3489: true }).magicCookie).toBe(0x01020304);
  });

  it('non-zero top two bits', () => {
    for (const bit of [0x80, 0x40]) {
      const b = sampleRequest();
      b[0] |= bit;
      rejects(b, 'header.type', 0);
    }
  });

  it('length not a multiple of 4', () => {
    const b = sampleRequest();
    b[3] = 0x57;
    rejects(b, 'header.length', 2);
  });

  it('length not matching the datagram', () => {
    const b = sampleRequest();
    rejects(b.subarray(0, b.length - 4), 'header.length', 2);
  });

  it('attribute running past the end', () => {
    const b = sampleIpv4Response(); // last attribute: FINGERPRINT at offset 72, length 4
    b[74] = 0x00;
    b[75] = 0x08; // claims 8 value bytes, only 4 remain
    rejects(b, 'value', 76);
  });

  it('attribute header cut short', () => {
    // Header says 4 bytes of attributes; an attribute header needs 4, its value then runs out.
    const b = fromHex('00010004 2112a442 000000000000000000000000 80220001');
    rejects(b, 'value', 24);
  });

  it('attribute padding missing', () => {
    const b = fromHex('00010008 2112a442 000000000000000000000000 80220005 41424344');
    rejects(b, 'value'); // 5 value bytes but only 4 left
    const c = fromHex('00010008 2112a442 000000000000000000000000 80220003 414243');
    expect(() => decodeMessage(c)).toThrow(ParseError); // length 11 is not a multiple of 4
  });

  it('an attribute after FINGERPRINT', () => {
    const b = fromHex('0001000c 2112a442 000000000000000000000000 80280004 00000000 80220000');
    rejects(b, 'attribute', 28);
  });

  it('MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT with a wrong length', () => {
    rejects(fromHex('00010008 2112a442 000000000000000000000000 00080004 00000000'), '0x0008.length', 22);
    rejects(fromHex('00010018 2112a442 000000000000000000000000 001c0012' + '00'.repeat(20)), '0x001c.length', 22);
    rejects(fromHex('0001000c 2112a442 000000000000000000000000 80280008 0000000000000000'), '0x8028.length', 22);
  });
});

describe('looksLikeStun: the cheap demultiplexing test', () => {
  it('accepts STUN, rejects DTLS, RTP, ChannelData and cookie-less messages', () => {
    expect(looksLikeStun(sampleRequest())).toBe(true);
    const dtls = new Uint8Array(40);
    dtls[0] = 22;
    expect(looksLikeStun(dtls)).toBe(false);
    const rtp = sampleRequest();
    rtp[0] = 0x80;
    expect(looksLikeStun(rtp)).toBe(false);
    const noCookie = sampleRequest();
    noCookie[4] = 0;
    expect(looksLikeStun(noCookie)).toBe(false);
    expect(looksLikeStun(sampleRequest().subarray(0, 24))).toBe(false);
  });
});
