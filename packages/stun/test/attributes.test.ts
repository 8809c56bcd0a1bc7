import { describe, expect, it } from 'vitest';
import { ParseError, fromHex, toHex } from '@rtcstack/common';
import {
  AttributeType,
  Method,
  attr,
  attributeName,
  buildMessage,
  decodeAttribute,
  decodeMessage,
  encodeAttribute,
  getAttribute,
  getAttributes,
  hasAttribute,
  isComprehensionRequired,
  unknownComprehensionRequired,
  type AttributeName,
  type AttributeValues,
} from '../src/index.ts';
import { sampleIpv4Response, sampleIpv6Response } from './samples.ts';

const transactionId = fromHex('b7e7a701bc34d686fa87dfae'); // the RFC 5769 id
const ctx = { transactionId };

type Row = { [N in AttributeName]: [N, AttributeValues[N], string] }[AttributeName];

/** Every attribute: a value and its wire encoding, from the layouts in the cited sections. */
const rows: Row[] = [
  ['MAPPED_ADDRESS', { address: '192.0.2.1', port: 32853 }, '00 01 8055 c0000201'], // RFC 8489 §14.1
  ['MAPPED_ADDRESS', { address: '2001:db8::1', port: 3478 }, '00 02 0d96 20010db8000000000000000000000001'],
  ['ALTERNATE_SERVER', { address: '198.51.100.7', port: 3479 }, '00 01 0d97 c6336407'], // §14.15
  // RFC 5769 §2.2/§2.3 values
  ['XOR_MAPPED_ADDRESS', { address: '192.0.2.1', port: 32853 }, '0001a147 e112a643'],
  ['XOR_MAPPED_ADDRESS', { address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 }, '0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9'],
  ['XOR_PEER_ADDRESS', { address: '192.0.2.1', port: 32853 }, '0001a147 e112a643'], // RFC 8656 §14.3
  ['XOR_RELAYED_ADDRESS', { address: '192.0.2.1', port: 32853 }, '0001a147 e112a643'], // RFC 8656 §14.5
  ['USERNAME', 'evtj:h6vY', '6576746a 3a683676 59'], // §14.3
  ['REALM', 'example.org', '6578616d 706c652e 6f7267'], // §14.9
  ['NONCE', 'f//499k954d6OL34oL9FSTvy64sA', toHex(new TextEncoder().encode('f//499k954d6OL34oL9FSTvy64sA'))],
  ['SOFTWARE', 'test vector', '74657374 20766563 746f72'], // §14.14
  ['ALTERNATE_DOMAIN', 'stun.example.org', toHex(new TextEncoder().encode('stun.example.org'))],
  ['USERHASH', new Uint8Array(32).fill(7), '07'.repeat(32)], // §14.4
  ['MESSAGE_INTEGRITY', new Uint8Array(20).fill(1), '01'.repeat(20)],
  ['MESSAGE_INTEGRITY_SHA256', new Uint8Array(16).fill(2), '02'.repeat(16)],
  ['FINGERPRINT', 0xe57a3bcf, 'e57a3bcf'],
  ['ERROR_CODE', { code: 420, reason: 'Unknown Attribute' }, '0000 04 14' + toHex(new TextEncoder().encode('Unknown Attribute'))], // §14.8
  ['ERROR_CODE', { code: 300, reason: '' }, '0000 03 00'],
  ['ERROR_CODE', { code: 699, reason: '' }, '0000 06 63'],
  ['UNKNOWN_ATTRIBUTES', [0x0003, 0x7fff, 0x0031], '0003 7fff 0031'], // §14.13
  ['PASSWORD_ALGORITHM', { algorithm: 2, parameters: new Uint8Array(0) }, '0002 0000'], // §14.11
  ['PASSWORD_ALGORITHMS', [{ algorithm: 2, parameters: new Uint8Array(0) }, { algorithm: 1, parameters: Uint8Array.of(9) }], '0002 0000 0001 0001 09000000'], // §14.12
  ['PRIORITY', 0x6e0001ff, '6e0001ff'], // RFC 8445 §16.1
  ['USE_CANDIDATE', true, ''],
  ['ICE_CONTROLLED', 0x932ff9b151263b36n, '932ff9b1 51263b36'],
  ['ICE_CONTROLLING', 0xffffffffffffffffn, 'ffffffff ffffffff'],
  ['CHANNEL_NUMBER', 0x4001, '4001 0000'], // RFC 8656 §14.1
  ['LIFETIME', 600, '00000258'], // §14.2
  ['DATA', Uint8Array.of(1, 2, 3), '010203'], // §14.4
  ['REQUESTED_ADDRESS_FAMILY', 6, '02 000000'], // §14.6
  ['REQUESTED_ADDRESS_FAMILY', 4, '01 000000'],
  ['EVEN_PORT', { reserveNext: true }, '80'], // §14.7
  ['EVEN_PORT', { reserveNext: false }, '00'],
  ['REQUESTED_TRANSPORT', 17, '11 000000'], // §14.8
  ['DONT_FRAGMENT', true, ''], // §14.9
  ['RESERVATION_TOKEN', fromHex('0102030405060708'), '0102030405060708'], // §14.10
  ['CHANGE_REQUEST', { changeIp: true, changePort: true }, '00000006'], // RFC 5780 §7.2
];

