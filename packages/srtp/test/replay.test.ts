import { describe, expect, it } from 'vitest';
import { ReplayWindow } from '../src/index.ts';
import { ALL_PROFILES, pair, rtp } from './helpers.ts';

describe('ReplayWindow (RFC 3711 §3.3.2)', () => {
  it('accepts new indices, rejects duplicates and anything older than the window', () => {
    const w = new ReplayWindow(64);
    expect(w.check(1000)).toBe(true);
    w.accept(1000);
    expect(w.check(1000)).toBe(false);
    expect(w.check(999)).toBe(true); // late but inside the window
    w.accept(999);
    expect(w.check(999)).toBe(false);
    expect(w.check(1000 - 63)).toBe(true);
    expect(w.check(1000 - 64)).toBe(false); // just outside
    w.accept(1100); // jump further than the window: all old state forgotten
    expect(w.check(1099)).toBe(true);
    expect(w.check(1000)).toBe(false);
  });

  it('sliding by small steps clears the slots that fall out', () => {
    const w = new ReplayWindow(64);
    for (let i = 0; i < 200; i += 2) w.accept(i);
    for (let i = 200 - 63; i < 200; i++) expect(w.check(i)).toBe(i % 2 === 1);
  });

  it('refuses windows smaller than 64 packets', () => {
    expect(() => new ReplayWindow(32)).toThrow(RangeError);
  });
});

describe('the window moves only after authentication', () => {
  for (const p of ALL_PROFILES) {
    it(`${p.name}: a forged packet far ahead does not push genuine packets out`, () => {
      const { alice, bob } = pair(p);
      const genuine = [10, 11, 12].map((s) => alice.protectRtp(rtp({ seq: s })));
      expect(bob.unprotectRtp(genuine[0]).ok).toBe(true);
      // Take a genuine later packet, move its SEQ far ahead: the tag no longer verifies.
      const forged = new Uint8Array(alice.protectRtp(rtp({ seq: 13 })));
      forged[2] = 0x7f;
      expect(bob.unprotectRtp(forged)).toMatchObject({ ok: false, reason: 'auth-failed' });
      expect(bob.unprotectRtp(genuine[2]).ok).toBe(true);
      expect(bob.unprotectRtp(genuine[1]).ok).toBe(true);
      expect(bob.stats).toMatchObject({ rtpUnprotected: 3, authFailed: 1, replayed: 0 });
    });
  }
});
