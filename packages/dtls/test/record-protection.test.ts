import { createCipheriv, type CipherGCMTypes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, isParseError, toHex } from '@rtcstack/common';
import { CIPHER_SUITES } from '../src/constants.ts';
import { decodeRecords } from '../src/record.ts';
import { RecordProtection } from '../src/record-protection.ts';
import { ReplayWindow } from '../src/replay-window.ts';

describe('AEAD record protection (RFC 5246 §6.2.3.3, RFC 5288, RFC 7905)', () => {
  for (const suite of CIPHER_SUITES) {
    const key = new Uint8Array(suite.keyLength).fill(0x11);
    const iv = new Uint8Array(suite.fixedIvLength).fill(0x22);
    it(`${suite.name}: seal/open round trip; explicit nonce ${suite.explicitNonceLength} bytes`, () => {
      const p = new RecordProtection(suite, key, iv);
      const rec = p.seal(23, 0xfefd, 1, 0x0102030405, fromHex('68656c6c6f'));
      const [r] = decodeRecords(rec);
      expect(r.fragment.length).toBe(suite.explicitNonceLength + 5 + 16);
      // RFC 5288 §3: we send epoch||seq as the explicit nonce.
      if (suite.explicitNonceLength) expect(toHex(r.fragment.subarray(0, 8))).toBe('0001000102030405');
      expect(toHex(p.open(r.header, r.fragment)!)).toBe('68656c6c6f');
    });
    it(`${suite.name}: any flipped bit in header, nonce, ciphertext or tag fails to open`, () => {
      const p = new RecordProtection(suite, key, iv);
      const rec = p.seal(23, 0xfefd, 1, 7, new Uint8Array(40).fill(5));
      for (let i = 0; i < rec.length; i++) {
        if (i >= 11 && i < 13) continue; // the length field: changing it changes the framing
        const bad = rec.slice();
        bad[i] ^= 1;
        let recs;
        try {
          recs = decodeRecords(bad);
        } catch (e) {
          expect(isParseError(e), `byte ${i}`).toBe(true); // e.g. version 0xfffd is not DTLS at all
          continue;
        }
        expect(p.open(recs[0].header, recs[0].fragment), `byte ${i}`).toBeUndefined();
      }
    });
  }
  for (const suite of CIPHER_SUITES.filter((s, i, all) => all.findIndex((x) => x.aead === s.aead) === i)) {
    it(`${suite.aead}: interleaved seal/open on one instance (reused nonce and AAD buffers) match an independent AEAD`, () => {
      const key = new Uint8Array(suite.keyLength).map((_, i) => i * 7 + 1);
      const iv = new Uint8Array(suite.fixedIvLength).map((_, i) => 0xa0 + i);
      const p = new RecordProtection(suite, key, iv);
      const sealed: Uint8Array[] = [];
      for (let seq = 0; seq < 40; seq++) {
        const plain = new Uint8Array(seq * 31).fill(seq);
        const rec = p.seal(23, 0xfefd, 1, 2 ** 40 + seq * 977, plain);
        sealed.push(rec);
        // Independent: nonce and additional_data built here from the RFC text, one fresh cipher.
        const epochSeq = rec.subarray(3, 11);
        const nonce = new Uint8Array(12);
        if (suite.explicitNonceLength) {
          nonce.set(iv.subarray(0, 4)); // RFC 5288 §3: salt || explicit nonce
          nonce.set(epochSeq, 4);
        } else {
          nonce.set(iv); // RFC 7905 §2: IV xor (0^32 || epoch||seq)
          for (let i = 0; i < 8; i++) nonce[4 + i] ^= epochSeq[i];
        }
        const aad = new Uint8Array([...epochSeq, 23, 0xfe, 0xfd, plain.length >> 8, plain.length & 0xff]);
        const c = createCipheriv(suite.aead as CipherGCMTypes, key, nonce, { authTagLength: 16 });
        c.setAAD(aad);
        const want = new Uint8Array([...c.update(plain), ...c.final(), ...c.getAuthTag()]);
        expect(toHex(rec.subarray(13 + suite.explicitNonceLength)), `seq ${seq}`).toBe(toHex(want));
        // Open an older record between seals: the shared buffers must not leak between calls.
        const [old] = decodeRecords(sealed[seq >> 1]);
        expect(p.open(old.header, old.fragment)?.length).toBe((seq >> 1) * 31);
      }
    });
  }
  it('ChaCha20-Poly1305 nonce is IV xor (epoch||seq) (RFC 7905 §2): two records with different seq differ', () => {
    const suite = CIPHER_SUITES.find((s) => s.aead === 'chacha20-poly1305')!;
    const p = new RecordProtection(suite, new Uint8Array(32), new Uint8Array(12));
    const a = p.seal(23, 0xfefd, 1, 1, new Uint8Array(16));
    const b = p.seal(23, 0xfefd, 1, 2, new Uint8Array(16));
    expect(toHex(a.subarray(13))).not.toBe(toHex(b.subarray(13)));
  });
});

describe('anti-replay window (RFC 6347 §4.1.2.6)', () => {
  it.each([
    ['a new number is accepted', [5], 6, true],
    ['a duplicate is rejected', [5], 5, false],
    ['an older, unseen number inside the window is accepted', [1, 5], 3, true],
    ['a number older than the window is rejected', [100], 36, false],
    ['the left edge of the window is still checked', [100], 37, true],
    ['a jump far ahead clears the window', [1, 2, 500], 2, false],
  ] as const)('%s', (_n, seen, seq, ok) => {
    const w = new ReplayWindow(64);
    for (const s of seen) w.accept(s);
    expect(w.check(seq)).toBe(ok);
  });
  it('works across the 2^32 boundary of 48-bit numbers', () => {
    const w = new ReplayWindow();
    w.accept(2 ** 32 + 1);
    expect(w.check(2 ** 32 - 1)).toBe(true);
    w.accept(2 ** 32 - 1);
    expect(w.check(2 ** 32 - 1)).toBe(false);
  });
});