describe('typed attribute codecs: encode gives the RFC layout, decode inverts it', () => {
  it.each(rows)('%s', (name, value, hex) => {
    const encoded = encodeAttribute(name, value as never, ctx);
    expect(encoded.type).toBe(AttributeType[name]);
    expect(toHex(encoded.value)).toBe(hex.replace(/\s/g, ''));
    expect(decodeAttribute(name, encoded, ctx)).toEqual(value);
  });

  it('every known attribute has a row above', () => {
    const covered = new Set(rows.map((r) => r[0]));
    expect(Object.keys(AttributeType).filter((n) => !covered.has(n as AttributeName))).toEqual([]);
  });

  it('names: 0x0020 is XOR-MAPPED-ADDRESS; below 0x8000 is comprehension-required', () => {
    expect(attributeName(0x0020)).toBe('XOR-MAPPED-ADDRESS');
    expect(attributeName(0xc057)).toBeUndefined();
    expect(isComprehensionRequired(0x7fff)).toBe(true);
    expect(isComprehensionRequired(0x8000)).toBe(false);
  });
});

describe('encoders refuse what the RFC does not allow', () => {
  it('text longer than its limit: USERNAME (§14.3, < 513 bytes) and the ERROR-CODE reason (§14.8, < 128 characters)', () => {
    expect(() => encodeAttribute('USERNAME', 'u'.repeat(509), ctx)).toThrow(RangeError);
    expect(encodeAttribute('USERNAME', 'u'.repeat(508), ctx).value.length).toBe(508);
    expect(() => encodeAttribute('ERROR_CODE', { code: 400, reason: 'r'.repeat(764) }, ctx)).toThrow(RangeError);
    expect(() => encodeAttribute('ERROR_CODE', { code: 299, reason: '' }, ctx)).toThrow(RangeError);
  });
});

describe('XOR-MAPPED-ADDRESS from the RFC 5769 responses', () => {
  it('§2.2 IPv4: 192.0.2.1 port 32853', () => {
    expect(getAttribute(decodeMessage(sampleIpv4Response()), 'XOR_MAPPED_ADDRESS')).toEqual({ address: '192.0.2.1', port: 32853 });
  });
  it('§2.3 IPv6: 2001:db8:1234:5678:11:2233:4455:6677 port 32853 (XOR-ed with cookie and transaction id)', () => {
    expect(getAttribute(decodeMessage(sampleIpv6Response()), 'XOR_MAPPED_ADDRESS')).toEqual({
      address: '2001:db8:1234:5678:11:2233:4455:6677',
      port: 32853,
    });
  });
});

