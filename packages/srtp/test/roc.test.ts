import { describe, expect, it } from 'vitest';
import { toHex } from '@rtcstack/common';
import { estimateRoc } from '../src/index.ts';
import { ALL_PROFILES, pair, rtp } from './helpers.ts';

describe('ROC estimation (RFC 3711 §3.3.1, Appendix A)', () => {
  it.each([
    // [seq, s_l, roc, expected v, why]
    [100, 90, 5, 5, 'in order, no wrap'],
    [10, 65530, 5, 6, 'SEQ wrapped: far below s_l -> ROC + 1'],
    [65530, 10, 5, 4, 'late packet from before the wrap -> ROC - 1'],
    [40000, 20000, 5, 5, 'jump of less than 2^15 forward'],
    [32767, 65535, 5, 5, 's_l - 32768 == SEQ is not yet a wrap'],
    [32766, 65535, 5, 6, 's_l - 32768 > SEQ is a wrap'],
    [65535, 0, 0, -1, 'before the stream start: invalid (-1)'],
  ])('SEQ %i with s_l %i, ROC %i -> %i (%s)', (seq, sl, roc, v) => {
    expect(estimateRoc(seq, sl, roc)).toBe(v);
  });
});

describe('ROC across sequence wrap, with reordering', () => {
  for (const p of ALL_PROFILES) {
    it(`${p.name}: a shuffled run across 65535 -> 0 all decrypts, with the right index`, () => {
      const { alice, bob } = pair(p);
      const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3, 4, 5];
      const sent = new Map(seqs.map((s) => [s, alice.protectRtp(rtp({ seq: s }))]));
      const order = [65530, 65532, 65531, 0, 65533, 2, 65535, 1, 65534, 4, 3, 5];
      for (const s of order) {
        const r = bob.unprotectRtp(sent.get(s)!);
        expect(r.ok, `seq ${s}`).toBe(true);
        if (r.ok) {
          expect(r.index).toBe((s >= 65530 ? 0 : 65536) + s);
          expect(toHex(r.packet)).toBe(toHex(rtp({ seq: s })));
        }
      }
      expect(bob.inbound.inboundRoc(0x11223344)).toBe(1);
      // Every one of them again is a replay.
      for (const s of order) expect(bob.unprotectRtp(sent.get(s)!)).toMatchObject({ ok: false, reason: 'replayed' });
    });
  }

  it('the sender keeps counting: three wraps give ROC 3 on both sides', () => {
    const { alice, bob } = pair(ALL_PROFILES[0]);
    let last;
    for (let i = 0; i < 3 * 65536 + 2000; i += 1000) {
      last = bob.unprotectRtp(alice.protectRtp(rtp({ seq: i & 0xffff })));
      expect(last.ok).toBe(true);
    }
    expect(bob.inbound.inboundRoc(0x11223344)).toBe(3);
  });

  it('a receiver told the ROC (addInboundSsrc) joins a stream mid-way', () => {
    const p = ALL_PROFILES[0];
    const { alice, bob } = pair(p, { acceptUnknownSsrc: false });
    alice.outbound.setOutboundRoc(0x11223344, 7);
    bob.inbound.addInboundSsrc(0x11223344, 7);
    const r = bob.unprotectRtp(alice.protectRtp(rtp({ seq: 1234 })));
    expect(r).toMatchObject({ ok: true, index: 7 * 65536 + 1234 });
  });
});
