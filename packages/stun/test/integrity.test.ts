import { describe, expect, it } from 'vitest';
import { toHex } from '@rtcstack/common';
import {
  AttributeType,
  Method,
  PasswordAlgorithm,
  StringprepError,
  appendFingerprint,
  appendMessageIntegrity,
  appendMessageIntegritySha256,
  attr,
  buildMessage,
  crc32,
  decodeMessage,
  encodeMessage,
  longTermKey,
  opaqueString,
  saslprep,
  shortTermKey,
  verifyFingerprint,
  verifyIntegrity,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
} from '../src/index.ts';
import { sampleIpv4Response, sampleLongTermRequest, samplePassword, sampleRequest } from './samples.ts';

const key = shortTermKey(samplePassword);
const ltKey = longTermKey('\u30de\u30c8\u30ea\u30c3\u30af\u30b9', 'example.org', 'The\u00adM\u00aatr\u2168', { profile: 'saslprep' });

describe('FINGERPRINT (RFC 8489 §14.7)', () => {
  it('CRC-32 check value: crc32("123456789") = 0xcbf43926 (the ISO-HDLC CRC catalogue check)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('bad FINGERPRINT: any changed byte makes it "invalid", never an exception', () => {
    const good = sampleIpv4Response();
    expect(verifyFingerprint(decodeMessage(good))).toBe('valid');
    for (const at of [0, 1, 8, 19, 20, 30, 60, 76, 79]) {
      const b = sampleIpv4Response();
      b[at] ^= 0x10;
      let m;
      try {
        m = decodeMessage(b);
      } catch {
        continue; // some flips break framing first; that is a ParseError, tested elsewhere
      }
      expect(verifyFingerprint(m), `byte ${at}`).toBe('invalid');
    }
  });

  it('"absent" when there is none; appendFingerprint makes a valid one', () => {
    const m = decodeMessage(sampleLongTermRequest());
    expect(verifyFingerprint(m)).toBe('absent');
    expect(verifyFingerprint(decodeMessage(appendFingerprint(sampleLongTermRequest())))).toBe('valid');
  });
});

describe('MESSAGE-INTEGRITY (RFC 8489 §14.5)', () => {
  it('bad MESSAGE-INTEGRITY: a changed byte before it, or in it, makes it "invalid"', () => {
    for (const at of [1, 9, 25, 45, 57, 70, 80, 95]) {
      const b = sampleRequest();
      b[at] ^= 0x01;
      expect(verifyMessageIntegrity(decodeMessage(b), key), `byte ${at}`).toBe('invalid');
    }
  });

  it('the wrong key is "invalid"; no MESSAGE-INTEGRITY is "absent"', () => {
    expect(verifyMessageIntegrity(decodeMessage(sampleRequest()), shortTermKey('wrong'))).toBe('invalid');
    expect(verifyMessageIntegrity(decodeMessage(sampleRequest()), ltKey)).toBe('invalid');
    const plain = buildMessage({ class: 'request', method: Method.Binding, transactionId: new Uint8Array(12) });
    expect(verifyMessageIntegrity(decodeMessage(plain), key)).toBe('absent');
  });

  it('FINGERPRINT after it is not covered: changing it keeps integrity valid but breaks the fingerprint', () => {
    const b = sampleRequest();
    b[b.length - 1] ^= 0xff;
    const m = decodeMessage(b);
    expect(verifyMessageIntegrity(m, key)).toBe('valid');
    expect(verifyFingerprint(m)).toBe('invalid');
  });

  it('padding is covered as received: the RFC 5769 §2.1 spaces verify, zeros would not', () => {
    const b = sampleRequest();
    b.set([0, 0, 0], 73); // USERNAME padding (offset 60 + 4 + 9)
    expect(verifyMessageIntegrity(decodeMessage(b), key)).toBe('invalid');
  });

  it('the length field is adjusted: recomputing §2.1 from the attributes before MESSAGE-INTEGRITY gives the same bytes', () => {
    const m = decodeMessage(sampleRequest());
    const body = encodeMessage({ ...m, attributes: m.attributes.slice(0, 4) });
    expect(toHex(appendFingerprint(appendMessageIntegrity(body, key)))).toBe(toHex(sampleRequest()));
  });

  it('long-term key of RFC 5769 §2.4 is MD5("マトリックス:example.org:TheMatrIX")', () => {
    expect(toHex(ltKey)).toBe(toHex(longTermKey('\u30de\u30c8\u30ea\u30c3\u30af\u30b9', 'example.org', 'TheMatrIX')));
    expect(verifyMessageIntegrity(decodeMessage(sampleLongTermRequest()), ltKey)).toBe('valid');
  });
});

