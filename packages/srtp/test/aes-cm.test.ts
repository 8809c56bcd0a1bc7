import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toHex } from '@rtcstack/common';
import { AesCmKeystream } from '../src/index.ts';
import { xorBytes } from '../src/aes-cm.ts';

describe('AesCmKeystream: the precomputed runs serve exactly the RFC 3711 keystream', () => {
  it('xor() (runs) equals the direct keystream() for any sequence of packets', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ssrc: fc.constantFrom(1, 2, 0xffffffff),
            hi: fc.constantFrom(0, 1, 0x80000000),
            lo: fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 65500, max: 65535 }), fc.integer({ min: 0, max: 40 })),
            len: fc.integer({ min: 1, max: 1500 }),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        (packets) => {
          const key = new Uint8Array(16).fill(3);
          const salt = new Uint8Array(14).map((_, i) => i * 9);
          const cached = new AesCmKeystream(key, salt);
          const direct = new AesCmKeystream(key, salt);
          for (const p of packets) {
            const zeros = new Uint8Array(p.len);
            const out = new Uint8Array(p.len);
            cached.xor(p.ssrc, p.hi, p.lo, zeros, 0, out, 0, p.len);
            expect(toHex(out)).toBe(toHex(direct.keystream(p.ssrc, p.hi, p.lo, p.len).subarray(0, p.len)));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a run stops at SEQ 65535: the next ROC gets its own keystream', () => {
    const ks = new AesCmKeystream(new Uint8Array(16), new Uint8Array(14));
    const a = new Uint8Array(16);
    const b = new Uint8Array(16);
    ks.xor(7, 0, 65535, new Uint8Array(16), 0, a, 0, 16);
    ks.xor(7, 1, 0, new Uint8Array(16), 0, b, 0, 16);
    expect(toHex(b)).toBe(toHex(ks.keystream(7, 1, 0, 16)));
    expect(toHex(a)).not.toBe(toHex(b));
  });
});

it('xorBytes: word path and byte path agree for any offsets and lengths', () => {
  fc.assert(
    fc.property(fc.nat(8), fc.nat(8), fc.nat(8), fc.nat(300), (i, j, d, len) => {
      const a = new Uint8Array(320).map((_, k) => k * 7);
      const b = new Uint8Array(320).map((_, k) => k * 13 + 1);
      const out = new Uint8Array(320);
      xorBytes(a, i, b, j, out, d, len);
      for (let k = 0; k < len; k++) expect(out[d + k]).toBe(a[i + k] ^ b[j + k]);
      expect(out[d + len] ?? 0).toBe(0);
    }),
    { numRuns: 300 },
  );
});