describe('malformed values are ParseErrors with offsets in the message', () => {
  const bad: [AttributeName, string, string][] = [
    ['XOR_MAPPED_ADDRESS', '0003a147e112a643', 'family'],
    ['XOR_MAPPED_ADDRESS', '0001a147e112a6', 'address'],
    ['MAPPED_ADDRESS', '000280550102030405', 'address'],
    ['ERROR_CODE', '00000214', 'class'],
    ['ERROR_CODE', '00000464', 'number'],
    ['ERROR_CODE', '0000', 'ERROR-CODE'],
    ['USERNAME', 'c328', 'USERNAME'], // invalid UTF-8
    ['UNKNOWN_ATTRIBUTES', '000300', 'UNKNOWN-ATTRIBUTES'],
    ['PRIORITY', '000001', 'PRIORITY'],
    ['ICE_CONTROLLING', '00000001', 'ICE-CONTROLLING'],
    ['USE_CANDIDATE', '00', 'USE-CANDIDATE'],
    ['USERHASH', '00', 'USERHASH'],
    ['CHANNEL_NUMBER', '4001', 'CHANNEL-NUMBER'],
    ['REQUESTED_ADDRESS_FAMILY', '03000000', 'family'],
    ['EVEN_PORT', '8000', 'EVEN-PORT'],
    ['PASSWORD_ALGORITHMS', '00020004 0000', 'parameters'],
  ];
  it.each(bad)('%s %s', (name, hex, field) => {
    let err: unknown;
    try {
      decodeAttribute(name, { type: AttributeType[name], value: fromHex(hex) }, ctx, 100);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).field).toContain(field);
    expect((err as ParseError).offset).toBeGreaterThanOrEqual(104);
  });
});

describe('unknown attributes (RFC 8489 §14)', () => {
  const msg = decodeMessage(
    buildMessage({
      class: 'request',
      method: Method.Binding,
      transactionId,
      attributes: [
        { type: 0xc057, value: fromHex('00010002') }, // Chromium's vendor attribute: optional
        attr('PRIORITY', 1),
        { type: 0x7777, value: new Uint8Array(3) }, // unknown and comprehension-required
        { type: 0x7777, value: new Uint8Array(0) },
      ],
    }),
  );
  it('comprehension-optional ones are kept (in order) and ignored', () => {
    expect(msg.attributes.map((a) => a.type)).toEqual([0xc057, 0x0024, 0x7777, 0x7777]);
    expect(getAttribute(msg, 'PRIORITY')).toBe(1);
  });
  it('comprehension-required ones are reported once each, for a 420', () => {
    expect(unknownComprehensionRequired(msg)).toEqual([0x7777]);
  });
});

describe('attributes after MESSAGE-INTEGRITY are ignored, except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT (RFC 8489 §14.5)', () => {
  const bytes = buildMessage({ class: 'request', method: Method.Binding, transactionId, attributes: [attr('PRIORITY', 1)], integrity: new Uint8Array(16), integritySha256: new Uint8Array(16), fingerprint: false });
  // Append a USERNAME after the integrity attributes by hand.
  const withTail = decodeMessage(bytes);
  const tampered = decodeMessage(
    buildMessage({ ...withTail, attributes: [...withTail.attributes, { type: AttributeType.USERNAME, value: new TextEncoder().encode('evil') }], fingerprint: true }),
  );
  it('the trailing USERNAME is invisible to getAttribute', () => {
    expect(tampered.attributes.map((a) => a.type)).toEqual([0x0024, 0x0008, 0x001c, 0x0006, 0x8028]);
    expect(getAttribute(tampered, 'USERNAME')).toBeUndefined();
    expect(hasAttribute(tampered, 'MESSAGE_INTEGRITY_SHA256')).toBe(true);
    expect(hasAttribute(tampered, 'FINGERPRINT')).toBe(true);
  });
  it('getAttributes returns every occurrence before integrity', () => {
    const m = decodeMessage(
      buildMessage({
        class: 'request',
        method: Method.CreatePermission,
        transactionId,
        attributes: [attr('XOR_PEER_ADDRESS', { address: '10.0.0.1', port: 1 }), attr('XOR_PEER_ADDRESS', { address: '::1', port: 2 })],
      }),
    );
    expect(getAttributes(m, 'XOR_PEER_ADDRESS')).toEqual([{ address: '10.0.0.1', port: 1 }, { address: '::1', port: 2 }]);
  });
});
