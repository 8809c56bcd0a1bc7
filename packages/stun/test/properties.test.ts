import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ParseError, bytesToIpv6, toHex } from '@rtcstack/common';
import {
  AttributeType,
  BindingServer,
  MessageClass,
  attr,
  buildMessage,
  decodeAttribute,
  decodeChannelData,
  decodeMessage,
  encodeMessage,
  getAttribute,
  shortTermKey,
  verifyFingerprint,
  verifyIntegrity,
  type AttributeName,
  type MessageClassName,
  type StunAttribute,
} from '../src/index.ts';
import { sampleIpv4Response, sampleIpv6Response, sampleLongTermRequest, sampleRequest } from './samples.ts';

const integrityTypes = new Set<number>([AttributeType.MESSAGE_INTEGRITY, AttributeType.MESSAGE_INTEGRITY_SHA256, AttributeType.FINGERPRINT]);

const arbClass = fc.constantFrom(...(Object.keys(MessageClass) as MessageClassName[]));
const arbAttribute: fc.Arbitrary<StunAttribute> = fc
  .record({
    type: fc.integer({ min: 0, max: 0xffff }).filter((t) => !integrityTypes.has(t)),
    value: fc.uint8Array({ maxLength: 40 }),
  })
  .chain(({ type, value }) =>
    fc.uint8Array({ minLength: (4 - (value.length % 4)) % 4, maxLength: (4 - (value.length % 4)) % 4 }).map((padding) => ({ type, value, padding })),
  );
const arbMessage = fc.record({
  class: arbClass,
  method: fc.integer({ min: 0, max: 0xfff }),
  transactionId: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  attributes: fc.array(arbAttribute, { maxLength: 8 }),
});

/** Only ParseError may escape a decoder. */
function onlyParseErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
  }
}

const knownNames = Object.keys(AttributeType) as AttributeName[];

/** Decode a message and every known attribute in it; verify integrity and fingerprint. */
function decodeEverything(bytes: Uint8Array): void {
  onlyParseErrors(() => {
    const m = decodeMessage(bytes, { allowRfc3489: true });
    expect(['valid', 'absent', 'invalid']).toContain(verifyFingerprint(m));
    expect(['valid', 'absent', 'invalid']).toContain(verifyIntegrity(m, shortTermKey('x')));
    for (const a of m.attributes) {
      const name = knownNames.find((n) => AttributeType[n] === a.type);
      if (name) onlyParseErrors(() => decodeAttribute(name, a, m, a.offset));
    }
  });
  onlyParseErrors(() => decodeChannelData(bytes));
}

const samples = [sampleRequest(), sampleIpv4Response(), sampleIpv6Response(), sampleLongTermRequest()];

describe('properties (fast-check)', () => {
  it('encode then decode round-trips random valid messages, byte for byte', () => {
    fc.assert(
      fc.property(arbMessage, fc.boolean(), (msg, fingerprint) => {
        const bytes = fingerprint ? buildMessage({ ...msg, fingerprint }) : encodeMessage(msg);
        const back = decodeMessage(bytes);
        expect(back.class).toBe(msg.class);
        expect(back.method).toBe(msg.method);
        expect(toHex(back.transactionId)).toBe(toHex(msg.transactionId));
        expect(back.attributes.slice(0, msg.attributes.length).map((a) => [a.type, toHex(a.value), toHex(a.padding)])).toEqual(
          msg.attributes.map((a) => [a.type, toHex(a.value), toHex(a.padding ?? new Uint8Array(0))]),
        );
        expect(toHex(encodeMessage(back))).toBe(toHex(bytes));
        if (fingerprint) expect(verifyFingerprint(back)).toBe('valid');
      }),
      { numRuns: 300 },
    );
  });

  it('typed values round-trip through a message (XOR addresses use the random transaction id)', () => {
    const arbIpv4 = fc.ipV4();
    const arbIpv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(bytesToIpv6); // RFC 5952 text
    const arbAddress = fc.record({ address: fc.oneof(arbIpv4, arbIpv6), port: fc.integer({ min: 0, max: 0xffff }) });
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        arbAddress,
        fc.string({ maxLength: 100 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 300, max: 699 }),
        (transactionId, address, text, u32, u64, code) => {
          const key = shortTermKey('pw');
          const m = decodeMessage(
            buildMessage({
              class: 'success',
              method: 1,
              transactionId,
              attributes: [
                attr('XOR_MAPPED_ADDRESS', address),
                attr('MAPPED_ADDRESS', address),
                attr('SOFTWARE', text),
                attr('PRIORITY', u32),
                attr('ICE_CONTROLLING', u64),
                attr('ERROR_CODE', { code, reason: text }),
              ],
              integrity: key,
              fingerprint: true,
            }),
          );
          expect(getAttribute(m, 'XOR_MAPPED_ADDRESS')).toEqual(address);
          expect(getAttribute(m, 'MAPPED_ADDRESS')).toEqual(address);
          expect(getAttribute(m, 'SOFTWARE')).toBe(text);
          expect(getAttribute(m, 'PRIORITY')).toBe(u32);
          expect(getAttribute(m, 'ICE_CONTROLLING')).toBe(u64);
          expect(getAttribute(m, 'ERROR_CODE')).toEqual({ code, reason: text });
          expect(verifyIntegrity(m, key)).toBe('valid');
          expect(verifyFingerprint(m)).toBe('valid');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('random bytes only ever raise ParseError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => decodeEverything(b)), { numRuns: 2000 });
  });

  it('random bytes behind a valid-looking header only ever raise ParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }).map((b) => b.subarray(0, b.length - (b.length % 4))), fc.integer({ min: 0, max: 3 }), (body, top) => {
        const bytes = new Uint8Array(20 + body.length);
        bytes.set([top, 1, body.length >> 8, body.length & 0xff, 0x21, 0x12, 0xa4, 0x42]);
        bytes.set(body, 20);
        decodeEverything(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid messages (flips, truncation, extension) only ever raise ParseError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
        fc.nat({ max: 120 }),
        fc.uint8Array({ maxLength: 8 }),
        (sample, flips, cut, extra) => {
          const b = sample.slice();
          for (const [at, x] of flips) b[at % b.length] ^= x;
          const truncated = b.subarray(0, Math.min(cut, b.length));
          decodeEverything(b);
          decodeEverything(truncated);
          const longer = new Uint8Array(b.length + extra.length);
          longer.set(b);
          longer.set(extra, b.length);
          decodeEverything(longer);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the Binding server never throws and answers only requests', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 120 }), fc.constantFrom(...samples).map((s) => s.slice())), fc.nat(), (b, at) => {
        if (b.length > 0) b[at % b.length] ^= 0x40;
        const server = new BindingServer();
        server.handleInput(0, { data: b, remote: { address: '192.0.2.1', port: 1 } });
        const out = server.pollOutput();
        if (out) expect(decodeMessage(b, { allowRfc3489: true }).class).toBe('request');
      }),
      { numRuns: 1000 },
    );
  });
});
