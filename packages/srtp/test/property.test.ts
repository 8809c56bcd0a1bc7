import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toHex } from '@rtcstack/common';
import { ALL_PROFILES, UNPROTECT_FAILURES } from '../src/index.ts';
import { pair, rtp } from './helpers.ts';

const reasons = new Set<string>(Object.values(UNPROTECT_FAILURES));

describe.each(ALL_PROFILES.map((p) => [p.name, p] as const))('%s properties', (_n, p) => {
  it('random bytes only ever produce a typed outcome (never an exception, never ok)', () => {
    const { bob } = pair(p);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, versionTwo) => {
        if (versionTwo && bytes.length) bytes[0] = 0x80 | (bytes[0] & 0x3f);
        for (const r of [bob.unprotectRtp(bytes), bob.unprotectRtcp(bytes)]) {
          expect(r.ok).toBe(false);
          if (!r.ok) expect(reasons.has(r.reason)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    const s = bob.stats;
    expect(s.authFailed + s.parseErrors + s.replayed + s.unknownSsrc).toBe(600);
  });

  it('any single-byte change to a protected packet is rejected', () => {
    const { alice, bob } = pair(p);
    let seq = 0;
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (pos, flip) => {
        const prot = new Uint8Array(alice.protectRtp(rtp({ seq: ++seq, payload: new Uint8Array(40).fill(seq & 0xff) })));
        prot[pos % prot.length] ^= flip;
        const r = bob.unprotectRtp(prot);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('round trip: unprotect(protect(x)) == x for random RTP packets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 65535 }),
        fc.uint8Array({ maxLength: 1400 }),
        fc.array(fc.nat(), { maxLength: 15 }),
        fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 })),
        (seq, payload, csrcs, ext) => {
          const { alice, bob } = pair(p); // fresh sessions: a repeated SEQ is not a replay here
          const plain = rtp({ seq, payload, csrcs, extension: ext ?? undefined });
          const r = bob.unprotectRtp(alice.protectRtp(plain));
          expect(r.ok && toHex(r.packet)).toBe(toHex(plain));
        },
      ),
      { numRuns: 150 },
    );
  });
});