describe('MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6)', () => {
  const transactionId = Uint8Array.from({ length: 12 }, (_, i) => i);
  const k = longTermKey('alice', 'example.test', 'alicepass', { algorithm: PasswordAlgorithm.SHA256 });
  it.each([32, 16])('a %i-byte value verifies; tampering is "invalid"', (length) => {
    const body = buildMessage({ class: 'request', method: Method.Allocate, transactionId, attributes: [attr('REQUESTED_TRANSPORT', 17)] });
    const signed = appendMessageIntegritySha256(body, k, length);
    expect(decodeMessage(signed).attributes[1].value.length).toBe(length);
    expect(verifyMessageIntegritySha256(decodeMessage(signed), k)).toBe('valid');
    expect(verifyIntegrity(decodeMessage(signed), k)).toBe('valid');
    signed[signed.length - 1] ^= 1;
    expect(verifyMessageIntegritySha256(decodeMessage(signed), k)).toBe('invalid');
  });
  it('both MESSAGE-INTEGRITY and -SHA256: verifyIntegrity prefers SHA-256 (RFC 8489 §9.1.4)', () => {
    const bytes = buildMessage({ class: 'request', method: Method.Binding, transactionId, integrity: k, integritySha256: k, fingerprint: true });
    const m = decodeMessage(bytes);
    expect(m.attributes.map((a) => a.type)).toEqual([AttributeType.MESSAGE_INTEGRITY, AttributeType.MESSAGE_INTEGRITY_SHA256, AttributeType.FINGERPRINT]);
    expect(verifyMessageIntegrity(m, k)).toBe('valid');
    expect(verifyIntegrity(m, k)).toBe('valid');
    const b = bytes.slice();
    b[b.length - 12] ^= 1; // inside the SHA-256 value
    expect(verifyMessageIntegrity(decodeMessage(b), k)).toBe('valid');
    expect(verifyIntegrity(decodeMessage(b), k)).toBe('invalid');
  });
});

describe('string preparation', () => {
  it('SASLprep (RFC 4013): soft hyphen mapped to nothing, NFKC folds ª and Ⅸ (the RFC 5769 §2.4 password)', () => {
    expect(saslprep('The\u00adM\u00aatr\u2168')).toBe('TheMatrIX');
  });
  it('SASLprep examples of RFC 4013 §3', () => {
    expect(saslprep('I\u00adX')).toBe('IX'); // 1. SOFT HYPHEN mapped to nothing
    expect(saslprep('user')).toBe('user'); // 2. no transformation
    expect(saslprep('USER')).toBe('USER'); // 3. case preserved
    expect(saslprep('\u00aa')).toBe('a'); // 4. output is NFKC
    expect(saslprep('\u2168')).toBe('IX'); // 5. output is NFKC
    expect(() => saslprep('\u0007')).toThrow(StringprepError); // 6. prohibited character
    expect(() => saslprep('\u0627\u0031')).toThrow(StringprepError); // 7. bidi (here: unsupported)
  });
  it('SASLprep maps non-ASCII spaces to U+0020 and rejects private use', () => {
    expect(saslprep('a\u00a0b')).toBe('a b');
    expect(() => saslprep('a\ue000')).toThrow(/prohibited/);
  });
  it('OpaqueString (RFC 8265 §4.2): NFC only, spaces mapped, controls and ignorables rejected', () => {
    expect(opaqueString('correct horse battery staple')).toBe('correct horse battery staple');
    expect(opaqueString('e\u0301')).toBe('\u00e9'); // NFC
    expect(opaqueString('\u2168')).toBe('\u2168'); // no compatibility folding
    expect(opaqueString('a\u3000b')).toBe('a b');
    expect(() => opaqueString('The\u00adMatrix')).toThrow(StringprepError); // default-ignorable
    expect(() => opaqueString('a\u0000')).toThrow(StringprepError);
    expect(() => opaqueString('')).toThrow(/empty/);
  });
  it('short-term keys are the prepared password bytes (RFC 8489 §9.1.1)', () => {
    expect(new TextDecoder().decode(shortTermKey(samplePassword))).toBe(samplePassword);
  });
});
